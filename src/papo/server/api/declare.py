"""How a route is declared: one decorator for who may call it, what it takes and answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from apiflask import APIBlueprint

from .guard import auth

View = TypeVar("View", bound=Callable[..., Any])


def declared(
    bp: APIBlueprint,
    *,
    public: bool = False,
    body: Any = None,
    query: Any = None,
    answer: Any = None,
    status: int = 200,
) -> Callable[[View], View]:
    """Declare a view of `bp`: the bearer token it needs (unless `public`), the JSON `body`
    (passed as `data`) or `query` (passed as `query`) it takes, the schema it `answer`s with
    (none: 204 and no body). Its refusals are listed with `bp.doc(responses=...)`."""

    def declare(view: View) -> View:
        if answer is None:
            view = bp.output({}, status_code=204)(view)
        else:
            view = bp.output(answer, status_code=status)(view)
        if body is not None:
            view = bp.input(body, arg_name="data")(view)
        if query is not None:
            view = bp.input(query, location="query", arg_name="query")(view)
        return view if public else bp.auth_required(auth)(view)

    return declare

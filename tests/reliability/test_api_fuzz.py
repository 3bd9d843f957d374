"""The REST API under schemathesis: every operation in /openapi.json, as a member and as an
admin, with valid and invalid requests. No 5xx, answers conform to the document (status,
content type, body schema, headers), errors have the one error shape, and a route that
needs a token refuses a request without one.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
)
from sqlalchemy import select

from papo.server.api.openapi import BODY_ERRORS
from papo.server.extensions import db
from papo.server.models import AuthSession, User
from reliability.conftest import record_figure
from reliability.openapi_gaps import tolerated
from reliability.operations import OPERATIONS
from security.cast import make_cast, sign_in

ACTORS = ("member", "admin")
EXAMPLES = (
    20  # per operation and actor: 1,160 generated requests in all, and as many without a token
)
SLOW_EXAMPLES = 150
CHECKS = [
    not_a_server_error,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    ignored_auth,
]
SETTINGS = dict(
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@dataclass
class Target:
    """The app under fuzz, its document, and accounts kept signed in between examples."""

    app: object
    api: object
    cast: object
    document: dict
    schema: object
    accounts: dict = field(default_factory=dict)
    statuses: dict = field(default_factory=dict)
    numbers: itertools.count = field(default_factory=itertools.count)

    def headers(self, actor: str) -> dict[str, str]:
        """A live token for `actor`, made anew if the fuzz signed it out or changed it."""
        account = self.accounts.get(actor)
        if account is None or not self._alive(account, actor):
            role = "admin" if actor == "admin" else "member"
            user = self.api.create_user(username=f"fz{actor}{next(self.numbers)}", role=role)
            account = self.accounts[actor] = sign_in(self.app, user)
        return {"Authorization": f"Bearer {account.token}"}

    def _alive(self, account, actor: str) -> bool:
        with self.app.app_context():
            user = db.session.get(User, account.id)
            session = db.session.scalar(
                select(AuthSession.id).where(AuthSession.id == account.session_id)
            )
            role = "admin" if actor == "admin" else "member"
            return bool(user and user.active and user.role == role and session)

    def seeded(self, operation) -> dict[str, int]:
        """Ids that exist, for the operation's path parameters."""
        known = {
            "room_id": [self.cast.public, self.cast.private, 1],
            "message_id": [self.cast.public_message, self.cast.private_message],
            "user_id": [self.cast.people["member"].id, self.cast.target.id],
            "session_id": [self.cast.people["member"].session_id],
        }
        names = [p.name for p in operation.path_parameters]
        return {name: known[name] for name in names}


@pytest.fixture
def target(app, api, client) -> Target:
    """The app with rooms and messages to find, and its OpenAPI document."""
    cast = make_cast(app, api)
    document = client.get("/openapi.json").get_json()
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    return Target(app=app, api=api, cast=cast, document=document, schema=schema)


def cases(target: Target, label: str):
    """Valid and invalid requests for `label`, half of them on ids that exist."""
    method, path = label.split(" ", 1)
    operation = target.schema[path][method]
    seeded = target.seeded(operation)
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    strategies = [operation.as_strategy(generation_mode=mode) for mode in modes]
    if seeded:
        ids = st.fixed_dictionaries({k: st.sampled_from(v) for k, v in seeded.items()})
        strategies.append(
            ids.flatmap(
                lambda chosen: operation.as_strategy(
                    generation_mode=GenerationMode.POSITIVE, path_parameters=chosen
                )
            )
        )
    return st.one_of(strategies)


def documented(target: Target, label: str) -> tuple[set[int], bool]:
    """The statuses the document declares for `label`, and whether it takes a body."""
    method, path = label.split(" ", 1)
    operation = target.document["paths"][path][method.lower()]
    return {int(s) for s in operation["responses"]}, "requestBody" in operation


def check(target: Target, label: str, case, response, headers) -> None:
    """The document's checks, then ours: declared status, the one error shape."""
    declared, has_body = documented(target, label)
    checks = CHECKS + ([negative_data_rejection] if has_body and "{" not in label else [])
    case.validate_response(response, checks=checks, headers=headers)
    status = response.status_code
    assert status in declared | tolerated(label), (
        f"{label} answered {status}, which its document does not declare: {response.text[:300]}"
    )
    if status >= 400:
        assert_error_shape(response)
    target.statuses[status] = target.statuses.get(status, 0) + 1


def refused_without_a_token(target: Target, label: str, case, answered) -> None:
    """The same request without any Authorization header is a 401 where a token is needed
    (unless the path matched no route at all: an invalid id such as -1 in /users/-1)."""
    method, path = label.split(" ", 1)
    if not target.document["paths"][path][method.lower()].get("security"):
        return
    if answered.status_code == 404 and answered.json()["error"]["code"] == "not_found":
        return
    bare = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    response = case.call(headers=bare)
    # The body's format is checked before the token (http.require_json_body runs first).
    body_error = {answered.status_code} & set(BODY_ERRORS)
    assert response.status_code in {401} | body_error, (label, response.status_code, response.text)


def assert_error_shape(response) -> None:
    """{"error": {"code", "message", "fields"?}}, as JSON (support.errors.error_of's rules)."""
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.startswith("application/json"), content_type
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) <= {"code", "message", "fields"}, error
    assert isinstance(error["code"], str) and error["code"], error
    assert isinstance(error["message"], str) and error["message"], error
    assert all(isinstance(text, str) for text in error.get("fields", {}).values()), error


def fuzz(target: Target, label: str, actor: str, examples: int) -> int:
    """Run `examples` generated requests for `label` as `actor`; return how many ran."""
    count = itertools.count()

    @settings(max_examples=examples, **SETTINGS)
    @given(case=cases(target, label))
    def run(case):
        next(count)
        headers = {**(case.headers or {}), **target.headers(actor)}
        response = case.call(headers=headers)
        check(target, label, case, response, headers)
        refused_without_a_token(target, label, case, response)

    run()
    return next(count)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_answers_as_documented(target, label, actor):
    tried = fuzz(target, label, actor, EXAMPLES)

    record_figure(f"REST requests, {label} as {actor}", {"tried": tried, **target.statuses})


@pytest.mark.slow
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("label", OPERATIONS)
def test_every_operation_answers_as_documented_at_length(request, target, label, actor):
    tried = fuzz(target, label, actor, SLOW_EXAMPLES)

    figure = f"REST requests (slow), {label} as {actor} [{request.node.callspec.id}]"
    record_figure(figure, {"tried": tried, **target.statuses})


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_list_is_the_whole_document(client):
    document = client.get("/openapi.json").get_json()

    found = [
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert sorted(found) == sorted(OPERATIONS), json.dumps(sorted(found))

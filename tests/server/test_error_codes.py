"""The table of error codes (papo.error_codes) is the one list: every code the server raises is
in it with its status, and the fallbacks, the document and both catalogs are made from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from papo.error_codes import ERRORS, FALLBACK_CODE, GENERIC, for_status
from papo.server.api.openapi import BODY_ERRORS, UNAVAILABLE
from papo.server.errors import CODES, api_error, event_error
from papo.server.i18n import LOCALE_DIR

SERVER = Path(__file__).resolve().parents[2] / "src" / "papo" / "server"
RAISED = re.compile(r"ApiError\(\s*(\d{3}),\s*\"(\w+)\"")
BY_CODE = re.compile(r"(?:api_error|event_error)\(\s*\"(\w+)\"")


def raised() -> set[tuple[int, str]]:
    """(status, code) of every ApiError written in the server's code."""
    found: set[tuple[int, str]] = set()
    for path in SERVER.rglob("*.py"):
        source = path.read_text()
        found |= {(int(status), code) for status, code in RAISED.findall(source)}
        by_code = BY_CODE.findall(source)
        found |= {(ERRORS[code].status if code in ERRORS else 0, code) for code in by_code}
    return found


def test_every_code_the_server_raises_is_in_the_table_with_its_status():
    found = raised()
    assert len({code for _, code in found}) >= 25  # the search does find the raises
    wrong = {(status, code) for status, code in found if code not in ERRORS}
    wrong |= {(status, code) for status, code in found - wrong if ERRORS[code].status != status}
    assert wrong == set()


def test_each_status_has_one_generic_code():
    generic = [error.status for error in ERRORS.values() if error.generic]
    assert len(generic) == len(set(generic)) == len(GENERIC)


def test_the_generic_codes_and_sentences_are_those_users_saw_before_the_table():
    assert CODES == {
        400: ("bad_request", "The request is malformed."),
        401: ("unauthorized", "Sign in first."),
        403: ("forbidden", "You may not do this."),
        404: ("not_found", "There is nothing at this address."),
        405: ("method_not_allowed", "This address does not accept this method."),
        409: ("conflict", "This conflicts with existing data."),
        413: ("payload_too_large", "The request body is too large."),
        415: ("unsupported_media_type", "Send the body as JSON."),
        422: ("validation_error", "Some fields are invalid."),
        429: ("rate_limited", "Too many requests; slow down."),
        500: ("internal_error", "The server failed; try again."),
        503: ("service_unavailable", "The service is unavailable; try again shortly."),
    }


@pytest.mark.parametrize(("status", "code"), [(404, "not_found"), (418, FALLBACK_CODE)])
def test_a_status_alone_gets_its_generic_code(status, code):
    assert for_status(status).code == code
    assert for_status(status).status == status


def test_an_api_error_by_code_takes_the_tables_status_and_sentence():
    error = api_error("username_taken")
    assert (error.status_code, error.code) == (409, "username_taken")
    sentence = ERRORS["username_taken"].sentence
    assert error.body("en") == {"code": "username_taken", "message": sentence}


def test_the_unknown_event_acknowledgement_is_what_the_guard_says_today():
    assert event_error("unknown_event", "en") == {
        "ok": False,
        "error": {"code": "unknown_event", "message": "No such event."},
    }


def test_the_unknown_event_acknowledgement_speaks_portuguese():
    assert event_error("unknown_event", "pt_BR") == {
        "ok": False,
        "error": {"code": "unknown_event", "message": "Evento inexistente."},
    }


@pytest.mark.parametrize("domain", ["papo", "papo_client"])
def test_every_sentence_of_the_table_is_translated_in_both_catalogs(domain):
    with (LOCALE_DIR / "pt_BR" / "LC_MESSAGES" / f"{domain}.po").open("rb") as handle:
        catalog = read_po(handle)
    sentences = [error.sentence for error in ERRORS.values()] + [for_status(418).sentence]
    assert [s for s in sentences if not (catalog.get(s) and catalog.get(s).string)] == []


def test_the_documented_edge_errors_take_the_tables_statuses():
    assert all(ERRORS[code].status == status for status, (code, _) in BODY_ERRORS.items())
    status, code, _ = UNAVAILABLE
    assert ERRORS[code].status == status


def test_the_document_lists_every_code_of_the_table(client):
    document = client.get("/openapi.json").get_json()
    shape = document["components"]["schemas"]["HTTPError"]
    code = shape["properties"]["error"]["properties"]["code"]
    assert code["enum"] == [*ERRORS, FALLBACK_CODE]
    for error in ERRORS.values():
        assert f"`{error.code}` ({error.status})" in code["description"]


def test_listing_the_codes_leaves_the_apps_error_shape_as_it_was(client):
    from papo.server.errors import ERROR_SCHEMA

    client.get("/openapi.json")
    assert "enum" not in ERROR_SCHEMA["properties"]["error"]["properties"]["code"]

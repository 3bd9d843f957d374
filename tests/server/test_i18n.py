"""Error messages follow the reader's language; codes never change; catalogs are complete."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from papo.server.i18n import LOCALE_DIR, negotiate

ROOT = Path(__file__).resolve().parents[2]
# What `make i18n` reads for this catalog: the code, and the table of error codes.
SOURCES = ["src/papo/server", "src/papo/error_codes.py"]
PORTUGUESE = {"Accept-Language": "pt-BR,pt;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-US,en;q=0.8"}


def _catalog(locale: str):
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "papo.po").open("rb") as handle:
        return read_po(handle)


def _extracted_ids(tmp_path: Path) -> set[str]:
    """Extract the messages from today's code, as `make i18n` does."""
    pot = tmp_path / "papo.pot"
    keywords = ["-k", "N_", "-k", "ApiError:3", "-k", "invalid:2", "-k", "_invalid:2"]
    keywords += ["-k", "ValidationError:1"]
    command = [str(Path(sys.executable).with_name("pybabel")), "-q", "extract"]
    command += ["-F", str(ROOT / "babel.cfg"), *keywords, "-o", str(pot), *SOURCES]
    subprocess.run(command, cwd=ROOT, check=True)
    with pot.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def test_every_message_in_the_code_has_a_portuguese_translation(tmp_path):
    catalog = _catalog("pt_BR")
    missing = [
        msgid
        for msgid in _extracted_ids(tmp_path)
        if not (catalog.get(msgid) and catalog.get(msgid).string)
    ]
    assert missing == [], "run `make i18n` and translate these in pt_BR/papo.po"


def test_the_portuguese_catalog_has_no_stale_or_fuzzy_entries(tmp_path):
    catalog = _catalog("pt_BR")
    in_code = _extracted_ids(tmp_path)
    stale = [m.id for m in catalog if m.id and m.id not in in_code]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert (stale, fuzzy) == ([], [])


def test_the_committed_template_matches_the_code(tmp_path):
    with (LOCALE_DIR / "papo.pot").open("rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert committed == _extracted_ids(tmp_path)


@pytest.mark.parametrize(
    ("asked", "expected"),
    [
        ("pt-BR", "pt_BR"),
        ("pt", "pt_BR"),
        ("pt_BR", "pt_BR"),
        (["fr", "pt-PT", "en"], "pt_BR"),
        ("en-GB", "en"),
        ("fr", "en"),
        (None, "en"),
        ("", "en"),
        ("!!", "en"),
        (42, "en"),
    ],
)
def test_language_negotiation(asked, expected):
    assert negotiate(asked) == expected


def _both(client, method: str, path: str, **kwargs):
    """The same request in English and in Portuguese."""
    headers = kwargs.pop("headers", {})
    en = client.open(path, method=method, headers={**headers, **ENGLISH}, **kwargs)
    pt = client.open(path, method=method, headers={**headers, **PORTUGUESE}, **kwargs)
    return en, pt


def _assert_translated(en, pt, status: int, code: str, portuguese_word: str) -> None:
    assert (en.status_code, pt.status_code) == (status, status)
    assert en.json["error"]["code"] == pt.json["error"]["code"] == code
    assert en.json["error"]["message"] != pt.json["error"]["message"]
    assert portuguese_word in pt.json["error"]["message"]


def test_a_validation_error_speaks_portuguese_field_by_field(client):
    body = {"username": "ab", "password": "correct horse", "name": "Ana", "age": 151}
    en, pt = _both(client, "POST", "/auth/register", json=body)
    _assert_translated(en, pt, 422, "validation_error", "campos")
    assert pt.json["error"]["fields"]["age"] == "A idade deve ser um número inteiro de 0 a 150."
    assert en.json["error"]["fields"]["age"] == "Age must be a whole number from 0 to 150."
    assert "caracteres" in pt.json["error"]["fields"]["username"]


def test_401_speaks_portuguese(client):
    _assert_translated(*_both(client, "GET", "/users"), 401, "token_missing", "Entre")


def test_403_speaks_portuguese(client, member):
    body = {"username": "newbie", "password": "correct horse", "name": "N"}
    en, pt = _both(client, "POST", "/users", json=body, headers=member.headers)
    _assert_translated(en, pt, 403, "forbidden", "administrador")


def test_404_speaks_portuguese(client, member):
    en, pt = _both(client, "GET", "/users/999", headers=member.headers)
    _assert_translated(en, pt, 404, "user_not_found", "Não existe usuário com id 999")


def test_409_speaks_portuguese(client, member):
    body = {"username": member.username, "password": "correct horse", "name": "Again"}
    en, pt = _both(client, "POST", "/auth/register", json=body)
    _assert_translated(en, pt, 409, "username_taken", "já está em uso")


def test_429_speaks_portuguese_and_keeps_retry_after(make_app):
    app = make_app(login_free_attempts=1)
    client = app.test_client()
    wrong = {"username": "nobody", "password": "wrong password"}
    for _ in range(2):
        client.post("/auth/login", json=wrong)
    en, pt = _both(client, "POST", "/auth/login", json=wrong)
    _assert_translated(en, pt, 429, "login_throttled", "espere")
    assert pt.headers["Retry-After"] == en.headers["Retry-After"]


def test_socket_error_acknowledgements_follow_the_language_given_at_connect(app, client, member):
    from papo.server.extensions import socketio

    pt = socketio.test_client(
        app, auth={"token": member.token, "lang": "pt-BR"}, flask_test_client=client
    )
    en = socketio.test_client(app, auth={"token": member.token}, flask_test_client=client)
    ack_pt = pt.emit("send_message", {"message": "   "}, callback=True)
    ack_en = en.emit("send_message", {"message": "   "}, callback=True)
    assert ack_pt["error"]["code"] == ack_en["error"]["code"] == "validation_error"
    assert ack_pt["error"]["message"] == "A mensagem está vazia."
    assert ack_en["error"]["message"] == "The message is empty."
    pt.disconnect()
    en.disconnect()

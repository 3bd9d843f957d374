"""The client speaks English and Portuguese: its catalogs are complete and current, the
language follows $PAPO_LANG, the menu and the system, and dates and numbers follow it."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

from papo.client import i18n, validation
from papo.client.i18n import DEFAULT, LOCALE_DIR, SUPPORTED, Lazy
from papo.client.state import RECONNECTING, Link, State

ROOT = Path(__file__).resolve().parents[2]
# What `make i18n` reads for this catalog: the code, and the table of error codes.
SOURCES = ["src/papo/client", "src/papo/error_codes.py"]
TRANSLATED = [locale for locale in SUPPORTED if locale != DEFAULT]  # English is the code
PLACEHOLDER = re.compile(r"%\(\w+\)s")
# A Tuesday (the day labels are checked around noon of it, local time).
MOMENT = datetime(2026, 11, 24, 14, 2, tzinfo=UTC)


def _catalog(locale: str):
    with (LOCALE_DIR / locale / "LC_MESSAGES" / f"{i18n.DOMAIN}.po").open("rb") as handle:
        return read_po(handle)


def _extracted_ids(tmp_path: Path) -> set:
    """Extract the client's messages from today's code, as `make i18n` does."""
    pot = tmp_path / "papo_client.pot"
    command = [str(Path(sys.executable).with_name("pybabel")), "-q", "extract"]
    command += ["-F", str(ROOT / "babel.cfg"), "-o", str(pot), *SOURCES]
    subprocess.run(command, cwd=ROOT, check=True)
    with pot.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def _translated(message) -> bool:
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(forms) and all(forms)


# --- the catalogs ---------------------------------------------------------------------


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_client_message_has_a_translation(tmp_path, locale):
    catalog = _catalog(locale)
    missing = [
        msgid
        for msgid in _extracted_ids(tmp_path)
        if not (catalog.get(msgid) and _translated(catalog.get(msgid)))
    ]
    assert missing == [], f"run `make i18n` and translate these in {locale}/papo_client.po"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_client_catalog_has_no_stale_or_fuzzy_entries(tmp_path, locale):
    catalog = _catalog(locale)
    in_code = _extracted_ids(tmp_path)
    stale = [m.id for m in catalog if m.id and m.id not in in_code]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert (stale, fuzzy) == ([], [])


def test_the_committed_client_template_matches_the_code(tmp_path):
    with (LOCALE_DIR / "papo_client.pot").open("rb") as handle:
        committed = {m.id for m in read_po(handle) if m.id}
    assert committed == _extracted_ids(tmp_path), "run `make i18n`"


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_every_placeholder(locale):
    wrong = []
    for message in _catalog(locale):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        wrong += [form for form in forms if set(PLACEHOLDER.findall(form)) != wanted]
    assert wrong == []


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_compiled_client_catalog_is_up_to_date(locale):
    compiled = Translations.load(str(LOCALE_DIR), [locale], domain=i18n.DOMAIN)
    assert isinstance(compiled, Translations), "run `make install` to compile the catalogs"
    stale = [
        m.id
        for m in _catalog(locale)
        if m.id and isinstance(m.id, str) and compiled.gettext(m.id) != m.string
    ]
    assert stale == [], "run `make install` to compile the catalogs"


# --- choosing the language ------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "saved", "expected"),
    [
        ({"PAPO_LANG": "pt_BR", "LANG": "en_US.UTF-8"}, "en", "pt_BR"),
        ({"PAPO_LANG": "en", "LANG": "pt_BR.UTF-8"}, "", "en"),
        ({"PAPO_LANG": "klingon", "LANG": "pt_BR.UTF-8"}, "", "pt_BR"),
        ({"LANG": "en_US.UTF-8"}, "pt_BR", "pt_BR"),
        ({"LANG": "pt_BR.UTF-8"}, "en", "en"),
        ({"LANG": "pt_BR.UTF-8"}, "", "pt_BR"),
        ({"LANG": "pt_PT.UTF-8"}, "", "pt_BR"),
        ({"LANGUAGE": "fr:pt_BR:en", "LANG": "fr_FR.UTF-8"}, "", "pt_BR"),
        ({"LC_ALL": "pt_BR.UTF-8", "LANG": "en_US.UTF-8"}, "", "pt_BR"),
        ({"LC_MESSAGES": "pt_BR@euro", "LANG": "en_US.UTF-8"}, "", "pt_BR"),
        ({"LANG": "C.UTF-8"}, "", "en"),
        ({"LANG": "fr_FR.UTF-8"}, "", "en"),
        ({}, "", "en"),
    ],
)
def test_the_language_follows_papo_lang_then_the_menu_then_the_system(environ, saved, expected):
    assert i18n.choose(saved, environ) == expected


@pytest.mark.parametrize(("locale", "tag"), [("pt_BR", "pt-BR"), ("en", "en")])
def test_the_server_is_told_the_language_as_a_language_tag(locale, tag):
    assert i18n.http_tag(locale) == tag


def test_an_unknown_language_falls_back_to_english():
    assert i18n.use("tlh") == "en"
    assert i18n._("Sign in") == "Sign in"


# --- words, dates and numbers in the active language ----------------------------------


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en", ("Sign in", "Password", "Rooms", "Users", "Send")),
        ("pt_BR", ("Entrar", "Senha", "Salas", "Usuários", "Enviar")),
    ],
)
def test_the_labels_follow_the_active_language(locale, words):
    i18n.use(locale)
    assert tuple(map(i18n._, ("Sign in", "Password", "Rooms", "Users", "Send"))) == words


@pytest.mark.parametrize(
    ("locale", "today", "yesterday", "older"),
    [
        ("en", "Today", "Yesterday", "Tuesday, November 24, 2026"),
        ("pt_BR", "Hoje", "Ontem", "terça-feira, 24 de novembro de 2026"),
    ],
)
def test_day_separators_are_in_the_active_language(locale, today, yesterday, older):
    i18n.use(locale)
    noon = MOMENT.astimezone().replace(hour=12, minute=0)
    assert i18n.day_label(noon, today=noon) == today
    assert i18n.day_label(noon - timedelta(days=1), today=noon) == yesterday
    assert i18n.day_label(noon, today=noon + timedelta(days=9)) == older


def test_message_times_are_written_as_the_language_writes_them():
    local = MOMENT.astimezone().replace(hour=14, minute=2)
    i18n.use("pt_BR")
    assert i18n.time_label(local) == "14:02"
    i18n.use("en")
    assert i18n.time_label(local).replace("\u202f", " ") == "2:02 PM"


def test_numbers_are_written_as_the_language_writes_them():
    i18n.use("pt_BR")
    assert i18n.number(12345) == "12.345"
    i18n.use("en")
    assert i18n.number(12345) == "12,345"


def test_a_lazy_text_is_worded_again_after_a_switch():
    notice = Lazy(i18n.N_("Your password was changed."))
    assert str(notice) == "Your password was changed."
    i18n.use("pt_BR")
    assert str(notice) == "Sua senha foi trocada."


def test_the_state_speaks_portuguese():
    i18n.use("pt_BR")
    state = State(me={"id": 1, "username": "ana", "name": "Ana"})
    state.someone_typing(1, {"id": 2, "name": "Rui"}, now=0.0)
    assert state.typing_line(1) == "Rui está digitando…"
    state.someone_typing(1, {"id": 3, "name": "Eva"}, now=0.0)
    assert state.typing_line(1) == "Eva e Rui estão digitando…"
    assert Link(RECONNECTING, attempts=2).describe() == "Reconectando (tentativa 2)…"
    assert Link("connected").describe() == "Conectado"


def test_the_forms_checks_speak_portuguese():
    i18n.use("pt_BR")
    assert validation.age("151") == (None, "A idade deve ser um número inteiro de 0 a 150.")
    assert validation.password("short")[1] == "Use de 8 a 1024 caracteres."


def test_the_menu_names_every_language_in_itself():
    assert set(i18n.NAMES) == set(SUPPORTED)
    assert i18n.NAMES["pt_BR"] == "Português (Brasil)"

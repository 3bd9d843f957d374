"""What the client says when something fails, in English and in Portuguese: its own words for
the codes it knows, the server's (asked in the reader's language) for the rest."""

from __future__ import annotations

import pytest

from client.helpers import register, unique_name, wait_for
from papo.client import i18n
from papo.client.api import Api, ApiError
from papo.client.errors import ERROR_TEXTS, unreachable
from papo.client.state import CONNECTED
from papo.error_codes import ERRORS
from support.live_server import free_port

SERVER = "http://127.0.0.1:9"


def said(error: ApiError, locale: str) -> str:
    """The error in words, in `locale`."""
    i18n.use(locale)
    return error.describe()


@pytest.mark.parametrize(
    ("error", "english", "portuguese"),
    [
        (
            unreachable(SERVER, "ConnectionError"),
            f"Cannot reach the server at {SERVER}: is it running, and is the address right? "
            "(ConnectionError)",
            f"Não foi possível falar com o servidor em {SERVER}: ele está no ar, e o endereço "
            "está certo? (ConnectionError)",
        ),
        (
            ApiError(401, "invalid_credentials", "Usuário ou senha incorretos."),
            "Wrong username or password.",
            "Usuário ou senha incorretos.",
        ),
        (
            ApiError(429, "login_throttled", "Too many failed sign-ins.", retry_after=42),
            "Too many failed sign-ins. Try again in 42 seconds.",
            "Muitas tentativas de entrar sem sucesso. Tente de novo em 42 segundos.",
        ),
        (
            ApiError(429, "login_throttled", "", retry_after=1),
            "Too many failed sign-ins. Try again in 1 second.",
            "Muitas tentativas de entrar sem sucesso. Tente de novo em 1 segundo.",
        ),
        (
            ApiError(403, "signup_closed", "Sign-up is closed on this server; ask an admin."),
            "Sign-up is closed on this server; ask an admin.",
            "O cadastro está fechado neste servidor; peça a um administrador.",
        ),
        (
            ApiError(401, "token_expired", "This session has expired; sign in again."),
            "Your session has expired; sign in again.",
            "Sua sessão expirou; entre novamente.",
        ),
        (
            ApiError(0, "not_connected", "The connection to the server is down."),
            "The connection to the server is down.",
            "A conexão com o servidor caiu.",
        ),
        (
            ApiError(0, "timeout", "The server did not answer 'resume' in time."),
            "The server did not answer in time.",
            "O servidor não respondeu a tempo.",
        ),
    ],
    ids=lambda value: value.code if isinstance(value, ApiError) else "",
)
def test_the_codes_the_client_knows_are_said_in_both_languages(error, english, portuguese):
    assert (said(error, "en"), said(error, "pt_BR")) == (english, portuguese)


def test_every_known_code_has_words_in_both_languages():
    for code in ERROR_TEXTS:
        error = ApiError(0, code, "detail", server=SERVER)
        english, portuguese = said(error, "en"), said(error, "pt_BR")
        assert english and portuguese and english != portuguese, code


def test_other_codes_keep_the_servers_words_and_name_the_fields_in_the_language():
    error = ApiError(422, "validation_error", "Confira os campos.", fields={"age": "Muito."})
    assert said(error, "en") == "Confira os campos.\nage: Muito."
    assert said(error, "pt_BR") == "Confira os campos.\nidade: Muito."


def test_an_error_without_words_says_the_status():
    error = ApiError.from_body(502, None)
    assert (said(error, "en"), said(error, "pt_BR")) == (
        "The server answered 502.",
        "O servidor respondeu 502.",
    )


@pytest.mark.parametrize(
    ("status", "code"),
    [(404, "not_found"), (405, "method_not_allowed"), (429, "rate_limited"), (500, "error")],
)
def test_an_answer_without_papos_body_gets_the_generic_code_of_its_status(status, code):
    assert ApiError.from_body(status, "<html>Bad Gateway</html>").code == code


def test_the_client_says_what_the_servers_table_says_for_the_sign_in_codes():
    for code in ("invalid_credentials", "login_throttled", "signup_closed"):
        assert ERROR_TEXTS[code] == ERRORS[code].sentence
        assert ApiError(ERRORS[code].status, code, "").text() == ERRORS[code].sentence


def test_an_unreachable_server_is_said_in_portuguese():
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ApiError) as caught:
        Api(url, language="pt_BR").login("anyone", "whatever")
    assert said(caught.value, "pt_BR").startswith(f"Não foi possível falar com o servidor em {url}")


# --- the server is asked in the reader's language -------------------------------------


def test_rest_requests_ask_for_the_language_and_get_field_messages_in_it(server):
    with pytest.raises(ApiError) as caught:
        Api(server.url, language="pt_BR").register("x", "short", "")
    error = caught.value
    assert error.code == "validation_error"
    assert "caracteres" in error.fields["username"]
    assert "\nusuário: " in said(error, "pt_BR")


def test_a_wrong_password_in_portuguese(server):
    _api, user = register(server.url)
    with pytest.raises(ApiError) as caught:
        Api(server.url, language="pt_BR").login(user["username"], "not the password")
    assert caught.value.message == "Usuário ou senha incorretos."  # the server's own words
    assert said(caught.value, "pt_BR") == "Usuário ou senha incorretos."


def test_the_socket_connection_carries_the_language(server, make_core):
    core = make_core(server.url, language="pt_BR")
    assert core.realtime.auth()["lang"] == "pt-BR"
    room = core.state.current_room
    with pytest.raises(ApiError) as caught:
        core.realtime.call("send_message", {"room": room, "message": "   "})
    assert caught.value.message == "A mensagem está vazia."


def test_a_new_language_is_asked_for_at_once_over_rest_and_at_the_next_connect(
    own_server, make_core
):
    server = own_server()
    core = make_core(server.url, language="pt_BR")
    core.set_language("en")
    assert core.api.language == core.realtime.api.language == "en"
    with pytest.raises(ApiError) as caught:
        core.api.register(unique_name(), "short", "Someone")
    assert "characters" in caught.value.fields["password"]  # not "caracteres"
    server.restart()
    wait_for(core, lambda: core.state.link.status != CONNECTED, "the link to drop")
    wait_for(core, lambda: core.state.link.status == CONNECTED, "the link to come back")
    with pytest.raises(ApiError) as caught:
        core.realtime.call("send_message", {"room": core.state.current_room, "message": " "})
    assert caught.value.message == "The message is empty."

"""The REST client maps every failure to an ApiError that says what went wrong."""

from __future__ import annotations

import pytest

from client.helpers import PASSWORD, admin_api, register, unique_name
from papo.client.api import Api, ApiError, normalise_url
from support.live_server import free_port


def test_signing_in_keeps_the_token_and_returns_the_user(server):
    _api, user = register(server.url)
    api = Api(server.url)
    body = api.login(user["username"], PASSWORD)
    assert api.token == body["token"]
    assert api.me()["username"] == user["username"]


def test_a_wrong_password_is_a_401_invalid_credentials(server):
    _api, user = register(server.url)
    with pytest.raises(ApiError) as caught:
        Api(server.url).login(user["username"], "not the password")
    assert (caught.value.status, caught.value.code) == (401, "invalid_credentials")
    assert caught.value.describe() == "Wrong username or password."


def test_an_unreachable_server_is_a_clear_error():
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ApiError) as caught:
        Api(url).login("anyone", "whatever")
    assert caught.value.unreachable and caught.value.code == "unreachable"
    assert f"Cannot reach the server at {url}" in caught.value.describe()


def test_registration_field_errors_are_a_422_with_fields(server):
    with pytest.raises(ApiError) as caught:
        Api(server.url).register("x", "short", "")
    error = caught.value
    assert (error.status, error.code) == (422, "validation_error")
    assert set(error.fields) == {"username", "password", "name"}
    assert "username: Use 3 to 32 characters" in error.describe()


def test_a_taken_username_is_a_409(server):
    _api, user = register(server.url)
    with pytest.raises(ApiError) as caught:
        Api(server.url).register(user["username"], PASSWORD, "Someone else")
    assert (caught.value.status, caught.value.code) == (409, "username_taken")


def test_closed_sign_up_is_a_403_signup_closed(own_server):
    server = own_server(PAPO_OPEN_SIGNUP="0")
    with pytest.raises(ApiError) as caught:
        Api(server.url).register(unique_name(), PASSWORD, "Newcomer")
    assert (caught.value.status, caught.value.code) == (403, "signup_closed")
    assert "ask an admin" in caught.value.describe()


def test_repeated_failures_are_throttled_with_the_wait(own_server):
    server = own_server(PAPO_LOGIN_FREE_ATTEMPTS="1")
    _api, user = register(server.url)
    error = failed_logins(Api(server.url), user["username"], until_status=429, at_most=6)
    assert (error.status, error.code) == (429, "login_throttled")
    assert error.retry_after and error.retry_after > 0
    assert str(error.retry_after) in error.describe()


def failed_logins(api: Api, username: str, *, until_status: int, at_most: int) -> ApiError:
    """Sign in with a wrong password until the answer has `until_status`; return that error."""
    error = None
    for _ in range(at_most):
        with pytest.raises(ApiError) as caught:
            api.login(username, "a wrong password")
        error = caught.value
        if error.status == until_status:
            break
    return error


def test_a_signed_out_token_is_a_401(server):
    api, _user = register(server.url)
    token = api.token
    api.logout()
    assert api.token is None
    with pytest.raises(ApiError) as caught:
        Api(server.url, token).me()
    assert caught.value.status == 401 and caught.value.code == "token_invalid"


def test_a_missing_user_is_a_404(server):
    with pytest.raises(ApiError) as caught:
        admin_api(server.url).update_user(2**31 - 1, name="Nobody")
    assert (caught.value.status, caught.value.code) == (404, "user_not_found")


def test_a_member_may_not_delete_users(server):
    api, _user = register(server.url)
    _other_api, other = register(server.url)
    with pytest.raises(ApiError) as caught:
        api.delete_user(other["id"])
    assert (caught.value.status, caught.value.code) == (403, "forbidden")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("http://127.0.0.1:5000/", "http://127.0.0.1:5000"),
        ("  localhost:5000 ", "http://localhost:5000"),
        ("https://chat.example", "https://chat.example"),
    ],
)
def test_server_addresses_are_normalised(typed, expected):
    assert normalise_url(typed) == expected

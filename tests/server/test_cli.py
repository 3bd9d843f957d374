"""`papo create-admin` and `papo db upgrade` on the command line."""

import pytest

from support.accounts import PASSWORD


def login(make_app, username, password=PASSWORD):
    client = make_app().test_client()
    return client.post("/auth/login", json={"username": username, "password": password})


def test_create_admin_makes_an_admin_who_can_sign_in(run_cli, make_app):
    result = run_cli(
        "create-admin", "--username", "Boss", "--password-stdin", input=PASSWORD + "\n"
    )

    assert result.exit_code == 0, result.output
    assert "Admin 'boss' created" in result.output
    response = login(make_app, "boss")
    assert response.status_code == 200
    assert response.get_json()["user"]["role"] == "admin"


def test_create_admin_uses_the_name_given(run_cli, make_app):
    run_cli(
        "create-admin", "--username", "boss", "--name", "The Boss", "--password-stdin",
        input=PASSWORD + "\n",
    )  # fmt: skip

    assert login(make_app, "boss").get_json()["user"]["name"] == "The Boss"


def test_create_admin_reads_the_password_from_the_environment(run_cli, make_app, monkeypatch):
    monkeypatch.setenv("PAPO_ADMIN_PASSWORD", "from the environment")

    result = run_cli("create-admin", "--username", "boss")

    assert result.exit_code == 0, result.output
    assert login(make_app, "boss", "from the environment").status_code == 200


@pytest.mark.parametrize("username", ["ab", "has space", "x" * 33])
def test_create_admin_with_a_bad_username_is_a_usage_error(run_cli, username):
    result = run_cli("create-admin", "--username", username, "--password-stdin", input=PASSWORD)

    assert result.exit_code == 2
    assert "username" in result.output
    assert "Traceback" not in result.output


def test_create_admin_with_a_short_password_is_a_usage_error(run_cli):
    result = run_cli("create-admin", "--username", "boss", "--password-stdin", input="short\n")

    assert result.exit_code == 2
    assert "password" in result.output


def test_create_admin_with_a_taken_username_fails_clearly(run_cli, api):
    api.create_user(username="boss")

    result = run_cli("create-admin", "--username", "boss", "--password-stdin", input=PASSWORD)

    assert result.exit_code == 1
    assert "already taken" in result.output


def test_create_admin_keeps_spaces_inside_the_password(run_cli, make_app):
    run_cli("create-admin", "--username", "boss", "--password-stdin", input="  padded pass  \n")

    assert login(make_app, "boss", "  padded pass  ").status_code == 200


def test_db_upgrade_reports_the_revision(run_cli):
    result = run_cli("db", "upgrade")

    assert result.exit_code == 0, result.output
    assert "Database at head." in result.output

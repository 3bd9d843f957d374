"""Config.from_env: typed values from the environment, safe defaults, a kept secret key."""

import os
import stat
from pathlib import Path

import pytest

from papo.server.config import ENVIRONMENT_VARIABLES, Config, ConfigError


@pytest.fixture
def from_env(tmp_path):
    """Read a Config from `environ` alone, with the instance folder in tmp_path."""

    def read(**environ: str) -> Config:
        return Config.from_env(environ={"PAPO_INSTANCE_DIR": str(tmp_path), **environ})

    return read


@pytest.mark.parametrize("word", ["1", "true", "TRUE", "yes", "on", " On "])
def test_true_words_read_as_true(from_env, word):
    assert from_env(PAPO_OPEN_SIGNUP=word).open_signup is True


@pytest.mark.parametrize("word", ["0", "false", "False", "no", "off", ""])
def test_false_words_read_as_false(from_env, word):
    assert from_env(PAPO_OPEN_SIGNUP=word).open_signup is False


@pytest.mark.parametrize("word", ["maybe", "2", "y", "enabled"])
def test_another_word_for_a_flag_is_a_config_error_naming_the_variable(from_env, word):
    with pytest.raises(ConfigError, match="PAPO_OPEN_SIGNUP"):
        from_env(PAPO_OPEN_SIGNUP=word)


def test_whole_numbers_are_read(from_env):
    config = from_env(PAPO_PORT="8080", PAPO_TOKEN_IDLE_MINUTES="15", PAPO_TOKEN_MAX_DAYS="7")

    assert (config.port, config.token_idle_minutes, config.token_max_days) == (8080, 15, 7)


@pytest.mark.parametrize("raw", ["eighty", "80.5", "", "8080x"])
def test_a_bad_whole_number_is_a_config_error_naming_the_variable(from_env, raw):
    with pytest.raises(ConfigError, match="PAPO_PORT"):
        from_env(PAPO_PORT=raw)


def test_decimal_numbers_are_read(from_env):
    assert from_env(PAPO_MESSAGE_RATE="2.5").message_rate == 2.5


def test_a_bad_decimal_number_is_a_config_error(from_env):
    with pytest.raises(ConfigError, match="PAPO_MESSAGE_RATE"):
        from_env(PAPO_MESSAGE_RATE="fast")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://a.example", ("https://a.example",)),
        ("https://a.example, https://b.example", ("https://a.example", "https://b.example")),
        (" https://a.example ,, ", ("https://a.example",)),
        ("", ()),
    ],
)
def test_lists_are_comma_separated_and_trimmed(from_env, raw, expected):
    assert from_env(PAPO_CORS_ORIGINS=raw).cors_origins == expected


def test_the_defaults_are_safe(from_env, tmp_path):
    config = from_env()

    assert config.host == "127.0.0.1"
    assert config.cors_origins == ()
    assert config.testing is False
    assert config.database_url == f"sqlite:///{tmp_path.resolve() / 'papo.sqlite3'}"
    assert config.is_sqlite


def test_overrides_win_over_the_environment(tmp_path):
    config = Config.from_env(
        environ={"PAPO_PORT": "1234", "PAPO_INSTANCE_DIR": str(tmp_path)}, port=4321
    )

    assert config.port == 4321


def test_unknown_variables_are_ignored(from_env):
    assert from_env(PAPO_NOT_A_SETTING="x", HOME="/root").port == 5000


def test_every_field_but_testing_has_a_variable():
    assert "DATABASE_URL" in ENVIRONMENT_VARIABLES
    assert "SECRET_KEY" in ENVIRONMENT_VARIABLES
    assert len(ENVIRONMENT_VARIABLES) == len(set(ENVIRONMENT_VARIABLES))


def test_the_instance_folder_comes_from_the_environment(tmp_path):
    folder = tmp_path / "elsewhere"

    config = Config.from_env(environ={"PAPO_INSTANCE_DIR": str(folder)})

    assert config.instance_dir == folder.resolve()
    assert isinstance(config.instance_dir, Path)


# --- Database URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "postgres://papo:pw@db.internal:5432/papo",
        "postgresql://papo:pw@db.internal:5432/papo",
        "postgresql+psycopg://papo:pw@db.internal:5432/papo",
    ],
)
def test_postgres_urls_use_psycopg_3(from_env, raw):
    config = from_env(DATABASE_URL=raw)

    assert config.database_url == "postgresql+psycopg://papo:pw@db.internal:5432/papo"
    assert not config.is_sqlite


def test_a_sqlite_url_is_kept(from_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'other.db'}"

    assert from_env(DATABASE_URL=url).database_url == url


# --- The secret key ------------------------------------------------------------------------------


def test_a_secret_key_is_generated_and_kept_in_the_instance_folder(from_env, tmp_path):
    config = from_env()

    kept = tmp_path / "secret_key"
    assert kept.read_text().strip() == config.secret_key
    assert len(config.secret_key) >= 32


def test_the_kept_secret_key_is_readable_by_its_owner_only(from_env, tmp_path):
    from_env()

    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600


def test_the_secret_key_is_the_same_on_every_start(from_env):
    assert from_env().secret_key == from_env().secret_key


def test_separate_instances_get_separate_secret_keys(tmp_path):
    first = Config.from_env(environ={"PAPO_INSTANCE_DIR": str(tmp_path / "a")})
    second = Config.from_env(environ={"PAPO_INSTANCE_DIR": str(tmp_path / "b")})

    assert first.secret_key != second.secret_key


def test_a_secret_key_from_the_environment_wins_and_nothing_is_written(from_env, tmp_path):
    config = from_env(SECRET_KEY="from-the-environment")

    assert config.secret_key == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_no_draft_of_the_secret_key_is_left_behind(from_env, tmp_path):
    from_env()

    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret_key"]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PAPO_PORT", "0"),
        ("PAPO_PORT", "70000"),
        ("PAPO_MAX_BODY_BYTES", "-1"),
        ("PAPO_TOKEN_MAX_DAYS", "-1"),
        ("PAPO_MESSAGE_RATE", "0"),
        ("PAPO_ASYNC_MODE", "eventlet"),
    ],
)
def test_out_of_range_values_are_refused_with_the_variable_named(tmp_path, variable, value):
    environ = {"PAPO_INSTANCE_DIR": str(tmp_path), variable: value}
    with pytest.raises(ConfigError, match=variable):
        Config.from_env(environ)


def test_a_wildcard_cors_origin_is_refused_at_start_up(from_env):
    with pytest.raises(ConfigError, match=r"PAPO_CORS_ORIGINS must list the origins .* not '\*'"):
        from_env(PAPO_CORS_ORIGINS="https://a.example, *")


@pytest.mark.parametrize(
    "origin",
    [
        "https://a.example/",
        "https://a.example/chat",
        "a.example",
        "ftp://a.example",
        "https://*.example",
        "https://A.example",
        "https://a.example:80:80",
        "null",
    ],
)
def test_a_cors_origin_that_is_not_scheme_host_port_is_refused(from_env, origin):
    with pytest.raises(ConfigError, match="scheme://host\\[:port\\]"):
        from_env(PAPO_CORS_ORIGINS=origin)


@pytest.mark.parametrize(
    "origin",
    ["https://chat.example", "http://localhost:8080", "http://127.0.0.1:5000", "http://[::1]:5000"],
)
def test_a_cors_origin_as_browsers_send_it_is_accepted(from_env, origin):
    assert from_env(PAPO_CORS_ORIGINS=origin).cors_origins == (origin,)

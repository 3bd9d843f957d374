"""deploy/systemd: units systemd accepts, whose command serves and stops in time, and an
environment file that Papo's configuration reads.
"""

import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from papo.server.config import ENVIRONMENT_VARIABLES, Config
from scale.backends import OWN_SQLITE
from scale.servers import ServeProcess

SYSTEMD = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
INSTALLED_PAPO = "/opt/papo/.venv/bin/papo"
HERE_PAPO = str(Path(sys.executable).parent / "papo")


def unit_lines(name: str, key: str) -> list[str]:
    """The values of `key=` in a unit file."""
    lines = (SYSTEMD / name).read_text().splitlines()
    return [line.split("=", 1)[1] for line in lines if line.startswith(f"{key}=")]


def env_file() -> dict[str, str]:
    """deploy/systemd/papo.env as systemd reads it (NAME=value lines, # comments)."""
    lines = (SYSTEMD / "papo.env").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


@pytest.mark.parametrize(
    ("unit", "instance"),
    [("papo@.service", "papo@8001.service"), ("papo-workers.service", "papo-workers.service")],
)
def test_systemd_accepts_the_unit(unit, instance, tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed")
    text = (SYSTEMD / unit).read_text()
    assert INSTALLED_PAPO in text
    (tmp_path / unit).write_text(text.replace(INSTALLED_PAPO, HERE_PAPO))

    checked = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / instance)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def test_the_example_environment_sets_only_variables_papo_reads():
    assert set(env_file()) <= set(ENVIRONMENT_VARIABLES)


def test_papo_reads_the_example_environment_as_a_proxied_postgresql_redis_deployment(tmp_path):
    config = Config.from_env({**env_file(), "PAPO_INSTANCE_DIR": str(tmp_path)})

    assert config.database_url.startswith("postgresql+psycopg://")
    assert config.redis_url.startswith("redis://")
    assert config.trusted_proxies == 1
    assert config.secret_key == env_file()["SECRET_KEY"]


@OWN_SQLITE
def test_the_units_command_serves_and_stops_within_the_units_stop_timeout(
    db_url, redis_server, tmp_path
):
    [command] = unit_lines("papo@.service", "ExecStart")
    argv = [part.replace(INSTALLED_PAPO, HERE_PAPO) for part in shlex.split(command)]
    argv = [part.replace("%i", "{port}") for part in argv]
    env = {**env_file(), "DATABASE_URL": db_url, "REDIS_URL": redis_server.url}
    env["PAPO_INSTANCE_DIR"] = str(tmp_path / "instance")
    [stop_timeout] = unit_lines("papo@.service", "TimeoutStopSec")
    served = ServeProcess(tmp_path / "unit", argv, env).start()

    began = time.monotonic()
    status = served.stop()

    assert status == 0, served.log()
    assert time.monotonic() - began < float(stop_timeout.rstrip("s"))
    assert "Traceback" not in served.log()

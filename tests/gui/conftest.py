"""GUI fixtures: a real Xvfb display started by the tests, a real server, real windows.

The display fixture picks a free display number, starts `Xvfb :N -screen 0 1280x800x24`,
points DISPLAY at it and stops it by PID at the end. Without Xvfb the GUI tests are skipped
with a message saying so (CI installs it through scripts/system-deps.sh).
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from client.conftest import start_server
from gui.helpers import pump_until
from papo.client import i18n
from papo.client.app import App
from support.live_server import LiveServer

SCREEN = "1280x800x24"
START_TIMEOUT = 10.0


def _free_display() -> int:
    for number in range(90, 200):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return number
    raise RuntimeError("no free X display number between :90 and :199")


@pytest.fixture(scope="session")
def display() -> Iterator[str]:
    """A private Xvfb display for this test session."""
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        pytest.skip("Xvfb is not installed: run `bash scripts/system-deps.sh` (GUI tests skipped)")
    number = _free_display()
    name = f":{number}"
    process = subprocess.Popen(
        [xvfb, name, "-screen", "0", SCREEN, "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket_path = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + START_TIMEOUT
    while not socket_path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"Xvfb {name} did not start")
        time.sleep(0.05)
    previous = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = name
    yield name
    os.kill(process.pid, signal.SIGTERM)
    process.wait(timeout=10)
    if previous is None:
        os.environ.pop("DISPLAY", None)
    else:
        os.environ["DISPLAY"] = previous


@pytest.fixture(scope="session")
def gui_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real server for the GUI tests."""
    running = start_server(tmp_path_factory.mktemp("papo-gui"))
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Windows open in English whatever the machine's locale (a test may set PAPO_LANG), and
    leave the client in English for the next test."""
    monkeypatch.setenv(i18n.ENV, "en")
    yield
    i18n.use("en")


@pytest.fixture
def make_app(display: str, tmp_path: Path) -> Iterator[Callable[..., App]]:
    """Real client windows on the test display; each keeps its preferences in tmp_path."""
    apps: list[App] = []

    def make(name: str = "app") -> App:
        app = App(config_dir=tmp_path / name)
        apps.append(app)
        pump_until(app, lambda: app.signin is not None, "the sign-in form")
        return app

    yield make
    for app in apps:
        if app.winfo_exists():
            app.update_idletasks()
            app.quit_app()
    apps.clear()
    gc.collect()  # finalise the windows' Tk objects here, on the main thread


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $PAPO_SCREENSHOT_DIR (e.g. docs) or a temporary folder."""
    chosen = os.environ.get("PAPO_SCREENSHOT_DIR")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder

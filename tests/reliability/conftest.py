"""Fixtures for the reliability suite: the chat suite's connections and servers, log checks,
and the figures the suite reports (payloads tried, faults injected, messages checked)."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from chat.conftest import (  # noqa: F401  (the chat suite's fixtures, re-used)
    connect,
    general,
    live_api,
    live_client,
    live_server,
    shared_live_server,
)

FIGURES: dict[str, object] = {}


def record_figure(name: str, value: object) -> None:
    """Keep a figure for the end-of-run summary (and PAPO_RELIABILITY_FIGURES, if set)."""
    FIGURES[name] = value


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the figures the reliability tests measured."""
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for name, value in FIGURES.items():
        terminalreporter.write_line(f"{name}: {json.dumps(value)}")
    if target := os.environ.get("PAPO_RELIABILITY_FIGURES"):
        Path(target).write_text(json.dumps(FIGURES, indent=1) + "\n")


def failures_logged(records: list[logging.LogRecord]) -> list[str]:
    """The ERROR records and the records carrying a traceback, formatted to read."""
    return [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in records
        if r.levelno >= logging.ERROR or r.exc_info
    ]


@pytest.fixture
def quiet_log(caplog) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every log record of the test; fail if one is an error or has a traceback."""
    caplog.set_level(logging.INFO)
    yield caplog
    assert failures_logged(caplog.records) == []

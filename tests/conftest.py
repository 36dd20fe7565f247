"""Shared test set-up.

Airflow reads AIRFLOW_HOME when first imported, so it is pointed at a throw-away directory here,
before any test imports it: tests never touch a real Airflow home or its metadata DB.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `tests.fixtures...` imports work from any working directory
    sys.path.insert(0, str(ROOT))

_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="vi-airflow-home-"))
os.environ.setdefault("AIRFLOW_HOME", str(_AIRFLOW_HOME))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Any]:
    """The one Playwright (sync API) of the test session.

    Playwright's sync API runs an event loop in the calling thread, so a second
    ``sync_playwright()`` while the first is alive fails ("Sync API inside the asyncio loop"):
    the dashboard and the player tests each launch their Chromium from this one driver.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright

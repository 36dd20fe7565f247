"""Fixtures of the quality (GX) tests: one good hand-built warehouse per session, copied per
broken variant, and one validation of the good warehouse shared by the tests that read it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.expectations.builders import Fixture, build_warehouse, copy_warehouse


@pytest.fixture(scope="session")
def good_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    return build_warehouse(tmp_path_factory.mktemp("quality-good") / "warehouse")


@pytest.fixture(scope="session")
def good_result(good_warehouse: Fixture):
    """validate() on the good warehouse, once per session (the first run pays the GX import)."""
    from video_insights.quality import validate

    return validate(good_warehouse.paths)


@pytest.fixture
def variant(good_warehouse: Fixture, tmp_path: Path) -> Callable[[], Fixture]:
    """A fresh copy of the good warehouse, to break."""
    return lambda: copy_warehouse(good_warehouse, tmp_path / "warehouse")

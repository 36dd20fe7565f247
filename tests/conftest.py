"""Shared test set-up.

Airflow reads AIRFLOW_HOME when first imported, so it is pointed at a throw-away directory here,
before any test imports it: tests never touch a real Airflow home or its metadata DB.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `tests.fixtures...` imports work from any working directory
    sys.path.insert(0, str(ROOT))

_AIRFLOW_HOME = Path(tempfile.mkdtemp(prefix="vi-airflow-home-"))
os.environ.setdefault("AIRFLOW_HOME", str(_AIRFLOW_HOME))
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "True")


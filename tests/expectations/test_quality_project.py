"""The checked-in GX project (expectations/gx) matches its sources, and validating writes nothing
into it."""

from __future__ import annotations

import copy
import hashlib
import subprocess
import sys

from video_insights import contract
from video_insights.quality import context as quality_context
from video_insights.quality import suites as S


def test_checked_in_project_is_current():
    """Fails after editing suites.py or thresholds.yml without
    `python -m video_insights.quality.suites --write`."""
    assert quality_context.stale_project_parts() == []


def _by_check(thresholds=None) -> dict[str, dict]:
    return {
        e.meta["check"]: e.configuration.kwargs
        for expectations in S.build_suite_expectations(thresholds).values()
        for e in expectations
    }


def test_bounds_and_tolerances_come_from_thresholds_yml():
    thresholds = S.load_thresholds()
    kwargs = _by_check(thresholds)
    for column, bounds in thresholds["marts"]["bounds"].items():
        checks = [k for name, k in kwargs.items() if name.endswith(f".{column}_bounds")]
        assert checks, column
        for k in checks:
            if "unexpected_rows_query" in k:  # quartile ratios: bounds in the SQL
                query = k["unexpected_rows_query"]
                for op, key in ((">=", "min"), ("<=", "max")):
                    if bounds.get(key) is not None:
                        assert f".{column} {op} {bounds[key]}" in query
            else:
                assert k.get("min_value") == bounds.get("min")
                assert k.get("max_value") == bounds.get("max")

    changed = copy.deepcopy(thresholds)
    changed["marts"]["bounds"]["engagement_ranking"]["max"] = 11
    changed["marts"]["bounds"]["avg_view_drop_off"]["max"] = 2
    changed["marts"]["reconcile_max_abs_diff"] = 3
    changed["marts"]["quartile_checks_min_plays"] = 25
    changed["landed"]["manifest_rows_max_abs_diff"] = 4
    kwargs = _by_check(changed)
    assert kwargs["rpt_top_content_daily.engagement_ranking_bounds"]["max_value"] == 11
    assert (
        ".avg_view_drop_off <= 2"
        in kwargs["rpt_highlights_daily.avg_view_drop_off_bounds"]["unexpected_rows_query"]
    )
    assert "> 3" in kwargs["fct_plays.plays_match_play_beacons"]["unexpected_rows_query"]
    assert (
        "r.count_plays >= 25"
        in kwargs["rpt_content_dropoff_daily.funnel_rows_monotone"]["unexpected_rows_query"]
    )
    assert "> 4" in kwargs["landed_beacons.rows_match_manifest"]["unexpected_rows_query"]


def test_codes_come_from_the_contract():
    kwargs = _by_check()
    assert kwargs["landed_beacons.event_type_known"]["value_set"] == sorted(contract.EVENT_TYPES)
    assert kwargs["landed_beacons.playback_type_known"]["value_set"] == sorted(
        contract.PLAYBACK_TYPES
    )
    required = {f"landed_beacons.{f.column}_not_null" for f in contract.BEACON_FIELDS if f.required}
    assert required <= set(kwargs)


def test_column_checks_only_read_relied_columns():
    """RELIED_COLUMNS (the list to compare with the dbt models) covers every checked column."""
    for spec in S.SUITE_SPECS:
        if spec.group != S.MARTS_GROUP:
            continue
        for expectation in S.build_suite_expectations()[spec.name]:
            kwargs = expectation.configuration.kwargs
            for key in ("column", "column_A", "column_B"):
                if key in kwargs:
                    assert kwargs[key] in S.RELIED_COLUMNS[spec.table], (spec.table, kwargs)


def _digest_tree() -> dict[str, str]:
    root = quality_context.GX_PROJECT_DIR
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_validating_writes_nothing_into_the_project(variant):
    from video_insights.quality import validate

    before = _digest_tree()
    fixture = variant()
    validate(fixture.paths)
    assert _digest_tree() == before
    assert (fixture.paths.runs / "gx" / "validations").is_dir()  # GX results: in the warehouse


def test_importing_the_package_does_not_import_gx():
    code = (
        "import sys, video_insights.quality as q; "
        "assert 'great_expectations' not in sys.modules; "
        "assert callable(q.QualityResult.raise_for_failure)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_checked_in_checkpoints_run_as_plain_gx(good_warehouse):
    """For ad-hoc use (a notebook, the GX API): the checkpoints work without the runner."""
    quality_context.build_landed_db(good_warehouse.paths)
    context = quality_context.open_context(good_warehouse.paths)
    try:
        for name in (S.LANDED_GROUP, S.MARTS_GROUP):
            result = context.checkpoints.get(name).run()
            assert result.success, name
            assert len(result.run_results) == len(S.specs_of(name))
    finally:
        quality_context.release_connections(context)

"""Bad report requests get a message naming the parameter, never a traceback."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from video_insights.cli import main
from video_insights.reports import ReportError, ReportRequest, run_report


def _request(**overrides) -> ReportRequest:
    values = dict(
        report_type="HIGHLIGHTS", partner_id=1, from_day=date(2026, 11, 1), to_day=date(2026, 11, 3)
    )
    values.update(overrides)
    return ReportRequest(**values)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"report_type": "NOPE"}, "unknown report type 'NOPE'"),
        ({"to_day": date(2026, 10, 1)}, "--to-day 2026-10-01 is before --from-day 2026-11-01"),
        ({"limit": 0}, "--limit must be between 1 and"),
        ({"limit": 10_000_000}, "--limit must be between 1 and"),
        ({"page": 0}, "--page must be 1 or more"),
        ({"filters": {"evil; drop table x": ["1"]}}, "unknown filter"),
    ],
)
def test_bad_requests(tmp_path, overrides, message):
    with pytest.raises(ReportError, match=None) as raised:
        run_report(_request(**overrides), tmp_path)
    assert message in str(raised.value)


def test_a_filter_the_report_type_does_not_take(tmp_path, monkeypatch):
    """Every filter of reports.md applies to the viewer-grain reports; a report type whose mart
    lacks one names it."""
    import dataclasses

    from video_insights.reports import catalog
    from video_insights.reports.marts import VIEWER_DAILY

    narrow = catalog.ReportType(
        "NARROW", "test", dataclasses.replace(VIEWER_DAILY, filters={}), ("count_plays",)
    )
    monkeypatch.setitem(catalog.report_types(), "NARROW", narrow)
    with pytest.raises(ReportError) as raised:
        run_report(_request(report_type="NARROW", filters={"country_in": ["US"]}), tmp_path)
    assert "filter --country-in does not apply to NARROW" in str(raised.value)


def test_missing_published_warehouse(tmp_path):
    with pytest.raises(ReportError) as raised:
        run_report(_request(), tmp_path)
    assert "no published warehouse" in str(raised.value)
    assert str(tmp_path) in str(raised.value)


def test_cli_prints_a_message_not_a_traceback(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "report",
            "HIGHLIGHTS",
            "--partner-id",
            "1",
            "--from-day",
            "2026-11-03",
            "--to-day",
            "2026-11-01",
            "--warehouse",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 1
    assert "error: --to-day 2026-11-01 is before --from-day 2026-11-03" in result.output
    assert "Traceback" not in result.output


def test_cli_rejects_a_bad_date(tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "report",
            "HIGHLIGHTS",
            "--partner-id",
            "1",
            "--from-day",
            "2026-13-01",
            "--to-day",
            "2026-11-01",
            "--warehouse",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2
    assert "'2026-13-01' is not a date YYYY-MM-DD" in result.output

"""The engine leaves out a dimension join nothing reads, and only then."""

from __future__ import annotations

from datetime import date

from video_insights.reports import catalog, engine
from video_insights.reports.catalog import entries_join, prune_dim_joins
from video_insights.reports.engine import ReportRequest

JOIN = (
    "left join dim_entries as entries "
    "on entries.partner_id = facts.partner_id and entries.entry_id = facts.entry_id"
)


def test_entries_join_is_declared_once_with_its_whole_key() -> None:
    assert entries_join() == JOIN
    assert catalog.DIM_JOINS[JOIN] == "entries"


def test_an_unread_join_is_left_out() -> None:
    sql = f"select sum(facts.count_plays) from fct as facts {JOIN} where facts.partner_id = ?"
    assert (
        prune_dim_joins(sql)
        == "select sum(facts.count_plays) from fct as facts where facts.partner_id = ?"
    )


def test_a_join_whose_columns_are_read_stays() -> None:
    selected = f"select coalesce(entries.entry_name, facts.entry_id) from fct as facts {JOIN}"
    filtered = f"select 1 from fct as facts {JOIN} where entries.media_type in (select unnest(?))"
    assert prune_dim_joins(selected) == selected
    assert prune_dim_joins(filtered) == filtered


def test_a_table_name_containing_the_alias_does_not_count_as_reading_it() -> None:
    sql = f"select count(*) from dim_entries as other, fct as facts {JOIN}"
    assert JOIN not in prune_dim_joins(sql)


def _request(**filters: list[str]) -> ReportRequest:
    return ReportRequest(
        "HIGHLIGHTS", 1, date(2026, 11, 1), date(2026, 11, 2), filters=dict(filters)
    )


def test_highlights_reads_no_entry_column_unless_an_entry_filter_asks() -> None:
    report = engine.report_type_of(_request())
    plain, _ = engine.generic_query(_request(), report, totals=True)
    assert "dim_entries" not in prune_dim_joins(plain)
    filtered, _ = engine.generic_query(_request(media_type_in=["video"]), report, totals=True)
    assert "dim_entries" in prune_dim_joins(filtered)

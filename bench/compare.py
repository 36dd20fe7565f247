"""The floor's tables against the pipeline's: equal rows, equal figures.

Each report table is matched on its key; a row only one side has, or a figure that differs
(numbers beyond a relative 1e-9: sums of doubles in another order; text exactly) is a
difference. PERCENTILES has no rpt_ table: the pipeline's side is views per segment expanded
from the runs of fct_daily_entry_viewer_segments (VOD), as the PERCENTILES report reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

VOD = "playback_type in ('vod')"

# floor table -> (pipeline relation, key columns)
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "highlights": ("rpt_highlights_daily", ("partner_id", "report_date")),
    "top_content": ("rpt_top_content_daily", ("partner_id", "report_date", "entry_id")),
    "content_dropoff": ("rpt_content_dropoff_daily", ("partner_id", "report_date", "entry_id")),
    "map_overlay": (
        "rpt_map_overlay_daily",
        ("partner_id", "report_date", "country", "country_name", "region", "city"),
    ),
    "platforms": ("rpt_platforms_daily", ("partner_id", "report_date", "device", "os", "browser")),
    "top_syndication": (
        "rpt_top_syndication_daily",
        ("partner_id", "report_date", "domain", "canonical_url"),
    ),
    "percentiles": (
        "(select partner_id, report_date, entry_id, segment, sum(count_viewers) as count_viewers"
        " from (select *, unnest(range(first_segment, last_segment + 1)) as segment"
        f" from fct_daily_entry_viewer_segments where {VOD}) group by all)",
        ("partner_id", "report_date", "entry_id", "segment"),
    ),
    "user_engagement": (
        "rpt_user_engagement_daily",
        ("partner_id", "report_date", "user_id", "entry_id"),
    ),
}


@dataclass
class TableComparison:
    name: str
    floor_rows: int
    pipeline_rows: int
    only_floor: int
    only_pipeline: int
    differing: dict[str, int] = field(default_factory=dict)  # column -> rows that differ
    example: str | None = None

    @property
    def equal(self) -> bool:
        return not (self.only_floor or self.only_pipeline or any(self.differing.values()))

    def describe(self) -> str:
        if self.equal:
            return f"{self.name}: {self.floor_rows:,} rows, equal"
        parts = [f"{self.name}: floor {self.floor_rows:,} rows, pipeline {self.pipeline_rows:,}"]
        if self.only_floor or self.only_pipeline:
            parts.append(f"only floor {self.only_floor}, only pipeline {self.only_pipeline}")
        parts += [f"{column} differs in {n}" for column, n in self.differing.items() if n]
        if self.example:
            parts.append(f"e.g. {self.example}")
        return "; ".join(parts)


def _differs(column: str, kind: str) -> str:
    left, right = f"floor_side.{column}", f"pipeline_side.{column}"
    if any(word in kind.upper() for word in ("INT", "DOUBLE", "FLOAT", "DECIMAL")):
        return (
            f"(({left} is null) <> ({right} is null) or abs({left} - {right}) > "
            f"1e-9 * greatest(1.0, abs({left}), abs({right})))"
        )
    return f"({left} is distinct from {right})"


def compare(floor_db: Path, pipeline_db: Path) -> list[TableComparison]:
    import duckdb

    con = duckdb.connect()
    con.execute(f"attach '{floor_db}' as floor_db (read_only)")
    con.execute(f"attach '{pipeline_db}' as pipeline_db (read_only)")
    con.execute("use pipeline_db")
    results = []
    for name, (relation, keys) in TABLES.items():
        floor_table = f"floor_db.floor_{name}"
        columns = con.execute(f"describe {floor_table}").fetchall()
        values = [(column, kind) for column, kind, *_ in columns if column not in keys]
        select = ", ".join([*keys, *(column for column, _ in values)])
        on = " and ".join(
            f"floor_side.{key} is not distinct from pipeline_side.{key}" for key in keys
        )
        both = "floor_side.{0} is not null and pipeline_side.{0} is not null".format(keys[0])
        # partner_id is never null on either side, so it tells which side a row came from
        diff_counts = ", ".join(
            f"count(*) filter (where {both} and {_differs(column, kind)})"
            for column, kind in values
        )
        row = con.execute(
            f"""
            with
            floor_side as (select {select} from {floor_table}),
            pipeline_side as (select {select} from {relation})
            select
                (select count(*) from floor_side),
                (select count(*) from pipeline_side),
                count(*) filter (where pipeline_side.{keys[0]} is null),
                count(*) filter (where floor_side.{keys[0]} is null),
                {diff_counts}
            from floor_side full outer join pipeline_side on {on}
            """
        ).fetchone()
        assert row is not None
        result = TableComparison(
            name,
            row[0],
            row[1],
            row[2],
            row[3],
            {column: n for (column, _), n in zip(values, row[4:], strict=True)},
        )
        if not result.equal:
            result.example = _example(con, floor_table, relation, keys, values, on, both)
        results.append(result)
    con.close()
    return results


def _example(con, floor_table, relation, keys, values, on, both) -> str:  # type: ignore[no-untyped-def]
    select = ", ".join([*keys, *(column for column, _ in values)])
    condition = " or ".join(
        [f"pipeline_side.{keys[0]} is null", f"floor_side.{keys[0]} is null"]
        + [f"({both} and {_differs(column, kind)})" for column, kind in values]
    )
    row = con.execute(
        f"""
        with
        floor_side as (select {select} from {floor_table}),
        pipeline_side as (select {select} from {relation})
        select floor_side, pipeline_side
        from floor_side full outer join pipeline_side on {on}
        where {condition}
        limit 1
        """
    ).fetchone()
    return f"floor {row[0]} vs pipeline {row[1]}" if row else ""

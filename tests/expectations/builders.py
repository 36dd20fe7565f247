"""Hand-built warehouses for the quality tests: a small lake and a build DB with the documented
table and column names (docs/design.md), independent of the real landing and dbt models.

The good warehouse: partner 101, two landed beacon files (one per day), 5 distinct plays
(6 PLAY rows: one beacon landed twice), a quarantined line, and marts derived from the lake with
plain SQL following metrics.md, so every count reconciles and every ratio is in bounds.

The report-catalog marts (docs/reports.md) are there too: on 2026-01-01 the VOD plays come from
two countries (US: s1, s3; DE: s2), two devices and three referrer domains, so the breakdown
reports have more than one row per day; s5 is the live play; entry e1 is in two top-level
categories (chargeback 1/2 each), e2 in none (the uncategorized row); the chargeback rows
(rpt_usage_by_category_monthly) add up to rpt_usage_monthly.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from video_insights.config import WarehousePaths

PARTNER = 101
DAY1, DAY2 = "2026-01-01", "2026-01-02"
LANDED_AT = datetime(2026, 1, 3, 1, 0, 0)

# (file, session, user, entry, playback_type, event codes in order)
SESSIONS: list[tuple[str, str, str | None, str, str, list[int]]] = [
    ("a", "s1", "u1", "e1", "vod", [1, 2, 3, 11, 12, 99]),
    ("a", "s2", None, "e1", "vod", [1, 3, 11]),
    ("a", "s3", "u2", "e2", "vod", [1, 3, 11, 12, 13, 14, 99]),
    ("b", "s4", "u1", "e2", "vod", [1, 3, 11, 12]),
    ("b", "s5", "u2", "e1", "live", [1, 3, 99]),
]
FILE_DAYS = {"a": DAY1, "b": DAY2}
DUPLICATED = ("s1", 3)  # (session, event_index): the s1 PLAY beacon is landed twice

DISTINCT_PLAYS = 5
PLAY_ROWS = 6


def sha(file: str) -> str:
    return hashlib.sha256(f"inbox/beacons/{file}.jsonl.gz".encode()).hexdigest()


def beacon_id(session: str, index: int, event_type: int) -> str:
    return hashlib.blake2b(f"{session}/{index}/{event_type}".encode(), digest_size=16).hexdigest()


def beacon_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    lines: dict[str, int] = {}
    for number, (file, session, user, entry, playback_type, events) in enumerate(SESSIONS):
        start = datetime.fromisoformat(FILE_DAYS[file]) + timedelta(hours=8 + number)
        for index, event_type in enumerate(events, start=1):
            copies = 2 if (session, index) == DUPLICATED else 1
            for copy in range(copies):
                lines[file] = lines.get(file, 0) + 1
                rows.append(
                    {
                        "received_at": start + timedelta(seconds=10 * index + copy),
                        "beacon_id": beacon_id(session, index, event_type),
                        "event_type": event_type,
                        "partner_id": PARTNER,
                        "entry_id": entry,
                        "session_id": session,
                        "event_index": index,
                        "user_id": user,
                        "playback_type": playback_type,
                        "play_time_sum": 60.0 if event_type == 99 else None,
                        "country": "US",
                        "device": "Desktop",
                        "extra_fields": None,
                        "source_file_sha256": sha(file),
                        "source_line": lines[file],
                        "landed_at": LANDED_AT,
                        "file": file,
                    }
                )
    return rows


BEACON_COLUMNS = (
    "received_at timestamp, beacon_id varchar, event_type bigint, partner_id bigint, "
    "entry_id varchar, session_id varchar, event_index bigint, user_id varchar, "
    "playback_type varchar, play_time_sum double, country varchar, device varchar, "
    "extra_fields varchar, source_file_sha256 varchar, source_line integer, "
    "landed_at timestamp, file varchar"
)


@dataclass(frozen=True)
class Fixture:
    paths: WarehousePaths

    def build(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.paths.build_db))

    def beacon_file(self, file: str) -> Path:
        return self.paths.beacons / f"event_date={FILE_DAYS[file]}" / f"{sha(file)[:16]}.parquet"

    def rewrite_beacon_file(self, file: str, select: str) -> None:
        """Replace a landed file by ``select`` over its current rows (table ``f``)."""
        path = self.beacon_file(file)
        tmp = path.with_suffix(".tmp")
        with duckdb.connect() as con:
            con.execute(f"create table f as select * from read_parquet('{path}')")
            con.execute(f"copy ({select}) to '{tmp}' (format parquet)")
        tmp.replace(path)

    def rewrite_manifest(self, file: str, set_clause: str) -> None:
        path = self.paths.manifest / f"{sha(file)[:16]}.parquet"
        tmp = path.with_suffix(".tmp")
        with duckdb.connect() as con:
            con.execute(f"create table m as select * from read_parquet('{path}')")
            con.execute(f"update m set {set_clause}")
            con.execute(f"copy m to '{tmp}' (format parquet)")
        tmp.replace(path)


def build_warehouse(root: Path) -> Fixture:
    paths = WarehousePaths.at(root)
    paths.ensure()
    rows = beacon_rows()
    with duckdb.connect() as con:
        con.execute(f"create table beacons ({BEACON_COLUMNS})")
        names = [c.split()[0] for c in BEACON_COLUMNS.split(", ")]
        con.executemany(
            f"insert into beacons values ({', '.join('?' for _ in names)})",
            [[row[n] for n in names] for row in rows],
        )
        for file, day in FILE_DAYS.items():
            target = paths.beacons / f"event_date={day}"
            target.mkdir(parents=True, exist_ok=True)
            con.execute(
                f"copy (select * exclude (file) from beacons where file = '{file}' "
                f"order by source_line) to '{target / (sha(file)[:16] + '.parquet')}' "
                "(format parquet)"
            )
            con.execute(f"""
                copy (
                    select '{sha(file)}' as file_sha256,
                           'beacons/{file}.jsonl.gz' as file_name,
                           'beacons' as feed,
                           1000::bigint as size_bytes,
                           (count(*) + {1 if file == "a" else 0})::bigint as line_count,
                           count(*)::bigint as landed_rows,
                           {1 if file == "a" else 0}::bigint as quarantined_rows,
                           min(received_at) as min_received_at,
                           max(received_at) as max_received_at,
                           timestamp '{LANDED_AT}' as landed_at
                    from beacons where file = '{file}'
                ) to '{paths.manifest / (sha(file)[:16] + ".parquet")}' (format parquet)
            """)
        con.execute(f"""
            copy (
                select 'beacons/a.jsonl.gz' as source_file, '{sha("a")}' as source_file_sha256,
                       99::bigint as line_number, 'eventType' as field,
                       'not a number' as reason, '{{"eventType": "x"}}' as raw_line,
                       timestamp '{LANDED_AT}' as landed_at
            ) to '{paths.quarantine / (sha("a")[:16] + ".parquet")}' (format parquet)
        """)
    _build_marts(paths)
    return Fixture(paths)


def copy_warehouse(source: Fixture, root: Path) -> Fixture:
    shutil.copytree(source.paths.root, root, ignore=shutil.ignore_patterns("runs", "tmp"))
    paths = WarehousePaths.at(root)
    paths.ensure()
    return Fixture(paths)


def _build_marts(paths: WarehousePaths) -> None:
    lake = f"read_parquet('{paths.beacons}/*/*.parquet', hive_partitioning = true)"
    paths.build_db.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(paths.build_db)) as con:
        # nothing set aside as too late (docs/guarantees.md): every landed beacon is taken in
        con.execute(
            "create table int_beacon_partitions_set_aside "
            "(event_date date, source_file_sha256 varchar, set_aside_beacons bigint)"
        )
        con.execute(f"""
            create table int_beacons_deduped as
            select beacon_id, partner_id, cast(received_at as date) as report_date,
                   'UTC' as partner_timezone, received_at, event_type, entry_id, session_id,
                   event_index, coalesce(user_id, 'Unknown') as user_id,
                   user_id is null as is_anonymous, playback_type, play_time_sum,
                   case when session_id = 's2' then 'DE' else country end as country,
                   case when session_id in ('s2', 's3') then 'Mobile' else device end
                       as device,
                   case session_id when 's1' then 'a.example' when 's3' then 'b.example'
                                   else 'Unknown' end as domain
            from {lake}
            qualify row_number() over (
                partition by beacon_id order by received_at, source_file_sha256, source_line
            ) = 1
        """)
        con.execute("""
            create table fct_plays as
            select beacon_id as play_id, partner_id, report_date, entry_id, user_id,
                   playback_type, 60.0 as active_play_secs, 50::bigint as covered_segments
            from int_beacons_deduped where event_type = 3
        """)
        counts = {
            "count_loads": 1,
            "count_play_requested": 2,
            "count_plays": 3,
            "count_plays_25": 11,
            "count_plays_50": 12,
            "count_plays_75": 13,
            "count_plays_100": 14,
            "count_viral": 21,
            "count_download": 23,
            "count_report_submitted": 25,
            "count_captions": 38,
            "count_speed": 41,
            "count_info": 40,
            "count_related_selected": 37,
            "count_fullscreen": 31,
        }
        count_sql = ",\n".join(
            f"count(*) filter (where event_type = {code})::bigint as {name}"
            for name, code in counts.items()
        )
        con.execute(f"""
            create table fct_daily_entry_viewer_metrics as
            select partner_id, report_date, entry_id, user_id, playback_type, country, device,
                   domain,
                   {count_sql},
                   60.0 * count(*) filter (where event_type = 3) as sum_view_period_secs,
                   (50 * count(*) filter (where event_type = 3))::bigint
                       as sum_covered_segments,
                   0.0 as sum_time_viewed_secs
            from int_beacons_deduped
            group by all
        """)
        vod = "(select * from fct_daily_entry_viewer_metrics where playback_type = 'vod')"
        ratios = """
            case when count_loads = 0 then 0 else count_plays / count_loads end
                as load_play_ratio,
            case when count_plays = 0 then 0
                 else least(sum_covered_segments / count_plays, 100) end
                as avg_completion_rate,
            case when count_plays = 0 then 0
                 else (count_plays_25 + count_plays_50 + count_plays_75 + count_plays_100)
                      / 4 / count_plays end
                as avg_view_drop_off
        """
        sums = """
            sum(count_loads)::bigint as count_loads, sum(count_plays)::bigint as count_plays,
            sum(count_plays_25)::bigint as count_plays_25,
            sum(count_plays_50)::bigint as count_plays_50,
            sum(count_plays_75)::bigint as count_plays_75,
            sum(count_plays_100)::bigint as count_plays_100,
            sum(sum_view_period_secs) as sum_view_period_secs,
            sum(sum_covered_segments) as sum_covered_segments,
            sum(count_viral)::bigint as count_viral,
            count(distinct user_id) filter (where count_plays > 0) as unique_known_users
        """
        con.execute(f"""
            create table rpt_highlights_daily as
            with a as (select partner_id, report_date, {sums} from {vod} group by all)
            select partner_id, report_date, count_loads, count_plays, unique_known_users,
                   sum_view_period_secs / 60 as sum_view_period, {ratios}, count_viral
            from a
        """)
        con.execute(f"""
            create table rpt_content_dropoff_daily as
            with a as (select partner_id, report_date, entry_id, {sums} from {vod} group by all)
            select partner_id, report_date, entry_id, entry_id as entry_name, count_loads,
                   count_plays, count_plays_25, count_plays_50, count_plays_75, count_plays_100,
                   case when count_plays = 0 then 0 else count_plays_100 / count_plays end
                       as play_through_ratio
            from a
        """)
        con.execute(f"""
            create table rpt_top_content_daily as
            with a as (select partner_id, report_date, entry_id, {sums} from {vod} group by all),
            m as (
                select partner_id, report_date, entry_id, entry_id as entry_name, count_plays,
                       count_loads, unique_known_users, sum_view_period_secs / 60
                       as sum_view_period, 0.0 as sum_time_viewed, {ratios},
                       max(count_plays) over w as max_plays,
                       max(unique_known_users) over w as max_viewers
                from a
                window w as (partition by partner_id, report_date)
            )
            select * exclude (max_plays, max_viewers),
                   5.0 * count_plays / max_plays + 2.5 * unique_known_users / max_viewers
                   + least(0.025 * avg_completion_rate, 2.5) as engagement_ranking
            from m
        """)
    _build_catalog_marts(paths)


def _build_catalog_marts(paths: WarehousePaths) -> None:
    """The report-catalog marts (audience, QOE, segments, category/usage), by plain SQL."""
    vod = "(select * from fct_daily_entry_viewer_metrics where playback_type = 'vod')"
    with duckdb.connect(str(paths.build_db)) as con:
        for table, dims, uniques in (
            (
                "rpt_map_overlay_daily",
                "country, country as region, 'Unknown' as city",
                "count(distinct user_id) filter (where count_plays > 0) as unique_known_users",
            ),
            (
                "rpt_platforms_daily",
                "device, 'Linux' as os, 'Firefox' as browser",
                "count(distinct user_id) filter (where count_plays > 0) as unique_known_users",
            ),
            (
                "rpt_top_syndication_daily",
                "domain, domain || '/watch' as canonical_url",
                "count(distinct entry_id) filter (where count_plays > 0) as unique_played_videos",
            ),
        ):
            con.execute(f"""
                create table {table} as
                with a as (
                    select partner_id, report_date, {dims},
                           sum(count_plays)::bigint as count_plays, {uniques}
                    from {vod} group by all
                )
                select *,
                       case when sum(count_plays) over d = 0 then 0
                            else count_plays / sum(count_plays) over d end
                           as plays_distribution
                from a
                window d as (partition by partner_id, report_date)
            """)
        con.execute("""
            create table fct_qoe_plays as
            select beacon_id as play_id, partner_id, report_date, entry_id, user_id,
                   playback_type, device, 1.0 + event_index / 10 as join_time
            from int_beacons_deduped where event_type = 3
        """)
        con.execute("""
            create table fct_daily_qoe_metrics as
            with plays as (
                select partner_id, report_date, entry_id, playback_type, device,
                       count(*) as count_plays
                from fct_qoe_plays group by all
            ),
            requests as (
                select partner_id, report_date, entry_id, playback_type, device,
                       count(*) as count_play_requested
                from int_beacons_deduped where event_type = 2 group by all
            )
            select partner_id, report_date, entry_id, playback_type, device,
                   coalesce(sum(count_plays), 0)::bigint as count_plays,
                   coalesce(sum(count_play_requested), 0)::bigint as count_play_requested,
                   0::bigint as count_ebvs
            from (select * from plays union all by name select * from requests)
            group by all
        """)
        con.execute("""
            create table rpt_qoe_daily as
            with m as (
                select partner_id, report_date, device, sum(count_plays)::bigint as count_plays,
                       sum(count_play_requested)::bigint as count_play_requested,
                       sum(count_ebvs)::bigint as count_ebvs
                from fct_daily_qoe_metrics where playback_type = 'vod' group by all
            ),
            p as (
                select partner_id, report_date, device,
                       quantile_cont(join_time, 0.5) as p50_join_time,
                       quantile_cont(join_time, 0.95) as p95_join_time
                from fct_qoe_plays where playback_type = 'vod' group by all
            )
            select m.*, coalesce(p.p50_join_time, 0) as p50_join_time,
                   coalesce(p.p95_join_time, 0) as p95_join_time,
                   case when count_play_requested = 0 then 0
                        else count_ebvs / count_play_requested end as ebvs_ratio,
                   0.0::double as avg_session_error_rate, 0.05::double as avg_buffer_time
            from m left join p using (partner_id, report_date, device)
        """)
        con.execute("""
            create table fct_live_session_minutes as
            select partner_id, entry_id, session_id, date_trunc('minute', received_at)
                       as minute_start_utc, report_date, user_id, playback_type,
                   count(*) filter (where event_type = 3)::bigint as count_plays,
                   count(*) filter (where event_type = 99)::bigint as count_views
            from int_beacons_deduped
            where playback_type in ('live', 'dvr') and event_type in (3, 99)
            group by all
        """)
        # one interval per play, [1, 50]; the play of s3 rewinds and watches [40, 60] again;
        # an interval covering no segment midpoint has NULL segments
        con.execute("""
            create table int_watched_intervals as
            select play_id, partner_id, report_date, entry_id, user_id, playback_type,
                   1::bigint as first_segment, 50::bigint as last_segment
            from fct_plays
            union all
            select play_id, partner_id, report_date, entry_id, user_id, playback_type, 40, 60
            from fct_plays where play_id = (
                select beacon_id from int_beacons_deduped
                where session_id = 's3' and event_type = 3)
            union all
            select play_id, partner_id, report_date, entry_id, user_id, playback_type,
                   null, null
            from fct_plays where playback_type = 'live'
        """)
        # the runs of each entry-day's intervals (sweep over +1/-1 edges, as the model does)
        con.execute("""
            create table fct_daily_entry_viewer_segments as
            with edges as (
                select partner_id, report_date, entry_id, user_id, playback_type,
                       first_segment as segment, 1 as change
                from int_watched_intervals where first_segment is not null
                union all
                select partner_id, report_date, entry_id, user_id, playback_type,
                       last_segment + 1, -1
                from int_watched_intervals where first_segment is not null
            ),
            net as (
                select partner_id, report_date, entry_id, user_id, playback_type, segment,
                       sum(change) as change
                from edges group by all having sum(change) <> 0
            ),
            running as (
                select *, sum(change) over w as count_viewers,
                       lead(segment) over w as next_segment
                from net
                window w as (partition by partner_id, report_date, entry_id, user_id,
                             playback_type order by segment)
            )
            select partner_id, report_date, entry_id, user_id, playback_type,
                   segment::bigint as first_segment, (next_segment - 1)::bigint as last_segment,
                   count_viewers::bigint as count_viewers
            from running where count_viewers > 0
        """)
        con.execute("""
            create table fct_daily_entry_bandwidth as
            select partner_id, report_date, entry_id, playback_type,
                   count(*)::bigint as count_view_beacons_with_bitrate,
                   0::bigint as count_view_beacons_without_bitrate,
                   sum(play_time_sum) as sum_delivered_secs, 0.0 as sum_unmeasured_secs,
                   sum(800.0 * play_time_sum) as sum_delivered_kilobits
            from int_beacons_deduped where event_type = 99
            group by all
        """)
        con.execute(f"""
            create table fct_daily_usage as
            select {PARTNER}::bigint as partner_id, day::date as report_date,
                   10.0 as storage_gb, 5.0 as transcoding_minutes
            from (values (date '{DAY1}'), (date '{DAY2}')) as days (day)
        """)
        con.execute("""
            create table rpt_usage_monthly as
            with b as (
                select partner_id, date_trunc('month', report_date)::date as report_month,
                       sum(sum_delivered_kilobits) / 8e6 as bandwidth_gb
                from fct_daily_entry_bandwidth group by all
            ),
            u as (
                select partner_id, date_trunc('month', report_date)::date as report_month,
                       max(storage_gb) as storage_gb,
                       sum(transcoding_minutes) as transcoding_minutes
                from fct_daily_usage group by all
            ),
            v as (
                select partner_id, date_trunc('month', report_date)::date as report_month,
                       sum(sum_view_period_secs) / 60 as sum_view_period
                from fct_daily_entry_viewer_metrics group by all
            )
            select partner_id, report_month, coalesce(b.bandwidth_gb, 0) as bandwidth_gb,
                   coalesce(v.sum_view_period, 0) as sum_view_period,
                   u.storage_gb, u.transcoding_minutes,
                   coalesce(b.bandwidth_gb, 0) / 100 as bandwidth_allowance_used_rate,
                   u.storage_gb / 100 as storage_allowance_used_rate,
                   u.transcoding_minutes / 1000 as transcoding_allowance_used_rate
            from b full outer join u using (partner_id, report_month)
            full outer join v using (partner_id, report_month)
        """)
        con.execute(f"""
            create table dim_entry_chargeback_categories as
            select * from (values
                ({PARTNER}::bigint, 'e1', 'c1', 'News', 2, 0.5),
                ({PARTNER}::bigint, 'e1', 'c2', 'Sport', 2, 0.5),
                ({PARTNER}::bigint, 'e2', 'uncategorized', 'Uncategorized', 1, 1.0)
            ) as t (partner_id, entry_id, category_id, category_name, top_level_categories,
                    chargeback_share)
        """)
        # the chargeback (USAGE_BY_CATEGORY): each entry's bandwidth and minutes (every playback
        # type) times its shares; e2, in no category, goes to the uncategorized row
        con.execute("""
            create table rpt_usage_by_category_monthly as
            with usage as (
                select partner_id, date_trunc('month', report_date)::date as report_month,
                       entry_id, sum(sum_delivered_kilobits) as kilobits, 0.0 as secs
                from fct_daily_entry_bandwidth group by all
                union all
                select partner_id, date_trunc('month', report_date)::date, entry_id, 0.0,
                       sum(sum_view_period_secs)
                from fct_daily_entry_viewer_metrics group by all
            ),
            charged as (
                select u.partner_id, u.report_month, c.category_id, c.category_name,
                       sum(u.kilobits * c.chargeback_share) as kilobits,
                       sum(u.secs * c.chargeback_share) as secs
                from usage as u
                inner join dim_entry_chargeback_categories as c
                    on u.partner_id = c.partner_id and u.entry_id = c.entry_id
                group by all
            )
            select partner_id, report_month, category_id, category_name,
                   kilobits / 8e6 as bandwidth_gb, secs / 60 as sum_view_period,
                   kilobits / sum(kilobits) over (partition by partner_id, report_month)
                       as bandwidth_share
            from charged
        """)

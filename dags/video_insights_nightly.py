"""The nightly run of the video insights warehouse: land -> dbt build -> validate -> publish.

Wiring only: each task calls a function of ``video_insights.pipeline`` with explicit arguments
(the paths and the run's data interval). Nothing heavy is imported at module top, so the DAG
processor parses this file in milliseconds.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import Asset, CronDataIntervalTimetable, Param, dag, task

PUBLISHED_REPORTS = Asset("video_insights://published/reports")


def _alert_on_failure(context) -> None:
    """A task failed for good: send the configured alert (video_insights.alerts)."""
    from video_insights.alerts import on_failure_callback

    on_failure_callback(context)


DEFAULT_ARGS = {
    "owner": "video-insights",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "on_failure_callback": _alert_on_failure,
}


@dag(
    dag_id="video_insights_nightly",
    description="Land KAVA beacon files, build the marts with dbt, validate with GX, publish",
    # @daily has a zero-length data interval in Airflow 3: this gives [day 00:00, day+1 00:00).
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=datetime(2026, 1, 1),
    catchup=True,
    max_active_runs=1,  # DuckDB allows one writer per file: never two nights at once.
    default_args=DEFAULT_ARGS,
    params={
        "inbox": Param(os.environ.get("VIDEO_INSIGHTS_INBOX", "data/inbox"), type="string"),
        "warehouse": Param(
            os.environ.get("VIDEO_INSIGHTS_WAREHOUSE", "data/warehouse"), type="string"
        ),
    },
    tags=["video-insights"],
)
def video_insights_nightly() -> None:
    @task
    def land(params: dict, data_interval_start=None, data_interval_end=None) -> dict:
        from video_insights.pipeline import land_step

        return land_step(
            params["inbox"], params["warehouse"], data_interval_start, data_interval_end
        )

    @task
    def build(landed: dict, params: dict, data_interval_start=None, data_interval_end=None) -> dict:
        from video_insights.pipeline import build_step

        return build_step(params["warehouse"], data_interval_start, data_interval_end)

    @task(retries=0)  # a failed quality check is not transient: do not retry it
    def validate(
        built: dict, params: dict, data_interval_start=None, data_interval_end=None
    ) -> dict:
        from video_insights.pipeline import validate_step

        return validate_step(params["warehouse"], data_interval_start, data_interval_end)

    @task(outlets=[PUBLISHED_REPORTS])
    def publish(
        validated: dict, params: dict, data_interval_start=None, data_interval_end=None
    ) -> dict:
        from video_insights.pipeline import publish_step

        return publish_step(params["warehouse"], data_interval_start, data_interval_end)

    @task
    def render_dashboards(
        published: dict, params: dict, data_interval_start=None, data_interval_end=None
    ) -> dict:
        from video_insights.dashboard.nightly import render_nightly_site

        return render_nightly_site(params["warehouse"], data_interval_start, data_interval_end)

    @task
    def prune_inbox(upstream: dict, params: dict) -> dict:
        """Retention: delete landed raw inbox files older than the setting (after publish)."""
        from video_insights.privacy.retention import prune_inbox_step

        return prune_inbox_step(params["inbox"], params["warehouse"])

    prune_inbox(render_dashboards(publish(validate(build(land())))))


video_insights_nightly()

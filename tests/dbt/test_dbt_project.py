"""The dbt project keeps to the contract: seed, sources, documented models and macros, transform."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
import yaml

from video_insights.config import PROJECT_ROOT, WarehousePaths
from video_insights.contract import BEACON_FIELDS, EVENT_TYPES, SIDE_FEED_FIELDS
from video_insights.transform import (
    DbtResult,
    TransformError,
    _failure_message,
    _read_run_results,
    build_command,
    build_env,
    dbt_build,
)

DBT = PROJECT_ROOT / "dbt_project"
TYPES = {
    "int": "bigint",
    "float": "double",
    "str": "varchar",
    "list": "varchar[]",
    "timestamp": "timestamp",
    "date": "date",
}


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def model_entries() -> dict[str, dict]:
    entries = {}
    for path in (DBT / "models").rglob("*.yml"):
        for model in load_yaml(path).get("models", []):
            entries[model["name"]] = model
    return entries


def sources() -> dict[tuple[str, str], dict]:
    document = load_yaml(DBT / "models" / "staging" / "_sources.yml")
    return {
        (source["name"], table["name"]): table
        for source in document["sources"]
        for table in source["tables"]
    }


def test_event_type_seed_matches_the_contract():
    with (DBT / "seeds" / "kava_event_types.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {int(row["code"]): row["name"] for row in rows} == EVENT_TYPES
    assert len(rows) == len(EVENT_TYPES)


def test_event_code_macro_matches_the_contract():
    text = (DBT / "macros" / "kava_events.sql").read_text()
    codes = {name: int(code) for name, code in re.findall(r'"([A-Z0-9_]+)": (\d+)', text)}
    assert {code: name for name, code in codes.items()} == EVENT_TYPES


def test_beacon_source_columns_follow_the_contract():
    columns = {
        column["name"]: column["data_type"] for column in sources()[("kava", "beacons")]["columns"]
    }
    for field in BEACON_FIELDS:
        assert columns.pop(field.column) == TYPES[field.kind], field
    assert columns == {
        "received_at": "timestamp",
        "beacon_id": "varchar",
        "country": "varchar",
        "country_name": "varchar",
        "region": "varchar",
        "city": "varchar",
        "device": "varchar",
        "os": "varchar",
        "browser": "varchar",
        "domain": "varchar",
        "canonical_url": "varchar",
        "extra_fields": "varchar",
        "source_file_sha256": "varchar",
        "source_line": "integer",
        "landed_at": "timestamp",
        "event_date": "date",
    }


@pytest.mark.parametrize("feed", sorted(SIDE_FEED_FIELDS))
def test_side_feed_source_columns_follow_the_contract(feed):
    columns = {
        column["name"]: column["data_type"] for column in sources()[("kava", feed)]["columns"]
    }
    expected = {column: TYPES[kind] for column, kind in SIDE_FEED_FIELDS[feed].values()}
    expected |= {
        "extra_fields": "varchar",
        "source_file_sha256": "varchar",
        "source_line": "integer",
        "landed_at": "timestamp",
    }
    assert columns == expected
    location = sources()[("kava", feed)]["config"]["external_location"]
    assert f"/side/{feed}/*.parquet'" in location


def test_every_model_is_documented_and_has_a_tested_primary_key():
    entries = model_entries()
    models = sorted(path.stem for path in (DBT / "models").rglob("*.sql"))
    assert models
    for name in models:
        assert name in entries, f"{name} has no yml entry"
        entry = entries[name]
        assert entry.get("description"), f"{name} has no description"
        tests = json.dumps(entry.get("data_tests", []))
        column_tests = {
            column["name"]: json.dumps(column.get("data_tests", []))
            for column in entry.get("columns", [])
        }
        has_compound_key = "unique_combination" in tests
        has_unique_column = any(
            '"unique"' in value and '"not_null"' in value for value in column_tests.values()
        )
        assert has_compound_key or has_unique_column, f"{name} has no tested primary key"


def test_mart_and_report_columns_are_documented():
    entries = model_entries()
    for name, entry in entries.items():
        if name.startswith(("dim_", "fct_", "rpt_")):
            for column in entry.get("columns", []):
                assert column.get("description"), f"{name}.{column['name']} has no description"


def test_daily_fact_columns_are_the_design_columns():
    design = (PROJECT_ROOT / "docs" / "design.md").read_text()
    paragraph = design.split("`fct_daily_entry_viewer_metrics` keeps the additive parts", 1)[1]
    paragraph = paragraph.split("Unique viewers", 1)[0]
    additive = re.findall(r"`([a-z0-9_]+)`", paragraph)
    documented = [
        column["name"] for column in model_entries()["fct_daily_entry_viewer_metrics"]["columns"]
    ]
    assert documented == [
        "partner_id",
        "report_date",
        "entry_id",
        "user_id",
        "playback_type",
        # the viewer context (docs/design.md): part of the grain, before the additive parts
        "country",
        "country_name",
        "region",
        "city",
        "device",
        "os",
        "browser",
        "domain",
        "canonical_url",
        "playback_context",
        *additive,
    ]


def test_metric_macros_are_documented_in_order():
    document = load_yaml(DBT / "macros" / "_metric_formulas.yml")
    documented = {
        macro["name"]: [argument["name"] for argument in macro["arguments"]]
        for macro in document["macros"]
        if macro.get("meta", {}).get("duckdb_macro")
    }
    source = (DBT / "macros" / "metric_formulas.sql").read_text()
    signatures = source.split("{% macro metric_macro_signatures() -%}", 1)[1].split(
        "{%- endmacro %}", 1
    )[0]
    declared = {
        name: re.findall(r'"([a-z0-9_]+)"', arguments)
        for name, arguments in re.findall(r'"([a-z_]+)": \[([^\]]*)\]', signatures)
    }
    assert declared == documented
    for name, arguments in declared.items():
        assert re.search(rf"{{% macro {name}\({', '.join(arguments)}\)", source), name


def test_build_command_and_environment(tmp_path):
    paths = WarehousePaths.at(tmp_path / "warehouse")
    from datetime import date

    command = build_command(
        paths,
        run_day=date(2026, 11, 2),
        select="rpt_highlights_daily+",
        full_refresh=True,
        dbt_vars={"segments": 50},
    )
    assert Path(command[0]).name == "dbt"
    assert command[1] == "build"
    assert command[command.index("--project-dir") + 1] == str(PROJECT_ROOT)
    assert command[command.index("--profiles-dir") + 1] == str(PROJECT_ROOT)
    assert command[command.index("--target-path") + 1].startswith(str(paths.root))
    assert command[command.index("--log-path") + 1].startswith(str(paths.root))
    assert json.loads(command[command.index("--vars") + 1]) == {
        "run_day": "2026-11-02",
        "segments": 50,
    }
    assert command[command.index("--select") + 1] == "rpt_highlights_daily+"
    assert "--full-refresh" in command
    env = build_env(paths, base={})
    assert env["VIDEO_INSIGHTS_BUILD_DB"] == str(paths.build_db)
    assert env["VIDEO_INSIGHTS_LAKE"] == str(paths.lake)
    assert env["VIDEO_INSIGHTS_TMP"] == str(paths.tmp)
    assert all(
        Path(env[name]).is_absolute()
        for name in ("VIDEO_INSIGHTS_BUILD_DB", "VIDEO_INSIGHTS_LAKE", "VIDEO_INSIGHTS_TMP")
    )


def test_failed_nodes_are_named_in_the_error(tmp_path):
    results = {
        "elapsed_time": 3.5,
        "results": [
            {
                "unique_id": "model.video_insights.int_plays",
                "status": "success",
                "execution_time": 0.2,
                "message": "OK",
            },
            {
                "unique_id": "model.video_insights.fct_plays",
                "status": "error",
                "execution_time": 0.1,
                "message": "Binder Error: column x not found\nLINE 3",
            },
            {
                "unique_id": "test.video_insights.unique_fct_plays_play_id.abc123",
                "status": "fail",
                "execution_time": 0.1,
                "message": "Got 2 results",
                "failures": 2,
            },
            {
                "unique_id": "test.video_insights.not_null_fct_plays_play_id.def456",
                "status": "pass",
                "execution_time": 0.1,
            },
            {
                "unique_id": "model.video_insights.rpt_top_content_daily",
                "status": "skipped",
                "execution_time": 0.0,
            },
        ],
    }
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps(results))
    result = DbtResult(success=False, seconds=4.0, log_path="dbt.log")
    _read_run_results(path, result)
    assert result.models_built == 1
    assert result.tests_passed == 1
    assert result.tests_failed == 1
    assert result.skipped == 1
    assert result.failed_nodes == ["fct_plays", "unique_fct_plays_play_id"]
    done = subprocess.CompletedProcess(["dbt"], 1, stdout="", stderr="")
    message = _failure_message(result, done)
    assert "model fct_plays: Binder Error: column x not found" in message
    assert "test unique_fct_plays_play_id: Got 2 results" in message
    assert "Traceback" not in message
    assert isinstance(TransformError(message, result), RuntimeError)


def test_not_null_columns_names_each_column_with_nulls(examples_build, tmp_path):
    """The model-level not_null_columns test (one scan for all of a model's non-key columns)
    fails with one row per column holding NULLs, and how many; a clean column adds no row."""
    paths = WarehousePaths.at(tmp_path / "warehouse")
    paths.build_db.parent.mkdir(parents=True)
    shutil.copyfile(examples_build.paths.build_db, paths.build_db)
    with duckdb.connect(str(paths.build_db)) as con:
        play_ids = [
            row[0] for row in con.execute("select play_id from fct_qoe_plays order by 1").fetchall()
        ]
        assert len(play_ids) >= 2
        # hand-made: 1 NULL country, 2 NULL regions; every other column stays clean
        con.execute("update fct_qoe_plays set country = null where play_id = ?", [play_ids[0]])
        con.execute("update fct_qoe_plays set region = null where play_id in (?, ?)", play_ids[:2])
    with pytest.raises(TransformError) as failed:
        dbt_build(paths, command_name="test", select="fct_qoe_plays,test_name:not_null_columns")
    result = failed.value.result
    assert result is not None and result.tests_failed == 1
    (node,) = [node for node in result.nodes if node.status == "fail"]
    assert node.name.startswith("not_null_columns_fct_qoe_plays")
    assert node.failures == 2
    (compiled,) = [
        item["compiled_code"]
        for item in json.loads((Path(result.target_path) / "run_results.json").read_text())[
            "results"
        ]
        if item["unique_id"] == node.unique_id
    ]
    with duckdb.connect(str(paths.build_db), read_only=True) as con:
        assert sorted(con.execute(compiled).fetchall()) == [("country", 1), ("region", 2)]

"""GX 1.24 + duckdb-engine: without a persisted connection every expectation comes back empty.

These tests document the failure and pin the workaround (quality.context
.enable_duckdb_persisted_connection), which edits a private GX tuple: if a GX upgrade renames it
or starts handling DuckDB itself, they say so.
"""

from __future__ import annotations

import duckdb
import pytest

from video_insights.quality import context as quality_context


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("gx-duckdb") / "tiny.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t as select range as x from range(10)")
    return str(path)


def _row_count_result(path: str, name: str):
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    datasource = context.data_sources.add_sql(
        name=name, connection_string=f"duckdb:///{path}?access_mode=read_only"
    )
    batch = (
        datasource.add_table_asset(name="t", table_name="t")
        .add_batch_definition_whole_table("all")
        .get_batch()
    )
    try:
        return batch.validate(gx.expectations.ExpectTableRowCountToBeBetween(min_value=1))
    finally:
        quality_context.release_connections(context)


def test_private_tuple_still_exists():
    from great_expectations.execution_engine import sqlalchemy_execution_engine as see

    assert isinstance(see._PERSISTED_CONNECTION_DIALECTS, tuple)
    assert "sqlite" in [getattr(d, "value", d) for d in see._PERSISTED_CONNECTION_DIALECTS]


def test_without_the_workaround_results_are_empty(tiny_db: str, monkeypatch):
    from great_expectations.execution_engine import sqlalchemy_execution_engine as see

    without = tuple(
        d for d in see._PERSISTED_CONNECTION_DIALECTS if getattr(d, "value", d) != "duckdb"
    )
    monkeypatch.setattr(see, "_PERSISTED_CONNECTION_DIALECTS", without)
    result = _row_count_result(tiny_db, "without")
    # If this starts passing, GX handles DuckDB itself: delete the workaround.
    assert not result.success
    assert result.result == {}  # no observed value: the fetched rows were empty
    messages = [info["exception_message"] for info in result.exception_info.values()]
    assert messages == ["list index out of range"]


def test_with_the_workaround_results_are_right(tiny_db: str):
    quality_context.enable_duckdb_persisted_connection()
    result = _row_count_result(tiny_db, "with")
    assert result.success
    assert result.result["observed_value"] == 10


def test_workaround_is_idempotent_and_installed_by_open_context(good_warehouse):
    from great_expectations.execution_engine import sqlalchemy_execution_engine as see

    context = quality_context.open_context(good_warehouse.paths)
    quality_context.enable_duckdb_persisted_connection()
    names = [getattr(d, "value", d) for d in see._PERSISTED_CONNECTION_DIALECTS]
    assert names.count("duckdb") == 1
    assert quality_context.duckdb_persisted_connection_enabled()

    engine = context.data_sources.get("marts").get_execution_engine()
    assert type(engine.engine.pool).__name__ == "StaticPool"
    import sqlalchemy as sa

    assert engine.execute_query(sa.text("select count(*) from fct_plays")).fetchall() == [(5,)]
    assert engine._connection is not None  # the persisted connection
    quality_context.release_connections(context)
    with duckdb.connect(str(good_warehouse.paths.build_db)):  # lock released: writable
        pass

"""`video-insights sql`: read-only SQL over the published warehouse; writes are refused with a
message, and the published file is left exactly as it was."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner

from tests.api.conftest import PARTNER_A, PARTNER_B
from video_insights.cli import main


def sql(warehouse, *args: str):
    return CliRunner().invoke(main, ["sql", *args, "--warehouse", str(warehouse.root)])


def test_select_as_csv_table_and_json(api_warehouse):
    # audience_cases: partner 301 plays s1, s2, s3, s4, s5, s7, s8 (7); partner 302 plays o1
    query = (
        "select partner_id, count(*) as plays from fct_plays "
        "where partner_id in (301, 302) group by all order by partner_id"
    )
    result = sql(api_warehouse, query, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"partner_id,plays\n{PARTNER_A},7\n{PARTNER_B},1\n"
    table = sql(api_warehouse, query)
    assert table.exit_code == 0 and "partner_id" in table.stdout and "plays" in table.stdout
    as_json = sql(api_warehouse, "select 1 as one", "--format", "json")
    assert '"rows": [[1]]' in as_json.stdout


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("insert into fct_plays select * from fct_plays", "INSERT"),
        ("delete from fct_plays", "DELETE"),
        ("update fct_plays set partner_id = 1", "UPDATE"),
        ("drop table fct_plays", "DROP"),
        ("create table stolen as select * from fct_plays", "CREATE"),
        ("copy fct_plays to '/tmp/stolen.csv'", "COPY"),
        ("attach '/tmp/other.duckdb' as other", "ATTACH"),
        ("select 1; drop table fct_plays", "DROP"),
        ("set threads = 1", "SET"),
    ],
)
def test_writes_are_refused(api_warehouse, query, kind):
    before = hashlib.sha256(api_warehouse.published_db.read_bytes()).hexdigest()
    result = sql(api_warehouse, query)
    assert result.exit_code == 1
    assert kind in result.output and "only reads" in result.output
    assert "Traceback" not in result.output
    assert hashlib.sha256(api_warehouse.published_db.read_bytes()).hexdigest() == before


def test_bad_sql_is_a_message(api_warehouse):
    result = sql(api_warehouse, "select * from no_such_table")
    assert result.exit_code == 1 and "no_such_table" in result.output
    assert "Traceback" not in result.output
    parse = sql(api_warehouse, "selec 1")
    assert parse.exit_code == 1 and "does not parse" in parse.output


def test_no_published_warehouse_is_a_message(tmp_path):
    result = CliRunner().invoke(main, ["sql", "select 1", "--warehouse", str(tmp_path)])
    assert result.exit_code == 1 and "no published warehouse" in result.output

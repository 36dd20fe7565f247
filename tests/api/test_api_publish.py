"""The server follows publishing: a night published while it runs is what the next request sees,
and neither the server nor the build waits for the other."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from tests.api import cases
from tests.api.conftest import PARTNER_A, PARTNER_B, start_server, stop_server
from video_insights.config import WarehousePaths
from video_insights.publish import publish


@pytest.fixture(scope="module")
def own_server(api_warehouse, tokens_file, tokens, tmp_path_factory):
    """A server over a copy of the warehouse, so publishing here changes no other test's data."""
    root = tmp_path_factory.mktemp("api-publish") / "warehouse"
    for part in ("build", "published"):
        shutil.copytree(api_warehouse.root / part, root / part)
    running = start_server(WarehousePaths.at(root), tokens_file)
    yield running
    stop_server(running)


def plays(server, token) -> int:
    with server.client(token) as client:
        payload = client.get("/v1/reports/HIGHLIGHTS", params=cases.BASE).json()
    return dict(zip(payload["columns"], payload["rows"][0], strict=True))["count_plays"]


def test_a_new_night_is_seen_after_publish(own_server, tokens):
    warehouse = own_server.warehouse
    # audience_cases: partner 301 has 7 plays, partner 302 one (o1)
    assert (plays(own_server, tokens[PARTNER_A]), plays(own_server, tokens[PARTNER_B])) == (7, 1)
    before = own_server.client().get("/v1/health").json()["published_at"]

    # the next "build" writes the build file while the server has the published one open:
    # partner 302's rows are gone from it (any change of content would do)
    with duckdb.connect(str(warehouse.build_db)) as con:
        tables = con.execute(
            "select table_name from duckdb_columns() where column_name = 'partner_id' "
            "and schema_name = 'main' and table_name in (select table_name from duckdb_tables())"
        ).fetchall()
        for (table,) in tables:
            con.execute(f'delete from "{table}" where partner_id = ?', [PARTNER_B])
    inode = warehouse.published_db.stat().st_ino
    publish(warehouse)  # the real atomic swap, while the server holds the old file
    assert warehouse.published_db.stat().st_ino != inode

    assert plays(own_server, tokens[PARTNER_B]) == 0
    assert plays(own_server, tokens[PARTNER_A]) == 7
    after = own_server.client().get("/v1/health").json()["published_at"]
    assert after is not None and before is not None and after >= before

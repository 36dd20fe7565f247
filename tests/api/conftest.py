"""The report API's fixtures: one hand-built warehouse, tokens made with the CLI, and the real
server (`video-insights serve`) as a process on a free 127.0.0.1 port, once per session.

The warehouse is the audience fixture's night (tests/fixtures/audience_cases.py): partners 301
and 302 share the entry id ``1_aud_a`` and the category id ``cat-10``. For tenant isolation an
oracle copy per partner is made from the published file with every other partner's rows deleted
(:func:`partner_only_copy`): a request that leaked another partner's rows would differ from the
same request on the copy that holds none.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import httpx
import pytest
from click.testing import CliRunner

from tests.fixtures import audience_cases as ac
from tests.fixtures import worked_examples as wx
from video_insights.cli import main
from video_insights.config import WarehousePaths

PARTNER_A, PARTNER_B = ac.PARTNER, ac.OTHER_PARTNER
DAY = ac.DAY.isoformat()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[str]
    warehouse: WarehousePaths
    tokens_file: Path

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


def start_server(warehouse: WarehousePaths, tokens_file: Path) -> Server:
    port = free_port()
    cli = str(Path(sys.executable).parent / "video-insights")
    log = tokens_file.parent / f"serve-{port}.log"  # a file: a pipe nobody reads would fill up
    with log.open("w") as output:
        process = subprocess.Popen(
            [cli, "serve", "--host", "127.0.0.1", "--port", str(port),
             "--warehouse", str(warehouse.root), "--tokens-file", str(tokens_file)],
            stdout=output, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/v1/health", timeout=1).status_code == 200:
                return Server(url, process, warehouse, tokens_file)
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not answer /v1/health within 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


def create_token(warehouse: WarehousePaths, tokens_file: Path, partner_id: int) -> str:
    result = CliRunner().invoke(
        main,
        ["api-token", "create", "--partner-id", str(partner_id), "--label", "tests",
         "--warehouse", str(warehouse.root), "--tokens-file", str(tokens_file)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout.strip()


def partner_only_copy(source: Path, target_root: Path, partner_id: int) -> WarehousePaths:
    """A copy of a published warehouse holding only one partner's rows (the isolation oracle)."""
    target = WarehousePaths.at(target_root)
    target.published_db.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target.published_db)
    with duckdb.connect(str(target.published_db)) as con:
        tables = con.execute(
            "select table_name from duckdb_columns() where column_name = 'partner_id' "
            "and database_name = current_database() and schema_name = 'main' "
            "and table_name in (select table_name from duckdb_tables())"
        ).fetchall()
        for (table,) in tables:
            con.execute(f'delete from "{table}" where partner_id is distinct from ?', [partner_id])
    return target


@pytest.fixture(scope="session")
def api_warehouse(tmp_path_factory) -> WarehousePaths:
    from video_insights.pipeline import run_nightly

    base = tmp_path_factory.mktemp("api")
    wx.write_inbox(base / "inbox", ac.beacons(), ac.side_feeds())
    run_nightly(base / "inbox", base / "warehouse", ac.DAY)
    return WarehousePaths.at(base / "warehouse")


@pytest.fixture(scope="session")
def oracles(api_warehouse, tmp_path_factory) -> dict[int, WarehousePaths]:
    base = tmp_path_factory.mktemp("api-oracles")
    return {
        partner: partner_only_copy(api_warehouse.published_db, base / str(partner), partner)
        for partner in (PARTNER_A, PARTNER_B)
    }


@pytest.fixture(scope="session")
def tokens_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("api-config") / "api_tokens.json"


@pytest.fixture(scope="session")
def tokens(api_warehouse, tokens_file) -> dict[int, str]:
    return {
        partner: create_token(api_warehouse, tokens_file, partner)
        for partner in (PARTNER_A, PARTNER_B)
    }


@pytest.fixture(scope="session")
def server(api_warehouse, tokens_file, tokens) -> Iterator[Server]:
    running = start_server(api_warehouse, tokens_file)
    yield running
    stop_server(running)


@pytest.fixture(scope="session")
def client_a(server, tokens) -> Iterator[httpx.Client]:
    with server.client(tokens[PARTNER_A]) as client:
        yield client


@pytest.fixture(scope="session")
def client_b(server, tokens) -> Iterator[httpx.Client]:
    with server.client(tokens[PARTNER_B]) as client:
        yield client

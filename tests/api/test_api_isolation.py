"""Tenant isolation: a token of one partner never returns another partner's rows.

Partners 301 and 302 share the entry id ``1_aud_a`` and the category id ``cat-10``. For every
report type, with no filter and with each of its filters (a value both partners have), the
API's answer for a token must equal the engine's answer on an oracle copy of the warehouse that
holds only the token's partner's rows: any leaked row, count or distinct viewer would differ.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from tests.api import cases
from tests.api.conftest import PARTNER_A, PARTNER_B
from tests.fixtures import audience_cases as ac
from video_insights.reports import ReportRequest, render, report_types, run_report

# strings only partner 302's side feeds and session carry
B_ONLY = ("Other A", "Other sports", "Other audience", "dave")


def isolation_requests() -> list[tuple[str, dict[str, str]]]:
    requests = []
    for name, report in report_types().items():
        base = cases.base_request(name)
        requests.append((name, base))
        for filter_name in sorted(report.mart.filters):
            requests.append((name, {**base, filter_name: cases.SHARED_FILTER_VALUES[filter_name]}))
    return requests


REQUESTS = isolation_requests()


@pytest.fixture(scope="module")
def oracle_connections(oracles):
    """One read-only connection per oracle copy, reused by every request of the module."""
    connections = {
        partner: duckdb.connect(str(paths.published_db), read_only=True)
        for partner, paths in oracles.items()
    }
    yield connections
    for connection in connections.values():
        connection.close()


def engine_json(
    warehouse, connection, report_type: str, params: dict[str, str], partner: int
) -> str:
    filters = {
        name: value.split(",")
        for name, value in params.items()
        if name not in ("from_day", "to_day", "object_ids")
    }
    request = ReportRequest(
        report_type=report_type,
        partner_id=partner,
        from_day=ac.DAY,
        to_day=ac.DAY,
        filters=filters,
        object_ids=params["object_ids"].split(",") if "object_ids" in params else None,
    )
    return render.to_json(run_report(request, warehouse, connection=connection))


@pytest.mark.parametrize(
    ("report_type", "params"),
    REQUESTS,
    ids=[f"{t}-{'-'.join(k for k in p if k.endswith(('_in', '_ids')))}" for t, p in REQUESTS],
)
def test_each_token_sees_only_its_partner(
    client_a, client_b, oracles, oracle_connections, report_type, params
):
    filtered = any(name.endswith(("_in", "_ids")) for name in params)
    # partner A with every filter; partner B too without one (its own rows, none of A's)
    pairs = ((PARTNER_A, client_a),) if filtered else ((PARTNER_A, client_a), (PARTNER_B, client_b))
    for partner, client in pairs:
        response = client.get(f"/v1/reports/{report_type}", params=params)
        assert response.status_code == 200, response.text
        expected = engine_json(
            oracles[partner], oracle_connections[partner], report_type, params, partner
        )
        assert response.text == expected
        if partner == PARTNER_A:  # (a filter value is echoed in some rows: not a leak)
            markers = [m for m in B_ONLY if not any(m in value for value in params.values())]
            assert not any(marker in response.text for marker in markers)


def test_the_shared_entry_is_two_different_entries(client_a, client_b):
    """The oracle would hide nothing if both partners had no rows: show they both have."""
    params = {**cases.BASE, "entry_id_in": ac.ENTRY_A}
    a = client_a.get("/v1/reports/TOP_CONTENT", params=params).json()
    b = client_b.get("/v1/reports/TOP_CONTENT", params=params).json()
    name = a["columns"].index("entry_name")
    assert [row[name] for row in a["rows"]] == ["Audience A"]
    assert [row[name] for row in b["rows"]] == ["Other A"]


@pytest.mark.parametrize("partner_param", [str(PARTNER_B), "0", "-1", "301 or 1=1"])
def test_another_partners_id_is_403(client_a, partner_param):
    response = client_a.get(
        "/v1/reports/HIGHLIGHTS", params={**cases.BASE, "partner_id": partner_param}
    )
    assert response.status_code in (400, 403), response.text
    if partner_param == str(PARTNER_B):
        assert response.status_code == 403
        assert response.json()["parameter"] == "partner_id"


def test_own_partner_id_is_accepted(client_a):
    with_id = client_a.get("/v1/reports/HIGHLIGHTS", params={**cases.BASE, "partner_id": "301"})
    assert with_id.status_code == 200
    assert with_id.json() == client_a.get("/v1/reports/HIGHLIGHTS", params=cases.BASE).json()


def test_missing_wrong_and_revoked_tokens_are_401(server, api_warehouse, tokens_file):
    from tests.api.conftest import create_token

    url = "/v1/reports/HIGHLIGHTS"
    assert server.client().get(url, params=cases.BASE).status_code == 401
    assert server.client().get("/v1/reports").status_code == 401
    assert server.client("vi_nope_nope").get(url, params=cases.BASE).status_code == 401
    with server.client() as anonymous:
        basic = anonymous.get(url, params=cases.BASE, headers={"Authorization": "Basic eDp5"})
        assert basic.status_code == 401
        assert basic.headers["www-authenticate"] == "Bearer"

    # a token made while the server runs works at once; revoked, it stops at once
    token = create_token(api_warehouse, tokens_file, PARTNER_A)
    assert server.client(token).get(url, params=cases.BASE).status_code == 200
    stored = json.loads(tokens_file.read_text())["tokens"]
    assert token not in tokens_file.read_text()
    token_id = next(item["id"] for item in stored if token.startswith(f"vi_{item['id']}_"))
    from click.testing import CliRunner

    from video_insights.cli import main

    result = CliRunner().invoke(
        main, ["api-token", "revoke", token_id, "--tokens-file", str(tokens_file)]
    )
    assert result.exit_code == 0, result.output
    assert server.client(token).get(url, params=cases.BASE).status_code == 401

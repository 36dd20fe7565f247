"""The API answers exactly what `video-insights report` prints for the same request, in JSON and
CSV; the catalog, health and OpenAPI endpoints; 400s that name the parameter."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.api import cases
from tests.api.conftest import PARTNER_A, PARTNER_B
from tests.fixtures import audience_cases as ac
from video_insights.cli import main
from video_insights.reports import report_types

ALL_REQUESTS = cases.every_type() + cases.variants()


def cli_output(warehouse, report_type: str, params: dict[str, str], partner: int, fmt: str):
    args = cases.cli_args(report_type, params, partner)
    result = CliRunner().invoke(main, [*args, "--format", fmt, "--warehouse", str(warehouse.root)])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    ("report_type", "params"),
    ALL_REQUESTS,
    ids=[f"{t}-{n}" for n, (t, _p) in enumerate(ALL_REQUESTS)],
)
def test_json_and_csv_equal_the_cli(client_a, api_warehouse, report_type, params):
    response = client_a.get(f"/v1/reports/{report_type}", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.text + "\n" == cli_output(api_warehouse, report_type, params, PARTNER_A, "json")

    expected_csv = cli_output(api_warehouse, report_type, params, PARTNER_A, "csv")
    by_accept = client_a.get(
        f"/v1/reports/{report_type}", params=params, headers={"Accept": "text/csv"}
    )
    assert by_accept.headers["content-type"].startswith("text/csv")
    assert by_accept.text == expected_csv
    by_param = client_a.get(f"/v1/reports/{report_type}", params={**params, "format": "csv"})
    assert by_param.text == expected_csv


def test_lowercase_report_type_like_the_cli(client_a):
    upper = client_a.get("/v1/reports/HIGHLIGHTS", params=cases.BASE).json()
    assert client_a.get("/v1/reports/highlights", params=cases.BASE).json() == upper


def test_highlights_are_the_hand_computed_figures(client_a, client_b):
    """tests/fixtures/audience_cases.py EXPECTED['highlights'] (partner 301), and partner 302's
    one session o1: 1 load, 1 play of 600 s (10 min), viewer dave, 1200 s entry watched 0-600 s
    -> 50 of 100 segments."""
    payload = client_a.get("/v1/reports/HIGHLIGHTS", params=cases.BASE).json()
    row = dict(zip(payload["columns"], payload["rows"][0], strict=True))
    for metric, value in ac.EXPECTED["highlights"].items():
        assert row[metric] == pytest.approx(value), metric
    other = client_b.get("/v1/reports/HIGHLIGHTS", params=cases.BASE).json()
    row = dict(zip(other["columns"], other["rows"][0], strict=True))
    expected_b = {"count_loads": 1, "count_plays": 1, "unique_known_users": 1,
                  "sum_view_period": 10.0, "avg_completion_rate": 50.0}  # fmt: skip
    for metric, value in expected_b.items():
        assert row[metric] == pytest.approx(value), metric


def test_catalog_lists_every_report_type(client_a):
    listed = client_a.get("/v1/reports").json()
    types = report_types()
    assert [item["name"] for item in listed] == list(types)
    for item in listed:
        report = types[item["name"]]
        assert item["metrics"] == list(report.metrics)
        assert item["filters"] == sorted(report.mart.filters)
    qoe = next(item for item in listed if item["name"] == "QOE")
    assert "device" in qoe["dimensions"]


def test_health_and_openapi(server):
    health = server.client().get("/v1/health").json()
    assert health["status"] == "ok" and health["published"] is True
    document = server.client().get("/openapi.json").json()
    assert {"/v1/reports", "/v1/reports/{report_type}", "/v1/health"} <= set(document["paths"])
    names = {p["name"] for p in document["paths"]["/v1/reports/{report_type}"]["get"]["parameters"]}
    assert {"from_day", "to_day", "page_size", "page_index", "entry_id_in", "object_ids"} <= names
    assert server.client().get("/docs").status_code == 200


BAD = [
    ({"from_day": "2026-13-01", "to_day": cases.DAY}, "from_day"),
    ({"from_day": "yesterday", "to_day": cases.DAY}, "from_day"),
    ({"from_day": cases.DAY}, "to_day"),
    ({"from_day": cases.NEXT_DAY, "to_day": cases.DAY}, "to_day"),
    ({**cases.BASE, "compare_from_day": cases.DAY}, "compare_to_day"),
    ({**cases.BASE, "page_size": "10001"}, "page_size"),
    ({**cases.BASE, "page_size": "0"}, "page_size"),
    ({**cases.BASE, "page_size": "ten"}, "page_size"),
    ({**cases.BASE, "page_index": "0"}, "page_index"),
    ({**cases.BASE, "interval": "weeks"}, "interval"),
    ({**cases.BASE, "order": "no_such_column"}, "order"),
    ({**cases.BASE, "order": "count_plays desc; drop table x"}, "order"),
    ({**cases.BASE, "dimension": "device"}, "dimension"),  # TOP_CONTENT has no --dimension
    ({**cases.BASE, "format": "xml"}, "format"),
    ({**cases.BASE, "no_such_filter_in": "x"}, "no_such_filter_in"),
    ({**cases.BASE, "partner": "302"}, "partner"),
    ({**cases.BASE, "from_day": "1900-01-01"}, "from_day"),  # a range of decades
]


@pytest.mark.parametrize(("params", "parameter"), BAD, ids=[p for _q, p in BAD])
def test_bad_parameters_are_400_naming_the_parameter(client_a, params, parameter):
    response = client_a.get("/v1/reports/TOP_CONTENT", params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["parameter"] == parameter
    assert parameter in body["detail"]


def test_unknown_report_type_and_filter_not_of_the_type(client_a):
    response = client_a.get("/v1/reports/NO_SUCH_REPORT", params=cases.BASE)
    assert response.status_code == 400 and response.json()["parameter"] == "report_type"
    # a filter of the engine that a report type's mart does not offer
    report_type, filter_name = next(
        (name, filter_name)
        for name, report in report_types().items()
        for filter_name in cases.SHARED_FILTER_VALUES
        if filter_name not in report.mart.filters
    )
    params = {**cases.base_request(report_type), filter_name: "x"}
    response = client_a.get(f"/v1/reports/{report_type}", params=params)
    assert response.status_code == 400 and response.json()["parameter"] == filter_name
    needs_ids = client_a.get("/v1/reports/PERCENTILES", params=cases.BASE)
    # one entry, given either way: the message names both parameters
    assert needs_ids.status_code == 400
    assert needs_ids.json()["parameter"] in ("entry_id_in", "object_ids")
    assert "object_ids" in needs_ids.json()["detail"]


def test_repeated_parameter_is_400(client_a):
    response = client_a.get(
        "/v1/reports/TOP_CONTENT",
        params=[("from_day", cases.DAY), ("to_day", cases.DAY), ("country_in", "US"),
                ("country_in", "GB")],
    )  # fmt: skip
    assert response.status_code == 400 and response.json()["parameter"] == "country_in"


def test_partner_b_sees_its_own_entry_under_the_shared_id(client_b):
    payload = client_b.get("/v1/reports/TOP_CONTENT", params=cases.BASE).json()
    records = [dict(zip(payload["columns"], row, strict=True)) for row in payload["rows"]]
    assert [(r["entry_id"], r["entry_name"], r["count_plays"]) for r in records] == [
        (ac.ENTRY_A, "Other A", 1)
    ]
    assert PARTNER_B != PARTNER_A

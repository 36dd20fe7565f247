"""Crafted and generated input: always a 400 or a correct answer of the token's own partner,
never a 500, never another partner's rows. Then schemathesis against the OpenAPI document."""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api import cases
from tests.api.conftest import PARTNER_A
from video_insights.reports import ReportRequest, render, run_report

CRAFTED = [
    "'",
    "''",
    "1_aud_a' or '1'='1",
    "1_aud_a'; drop table fct_plays; --",
    "1_aud_a) or (1=1",
    'x" or partner_id = 302 --',
    "/* comment */ 1_aud_a",
    "1_aud_a --",
    "%' union select * from dim_entries --",
    "; select 1;",
    "\\x00",
    "\x00",
    "1_aud_a\x00",
    "ünïcødé ✓ 日本語",
    "\u202e\u200b",
    "🎬",
    "a" * 999,
    "NULL",
    "null",
    "%",
    "_",
    "*",
]

FIELDS = ["entry_id_in", "country_in", "user_ids", "tags_in", "categories_ids_in", "object_ids"]


def engine_json(warehouse, params: dict[str, str], report_type: str) -> str:
    """The engine's answer for partner A, values split on commas as the API does."""
    values = {k: [v.strip() for v in val.split(",") if v.strip()] for k, val in params.items()}
    request = ReportRequest(
        report_type=report_type,
        partner_id=PARTNER_A,
        from_day=cases.ac.DAY,
        to_day=cases.ac.DAY,
        filters={k: v for k, v in values.items() if k not in ("from_day", "to_day", "object_ids")},
        object_ids=values.get("object_ids"),
    )
    return render.to_json(run_report(request, warehouse))


@pytest.mark.parametrize("field", FIELDS)
def test_crafted_values_are_bound_not_pasted(client_a, oracles, field):
    report_type = "TOP_CONTENT" if field != "object_ids" else "MAP_OVERLAY"
    for value in CRAFTED:
        params = {**cases.BASE, field: value}
        response = client_a.get(f"/v1/reports/{report_type}", params=params)
        assert response.status_code in (200, 400), (value, response.text)
        if response.status_code == 200:
            assert response.text == engine_json(oracles[PARTNER_A], params, report_type), value


def test_a_value_too_long_or_too_many_values_is_400(client_a):
    long_value = client_a.get(
        "/v1/reports/TOP_CONTENT", params={**cases.BASE, "entry_id_in": "x" * 1001}
    )
    assert long_value.status_code == 400 and long_value.json()["parameter"] == "entry_id_in"
    many = client_a.get(
        "/v1/reports/TOP_CONTENT", params={**cases.BASE, "tags_in": ",".join(["t"] * 1001)}
    )
    assert many.status_code == 400 and many.json()["parameter"] == "tags_in"


CRAFTED_NAMES = [
    "entry_id_in;drop",
    "country_in'--",
    "partner_id ",
    "__class__",
    "ORDER",
    "from_day\x00",
    "ünïcødé",
    "x" * 5000,
]


@pytest.mark.parametrize("name", CRAFTED_NAMES, ids=range(len(CRAFTED_NAMES)))
def test_crafted_parameter_names_are_400(client_a, name):
    response = client_a.get("/v1/reports/TOP_CONTENT", params={**cases.BASE, name: "1"})
    assert response.status_code == 400, response.text
    assert len(response.json()["parameter"]) <= 63


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("order", "count_plays; drop table fct_plays"),
        ("order", '"count_plays" desc, (select 1)'),
        ("order", "-count_plays--"),
        ("dimension", "device'; --"),
        ("interval", "days' or '1'='1"),
        ("from_day", "2026-11-02'; --"),
        ("page_size", "1; drop"),
        ("page_index", "99999999999999999999"),
        ("format", "json\r\nX-Injected: 1"),
    ],
)
def test_crafted_scalars_are_400(client_a, parameter, value):
    report_type = "QOE" if parameter == "dimension" else "TOP_CONTENT"
    response = client_a.get(f"/v1/reports/{report_type}", params={**cases.BASE, parameter: value})
    assert response.status_code == 400, response.text
    assert response.json()["parameter"] == parameter
    assert "x-injected" not in response.headers


def test_crafted_report_types_are_400(client_a):
    for name in ("TOP_CONTENT;", "HIGHLIGHTS' --", "fct_plays", "..%2f..%2fetc", "ÜBER"):
        response = client_a.get(f"/v1/reports/{name}", params=cases.BASE)
        assert response.status_code in (400, 404), (name, response.text)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    field=st.sampled_from(FIELDS[:-1]),
    values=st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=4),
)
def test_any_filter_text_is_a_correct_answer_or_400(client_a, oracles, field, values):
    params = {**cases.BASE, field: ",".join(values)}
    response = client_a.get("/v1/reports/TOP_CONTENT", params=params)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 200:
        assert response.text == engine_json(oracles[PARTNER_A], params, "TOP_CONTENT")
        assert "Other A" not in json.dumps(response.json()["rows"])


# -- schemathesis: the OpenAPI document drives generated requests (bounded) ------------------


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_schemathesis_against_the_openapi_document(server, tokens, mode):
    """Every operation of /openapi.json with generated (valid, then invalid) parameters: no 500,
    status codes, content types and bodies as documented, never partner 302's entry."""
    from schemathesis import GenerationMode
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    headers = {"Authorization": f"Bearer {tokens[PARTNER_A]}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/reports/{report_type}", "/v1/health"}
    checks = [not_a_server_error, status_code_conformance]
    if mode == "positive":
        checks += [content_type_conformance, response_schema_conformance]
    else:  # only the report operation has parameters to get wrong; a malformed request line
        # may be refused by the HTTP layer (uvicorn's plain-text 400) before the app sees it
        operations = [op for op in operations if op.path == "/v1/reports/{report_type}"]
    for operation in operations:
        strategy = operation.as_strategy(generation_mode=GenerationMode(mode))

        @settings(
            max_examples=25 if mode == "positive" else 15,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def check(case):
            response = case.call_and_validate(
                base_url=server.url,
                headers=headers,
                checks=checks,
            )
            assert "Other A" not in response.text

        check()

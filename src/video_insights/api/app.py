"""The FastAPI application of the report API (``create_app``; ``video-insights serve`` runs it).

Each request's partner is the partner of its bearer token, never a parameter: a ``partner_id``
parameter is only checked against it (403 when it differs). The report JSON is
``render.to_json`` of ``run_report``, byte for byte what ``video-insights report --format json``
prints for the same request; CSV is ``render.to_csv``.
"""

import inspect
import logging
import time
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

from video_insights.api import params
from video_insights.api.reader import NoPublishedWarehouse, PublishedReader
from video_insights.api.settings import MAX_PAGE_SIZE, ApiSettings
from video_insights.api.tokens import TokenStore
from video_insights.log import log_event
from video_insights.reports import catalog, render
from video_insights.reports.engine import ALL_FILTERS, ReportError, run_report

logger = logging.getLogger("video_insights.api")
API_VERSION = "1"


class ErrorBody(BaseModel):
    detail: str
    parameter: str | None = None


class ReportBody(BaseModel):
    """The JSON of ``video-insights report --format json``."""

    report_type: str
    columns: list[str]
    rows: list[list[Any]]
    totals: dict[str, Any]


class ReportTypeBody(BaseModel):
    name: str
    description: str
    rows_by: list[str]
    levels: list[list[str]]
    time_dimension: bool
    dimensions: list[str]
    metrics: list[str]
    filters: list[str]
    default_order: str
    object_ids_required: bool


class HealthBody(BaseModel):
    status: str
    published: bool
    published_at: str | None = None


class ApiError(Exception):
    def __init__(self, status: int, detail: str, parameter: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.parameter = status, detail, parameter


def _error(status: int, detail: str, parameter: str | None = None, **headers: str) -> JSONResponse:
    body = {"detail": detail, "parameter": parameter}
    return JSONResponse(body, status_code=status, headers=headers or None)


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "A parameter is unknown or invalid (named)."},
    401: {"model": ErrorBody, "description": "Missing or unknown API token."},
    403: {"model": ErrorBody, "description": "partner_id is not the token's partner."},
    503: {"model": ErrorBody, "description": "Nothing published yet."},
}


def _filter_dependency() -> Any:
    """A dependency declaring each filter of the engine as a query parameter (for the OpenAPI
    document); the values themselves are read and checked by :func:`params.build_request`."""

    def filters(**values: str | None) -> dict[str, str | None]:
        return values

    filters.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=Query(None, description="Comma-separated values.", max_length=1_000_000),
                annotation=str | None,
            )
            for name in ALL_FILTERS
        ]
    )
    return filters


def create_app(settings: ApiSettings) -> FastAPI:
    app = FastAPI(
        title="Video insights report API",
        version=API_VERSION,
        description=(
            "The published report tables of one warehouse, read-only. Every report call takes a "
            "bearer token of one partner and sees only that partner's rows."
        ),
    )
    reader = PublishedReader(settings.warehouse)
    tokens = TokenStore(settings.tokens_file)
    bearer = HTTPBearer(auto_error=False, description="An API token (`video-insights api-token`)")
    app.state.reader, app.state.tokens = reader, tokens

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, error: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else {}
        return _error(error.status, error.detail, error.parameter, **headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        first = error.errors()[0] if error.errors() else {}
        location = [str(part) for part in first.get("loc", ()) if part not in ("query", "path")]
        parameter = location[0] if location else None
        message = str(first.get("msg", "invalid value"))
        return _error(400, f"{parameter}: {message}", parameter)

    def partner(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> int:
        partner_id = tokens.partner_of(credentials.credentials if credentials else None)
        if partner_id is None:
            raise ApiError(401, "a valid API token is required (Authorization: Bearer <token>)")
        return partner_id

    @app.get("/v1/health", response_model=HealthBody, tags=["service"])
    def health() -> HealthBody:
        """Whether the service is up and a night has been published."""
        published_at = reader.published_at()
        return HealthBody(
            status="ok", published=published_at is not None, published_at=published_at
        )

    @app.get(
        "/v1/reports",
        response_model=list[ReportTypeBody],
        responses={401: ERRORS[401]},
        tags=["reports"],
    )
    def list_reports(_partner: Annotated[int, Depends(partner)]) -> list[dict[str, Any]]:
        """Every report type with its drill-down levels, dimensions, metrics and filters."""
        return params.describe_report_types()

    report_names = list(catalog.report_types())

    @app.get(
        "/v1/reports/{report_type}",
        response_model=None,
        responses={
            200: {
                "model": ReportBody,
                "description": "The report (JSON, or CSV with Accept: text/csv or format=csv).",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            },
            **ERRORS,
        },
        tags=["reports"],
    )
    def get_report(
        request: Request,
        partner_id: Annotated[int, Depends(partner)],
        filters: Annotated[dict[str, str | None], Depends(_filter_dependency())],
        report_type: Annotated[
            str,
            Path(
                description="A report type (`GET /v1/reports`).",
                max_length=200,
                json_schema_extra={"enum": report_names},
            ),
        ],
        from_day: Annotated[str, Query(description="First day, YYYY-MM-DD.", max_length=100)],
        to_day: Annotated[str, Query(description="Last day, YYYY-MM-DD.", max_length=100)],
        interval: Annotated[str, Query(json_schema_extra={"enum": ["days", "months"]})] = "days",
        order: Annotated[
            str | None, Query(description="A column; `-` for descending.", max_length=100)
        ] = None,
        page_size: Annotated[
            int | None, Query(ge=1, le=MAX_PAGE_SIZE, description="Rows per page (all if absent).")
        ] = None,
        page_index: Annotated[int, Query(ge=1, le=params.MAX_PAGE_INDEX)] = 1,
        object_ids: Annotated[
            str | None, Query(description="Drill-down value(s), comma-separated.")
        ] = None,
        dimension: Annotated[str | None, Query(max_length=100)] = None,
        compare_from_day: Annotated[str | None, Query(max_length=100)] = None,
        compare_to_day: Annotated[str | None, Query(max_length=100)] = None,
        format: Annotated[
            str | None, Query(json_schema_extra={"enum": list(params.FORMATS)})
        ] = None,
        partner_id_param: Annotated[
            int | None,
            Query(alias="partner_id", description="Optional: must be the token's partner."),
        ] = None,
    ) -> Response:
        """A report of the token's partner: the same parameters and JSON as
        `video-insights report --format json`."""
        started = time.perf_counter()
        query = request.query_params
        repeated = sorted({key for key in query if len(query.getlist(key)) > 1})
        try:
            params.check_names(query.keys(), repeated)
            if partner_id_param is not None and partner_id_param != partner_id:
                raise ApiError(403, "partner_id: not the partner of this token", "partner_id")
            values = {key: query.get(key) for key in params.KNOWN_PARAMS}
            report_request, output = params.build_request(report_type, partner_id, values)
        except params.ParameterError as error:
            raise ApiError(400, str(error), error.parameter) from None
        if output is None:
            accept = request.headers.get("accept", "")
            output = "csv" if "text/csv" in accept and "application/json" not in accept else "json"
        try:
            with reader.connection() as con:
                result = run_report(report_request, settings.warehouse, connection=con)
        except NoPublishedWarehouse as error:
            raise ApiError(503, str(error)) from None
        except ReportError as error:
            parameter, message = params.api_message(str(error))
            raise ApiError(400, message, parameter) from None
        log_event(
            logger,
            "api_report",
            partner_id=partner_id,
            report_type=report_request.report_type,
            rows=len(result.rows),
            ms=round((time.perf_counter() - started) * 1000, 1),
        )
        if output == "csv":
            return Response(render.to_csv(result), media_type="text/csv; charset=utf-8")
        return Response(render.to_json(result), media_type="application/json")

    return app

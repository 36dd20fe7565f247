"""Side feeds (entries, categories, partners, users, usage): one line -> one typed record.

Columns and kinds come from :data:`contract.SIDE_FEED_FIELDS`; the key fields of
:data:`contract.SIDE_FEEDS` are required. Kinds: ``int``/``float``/``str`` as for beacons
(:mod:`.parse`); ``list`` a JSON array of strings (numbers become strings; a comma-separated
string is split, as Kaltura's API sends ``categoriesIds``) landed as ``VARCHAR[]``;
``timestamp`` an ISO-8601 string (offsets converted to UTC) or epoch seconds, landed as
``TIMESTAMP``; ``date`` ``YYYY-MM-DD`` landed as ``DATE``. Unknown keys go to ``extra_fields``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from video_insights.contract import SIDE_FEED_FIELDS, SIDE_FEEDS
from video_insights.landing.inbox import InboxFile, LineReader
from video_insights.landing.parse import (
    MAX_LINE_BYTES,
    BadLine,
    load_object,
    parse_date,
    parse_timestamp,
    to_float,
    to_int,
    to_str,
    too_long,
    wrong_type,
)
from video_insights.landing.staged import Staged
from video_insights.landing.writer import (
    SIDE_SPOOL_TYPES,
    FileOutputs,
    read_spool,
    side_columns,
    sql_ident,
    sql_literal,
    timestamp_literal,
)
from video_insights.privacy.forgotten import ForgottenViewers
from video_insights.privacy.pseudonymize import Pseudonymizer

# Spool-only keys (the column of the same meaning in the Parquet file is named in the SELECT).
LINE_KEY = "__line"
EXTRA_KEY = "__extra"


def to_list(name: str, value: object) -> list[str]:
    if type(value) is list:
        items = []
        for item in value:  # type: ignore[attr-defined]
            if type(item) is str:
                items.append(item)
            elif type(item) is int or type(item) is float:
                items.append(to_str(name, item))
            else:
                raise wrong_type(name, "list of strings", value)
        return items
    if type(value) is str:
        return [part.strip() for part in value.split(",") if part.strip()]  # type: ignore[union-attr]
    raise wrong_type(name, "list of strings", value)


def to_timestamp_text(name: str, value: object) -> str:
    if type(value) is int or type(value) is float:
        try:
            moment = datetime.fromtimestamp(value, UTC).replace(tzinfo=None)  # type: ignore[arg-type]
        except (OverflowError, OSError, ValueError):
            raise BadLine(
                "bad_timestamp", name, f"field {name}: epoch {value} is out of range"
            ) from None
        return moment.isoformat(sep=" ")
    return parse_timestamp(name, value).isoformat(sep=" ")


_COERCE = {
    "int": to_int,
    "float": to_float,
    "str": to_str,
    "list": to_list,
    "timestamp": to_timestamp_text,
    "date": parse_date,
}


def normalize_record(feed: str, obj: dict) -> dict:
    """A side-feed object -> spool row (landed column names, typed values). Raises BadLine."""
    fields = SIDE_FEED_FIELDS[feed]
    for key in SIDE_FEEDS[feed]:
        if obj.get(key) is None:
            if key in obj:
                raise wrong_type(key, fields[key][1], None)
            raise BadLine("missing_field", key, f"missing required field {key}")
    row: dict = {}
    extras = None
    for key, value in obj.items():
        spec = fields.get(key)
        if spec is None:
            if extras is None:
                extras = {}
            extras[key] = value
            continue
        if value is None:
            continue
        column, kind = spec
        row[column] = _COERCE[kind](key, value)
    if extras is not None:
        row[EXTRA_KEY] = orjson.dumps(extras).decode()
    return row


def side_select(feed: str, spool_path, sha256: str, landed_at: datetime) -> str:
    """The SELECT that turns a side-feed spool into the landed columns (docs/design.md)."""
    spool_columns = {
        column: SIDE_SPOOL_TYPES[kind] for column, kind in SIDE_FEED_FIELDS[feed].values()
    }
    spool_columns[EXTRA_KEY] = "VARCHAR"
    spool_columns[LINE_KEY] = "INTEGER"
    selects = []
    for column, kind in side_columns(feed).items():
        if column == "extra_fields":
            expr = sql_ident(EXTRA_KEY)
        elif column == "source_file_sha256":
            expr = sql_literal(sha256)
        elif column == "source_line":
            expr = sql_ident(LINE_KEY)
        elif column == "landed_at":
            expr = timestamp_literal(landed_at)
        else:
            expr = sql_ident(column)
        selects.append(f"CAST({expr} AS {kind}) AS {sql_ident(column)}")
    return f"SELECT {', '.join(selects)} FROM {read_spool(spool_path, spool_columns)}"


# Side-feed columns that hold user ids (pseudonymized for the partners that require it).
USER_ID_COLUMNS = ("user_id", "creator_user_id", "owner_user_id")


def pseudonymize_row(row: dict, pseudonymizer: Pseudonymizer) -> None:
    partner = row.get("partner_id")
    if partner in pseudonymizer.partners:
        for column in USER_ID_COLUMNS:
            value = row.get(column)
            if value is not None:
                row[column] = pseudonymizer.user_id(partner, value)


def stage_side_feed(
    file: InboxFile,
    sha256: str,
    outputs: FileOutputs,
    pseudonymizer: Pseudonymizer | None = None,
    forgotten: ForgottenViewers | None = None,
) -> Staged:
    """Read and validate a side-feed file into one spool (``forgotten``: the ``users`` records of
    viewers in the forget ledger are dropped and counted)."""
    staged = Staged.start(file, sha256, outputs, pseudonymizer, forgotten)
    spool = staged.spools[file.feed] = outputs.spool(f"side-{file.feed}-{staged.sha16}.ndjson")
    line_number = blank = 0
    reader = LineReader(file.path, file.gzipped)
    for block in reader:
        for line in block:
            line_number += 1
            if not line or line.isspace():
                blank += 1
                continue
            try:
                if len(line) > MAX_LINE_BYTES:
                    raise too_long(line)
                row = normalize_record(file.feed, load_object(line))
            except BadLine as bad:
                staged.bad(line_number, bad, line)
                continue
            if pseudonymizer is not None:
                pseudonymize_row(row, pseudonymizer)
            if forgotten is not None and forgotten.drops(
                staged.result, row.get("partner_id"), row.get("user_id")
            ):
                continue
            row[LINE_KEY] = line_number
            spool.add_object(row)
        spool.flush()
    staged.finish_reading(reader, line_number, blank)
    staged.result.landed_rows = spool.rows
    return staged

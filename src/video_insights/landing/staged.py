"""A staged inbox file: read and validated, its rows spooled in ``warehouse/tmp``, its bad lines
set aside, waiting for its Parquet writes (:func:`video_insights.landing.land.write_staged`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from video_insights.landing import manifest as manifest_mod
from video_insights.landing.inbox import InboxFile, LineReader
from video_insights.landing.parse import BadLine, redact
from video_insights.landing.summary import FileResult
from video_insights.landing.writer import (
    QUARANTINE_COLUMNS,
    FileOutputs,
    Spool,
    read_spool,
    sql_ident,
    sql_literal,
    timestamp_literal,
)
from video_insights.privacy.forgotten import ForgottenViewers
from video_insights.privacy.pseudonymize import Pseudonymizer


@dataclass
class Staged:
    """An inbox file read and validated, its rows spooled, waiting for its Parquet writes."""

    file: InboxFile
    sha256: str
    result: FileResult
    outputs: FileOutputs
    spools: dict[str, Spool] = field(default_factory=dict)  # event date (or feed) -> rows
    dims: Spool | None = None
    quarantine: Spool | None = None
    pseudonymizer: Pseudonymizer | None = None
    forgotten: ForgottenViewers | None = None

    @property
    def sha16(self) -> str:
        return manifest_mod.sha16(self.sha256)

    def bad(self, line_number: int, bad: BadLine, raw: bytes | None) -> None:
        if self.quarantine is None:
            self.quarantine = self.outputs.spool(f"quarantine-{self.sha16}.ndjson")
        raw_line = redact(raw) if raw is not None else None
        reason = bad.reason
        if self.pseudonymizer is not None:
            raw_line, reason = self.pseudonymizer.quarantine_text(raw_line, bad.field, reason)
        if self.forgotten is not None and self.forgotten.holds_line(raw_line):
            self.result.forgotten_rows += 1  # a forgotten viewer's line: not even quarantined
            return
        self.quarantine.add_object(
            {
                "source_file": self.file.name,
                "line_number": line_number,
                "field": bad.field,
                "reason": reason,
                "raw_line": raw_line,
            }
        )
        self.result.quarantined_by_kind[bad.kind] += 1

    def finish_reading(self, reader: LineReader, line_number: int, blank: int) -> None:
        """Quarantine a truncated/corrupt stream (file level) and its cut last line."""
        partial = 0
        if reader.error is not None:
            kind, message = reader.error
            self.bad(0, BadLine(kind, None, message), None)
            if reader.partial is not None:
                partial = 1
                self.bad(
                    line_number + 1,
                    BadLine(
                        "partial_line",
                        None,
                        f"partial last line: cut by the {kind.replace('_', ' ')}",
                    ),
                    reader.partial,
                )
        self.result.line_count = line_number + partial
        self.result.blank_lines = blank
        for spool in (*self.spools.values(), self.dims, self.quarantine):
            if spool is not None:
                spool.close()
        self.result.quarantined_rows = self.quarantine.rows if self.quarantine else 0

    @classmethod
    def start(
        cls,
        file: InboxFile,
        sha256: str,
        outputs: FileOutputs,
        pseudonymizer: Pseudonymizer | None = None,
        forgotten: ForgottenViewers | None = None,
    ) -> Staged:
        size = file.path.stat().st_size
        result = FileResult(sha256, file.name, file.feed, size)
        return cls(file, sha256, result, outputs, pseudonymizer=pseudonymizer, forgotten=forgotten)


def quarantine_select(spool: Path, sha256: str, landed_at: datetime) -> str:
    spool_columns = {
        "source_file": "VARCHAR",
        "line_number": "INTEGER",
        "field": "VARCHAR",
        "reason": "VARCHAR",
        "raw_line": "VARCHAR",
    }
    expressions = {name: sql_ident(name) for name in spool_columns}
    expressions["source_file_sha256"] = sql_literal(sha256)
    expressions["landed_at"] = timestamp_literal(landed_at)
    columns = ", ".join(
        f"CAST({expressions[name]} AS {kind}) AS {sql_ident(name)}"
        for name, kind in QUARANTINE_COLUMNS.items()
    )
    return f"SELECT {columns} FROM {read_spool(spool, spool_columns)}"

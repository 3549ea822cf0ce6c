"""System functions for managers: importing the client base, and the KPI report."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from typing import IO

from aiohttp import BodyPartReader, web

from domain.booking import reports
from domain.people import importer
from domain.timerules import MSK, utcnow
from webapp.api.schemas import ImportReportOut, ImportUpload, ReportOut, ReportsQuery, model_answer
from webapp.auth import STAFF, require_role
from webapp.errors import error_response
from webapp.import_files import table_in
from webapp.keys import SERVICES
from webapp.openapi import documented
from webapp.validation import BadRequest, parse_query

routes = web.RouteTableDef()
TAGS = ("system",)
REPORT_DAYS = 30
_CHUNK = 64 * 1024
_IN_MEMORY = 1024 * 1024  # larger uploads spill to a temporary file


class TooLarge(web.HTTPRequestEntityTooLarge):
    """A 413 with a JSON body naming the limit."""

    def __init__(self, limit: int) -> None:
        answer = error_response(
            413, "too_large", f"the file is larger than {limit} bytes", field="file"
        )
        super().__init__(
            max_size=limit,
            actual_size=limit + 1,
            text=answer.text,
            content_type="application/json",
        )


class UnsupportedMedia(web.HTTPUnsupportedMediaType):
    """A 415 with a JSON body: the upload is multipart/form-data."""

    def __init__(self) -> None:
        answer = error_response(
            415, "unsupported_media_type", "send the file as multipart/form-data", field="file"
        )
        super().__init__(text=answer.text, content_type="application/json")


async def _uploaded_file(request: web.Request, limit: int) -> IO[bytes]:
    """The multipart field `file`, spooled (memory, then disk) and size-checked as it comes."""
    if request.content_type != "multipart/form-data":
        raise UnsupportedMedia()
    files: list[IO[bytes]] = []
    try:
        async for part in await request.multipart():
            if isinstance(part, BodyPartReader) and part.name == "file" and not files:
                files.append(await _spooled(part, limit))
                continue
            # the form holds the file alone (ImportUpload): another field is a mistake
            name = part.name if isinstance(part, BodyPartReader) else None
            raise BadRequest("the form takes the field 'file' alone, once", field=name or "file")
    except BaseException as exc:
        for spool in files:
            spool.close()
        if isinstance(exc, ValueError):  # aiohttp's word for a body that is not multipart
            raise BadRequest(f"the multipart body cannot be read: {exc}", field="file") from exc
        raise
    if not files:
        raise BadRequest("a multipart field named 'file' is required", field="file")
    return files[0]


async def _spooled(part: BodyPartReader, limit: int) -> IO[bytes]:
    spool = tempfile.SpooledTemporaryFile(max_size=_IN_MEMORY)  # noqa: SIM115 - returned
    size = 0
    while chunk := await part.read_chunk(_CHUNK):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise TooLarge(limit)
        spool.write(chunk)
    return spool  # type: ignore[return-value]


@routes.post("/api/v1/system/import")
@documented(
    "Import a client base from .csv (UTF-8, UTF-8 with BOM or cp1251; any common "
    "delimiter) or .xlsx, multipart field 'file'; duplicates are merged. A file that cannot "
    "be read, has no phone/telegram_id column or too many rows imports nothing: the report "
    "says why, as row 0",
    body=ImportUpload,
    body_media="multipart/form-data",
    responses={
        200: ImportReportOut,
        413: "the file is over IMPORT_MAX_BYTES",
        415: "the body is not multipart/form-data",
    },
    tags=TAGS,
    secured=True,
)
async def import_clients(request: web.Request) -> web.Response:
    principal = require_role(request, *STAFF)
    settings = request.config_dict[SERVICES].settings
    with await _uploaded_file(request, settings.import_max_bytes) as upload:
        report = await importer.import_clients(
            table_in(upload), principal.initiator(), max_rows=settings.import_max_rows
        )
    answer = ImportReportOut.model_validate(report, from_attributes=True)
    # errors_left_off is said only when some were left off
    return web.json_response(answer.model_dump(exclude_defaults=True))


@routes.get("/api/v1/system/reports")
@documented(
    "KPIs of a period of MSK days (default: the last 30 days up to date_to or today), at "
    "most its first 366 days (a period that ends before it starts has none): new requests, "
    "% completed, repeat visits, cancellations, no-shows, late cancellations (the share of "
    "all the period's appointments that their clients cancelled within LATE_CANCEL_HOURS of "
    "the start), psychologists' load, form funnel, daily series",
    query=ReportsQuery,
    responses={200: ReportOut},
    tags=TAGS,
    secured=True,
)
async def kpi_report(request: web.Request) -> web.Response:
    require_role(request, *STAFF)
    query = parse_query(request, ReportsQuery)
    last = query.date_to or utcnow().astimezone(MSK).date()
    first = query.date_from or last - timedelta(days=REPORT_DAYS - 1)
    return model_answer(ReportOut, await reports.kpis(first, last))

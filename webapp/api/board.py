"""The managers' board: appointments by status column, and a card's history."""

from __future__ import annotations

from aiohttp import web

from domain.booking import board
from webapp.api.schemas import (
    BoardOut,
    BoardQuery,
    HistoryOut,
    cached_answer,
    model_answer,
    path_id,
    rendered,
)
from webapp.auth import STAFF, require_role
from webapp.errors import wire_fields
from webapp.openapi import documented
from webapp.validation import parse_query

routes = web.RouteTableDef()


@routes.get("/api/v1/dashboard/board")
@documented(
    "Appointments by status column for the MSK days asked (default: today and 14 days "
    "ahead), at most the first 92 of them (a period that ends before it starts has none)",
    query=BoardQuery,
    responses={200: BoardOut},
    tags=("board",),
    secured=True,
)
async def dashboard_board(request: web.Request) -> web.Response:
    require_role(request, *STAFF)
    query = parse_query(request, BoardQuery)
    first, last = board.board_range(query.date_from, query.date_to)

    async def build() -> tuple[object, None]:
        columns = await board.board(
            first, last, branch_id=query.branch_id, psychologist_id=query.psychologist_id
        )
        return rendered(BoardOut, {"columns": columns}), None

    key = ("board", first, last, query.branch_id, query.psychologist_id)
    return await cached_answer(request, key, build)


@routes.get("/api/v1/appointments/{id:\\d+}/history")
@documented(
    "What happened to an appointment, oldest first: who, what, when (from the audit log)",
    responses={200: HistoryOut, 404: "no such appointment"},
    tags=("board",),
    secured=True,
)
async def appointment_history(request: web.Request) -> web.Response:
    require_role(request, *STAFF)
    with wire_fields(appointment_id="id"):
        history = await board.appointment_history(path_id(request))
    return model_answer(HistoryOut, history)

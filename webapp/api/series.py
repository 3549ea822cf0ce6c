"""Weekly series: cancelling the rest of one (booking one is POST /api/v1/appointments with
`weeks`, in webapp/api/booking.py)."""

from __future__ import annotations

from aiohttp import web

from db.enums import Actor
from domain.booking import series
from webapp.api.booking import own_client
from webapp.api.schemas import SeriesCancelIn, SeriesCancelOut, model_answer, path_id
from webapp.auth import STAFF, require_role
from webapp.errors import wire_fields
from webapp.keys import SERVICES
from webapp.openapi import documented
from webapp.validation import parse_body

routes = web.RouteTableDef()


@routes.post("/api/v1/series/{id:\\d+}/cancel")
@documented(
    "Cancel the rest of a weekly series: its sessions still to come from the psychologist's "
    "local day `from` on (by default all of them), each as a single cancel (slot freed, both "
    "sides told); earlier ones stay. A client cancels its own series (another client's is a "
    "404, as a missing one), with late cancels counted as for a single one; managers and "
    "admins any",
    body=SeriesCancelIn,
    responses={
        200: SeriesCancelOut,
        403: "a psychologist, or a client not registered",
        404: "no such series among the caller's",
    },
    tags=("booking",),
    secured=True,
)
async def cancel_series(request: web.Request) -> web.Response:
    principal = require_role(request, Actor.CLIENT.value, *STAFF)
    body = await parse_body(request, SeriesCancelIn)
    mine: dict[str, int] = {}
    if principal.role == Actor.CLIENT:
        mine = {
            "client_id": (await own_client(principal)).id,
            "late_cancel_hours": request.config_dict[SERVICES].settings.late_cancel_hours,
        }
    with wire_fields(series_id="id", from_date="from"):
        done = await series.cancel_series(
            path_id(request), body.from_date, principal.initiator(), **mine
        )
    return model_answer(SeriesCancelOut, done)

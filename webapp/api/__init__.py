"""/api/v1: auth, catalogue, booking, board, live updates, import and reports;
staff administration; the client card; calendar feeds."""

from __future__ import annotations

from aiohttp import web

from webapp.api import (
    auth,
    board,
    booking,
    calendar,
    catalogue,
    client_card,
    live,
    me,
    series,
    staff,
    system,
    waitlist,
)


def setup(app: web.Application) -> None:
    """Add every /api/v1 route and the live hub to `app`."""
    for module in (
        auth,
        catalogue,
        booking,
        series,
        board,
        client_card,
        system,
        staff,
        me,
        calendar,
        waitlist,
    ):
        app.add_routes(module.routes)
    live.setup(app)

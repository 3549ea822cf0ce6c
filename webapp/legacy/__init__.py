"""The seed-000 HTTP API, path for path and format for format (DESIGN sections 5, 6, 8)."""

from aiohttp import web

from webapp.legacy import (
    conference,
    events,
    forms,
    help_hand,
    matching,
    reassignment,
    schedules,
    slots,
    webhooks,
)

routes: list[web.RouteTableDef] = [
    forms.routes,
    schedules.routes,
    slots.routes,
    matching.routes,
    reassignment.routes,
    help_hand.routes,
    events.routes,
    webhooks.routes,
    conference.routes,
]

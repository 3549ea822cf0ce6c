"""The integration HTTP API: the routes the CRM, the site's forms and the database webhook
call, with the paths and formats they were built against (kept exactly; the OpenAPI document
tags them "legacy: ...")."""

from aiohttp import web

from webapp.integrations import (
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

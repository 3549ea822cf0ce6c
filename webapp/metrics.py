"""GET /metrics (Prometheus text) and the middleware that counts every request.

A request is labelled by its route's template (`/api/v1/slots/{id}/hold`), so the series stay
few whatever paths callers make up (webapp.logs.route_of); a request no route matched is
`unmatched`. /metrics opens
to `Authorization: Bearer METRICS_TOKEN`, or, with no METRICS_TOKEN, to loopback callers only
(the address as the rate limiter finds it: a request forwarded by a trusted proxy is its
caller's, never loopback).
"""

from __future__ import annotations

import hmac
import ipaddress
import time

from aiohttp import web
from aiohttp.typedefs import Middleware
from prometheus_client import Histogram

from metrics import CONTENT_TYPE, Metrics
from services import Services
from webapp.errors import Handler, error_response
from webapp.keys import SERVICES
from webapp.logs import route_of
from webapp.openapi import documented
from webapp.ratelimit import client_address, trusted_networks

routes = web.RouteTableDef()


def counting_middleware(metrics: Metrics) -> Middleware:
    """The middleware that counts every request in `metrics.requests` (the app's first but
    one: it sees the status of every answer, refusals included)."""
    series: dict[tuple[str, str, int], Histogram] = {}  # labels() takes a lock: once a series

    @web.middleware
    async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            labels = (request.method, route_of(request), status)
            found = series.get(labels)
            if found is None:
                found = series[labels] = metrics.requests.labels(*labels[:2], str(status))
            found.observe(time.perf_counter() - started)

    return count


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def allowed(request: web.Request) -> bool:
    settings = request.config_dict[SERVICES].settings
    token = settings.metrics_token.get_secret_value()
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    return _is_loopback(client_address(request, trusted_networks(settings.trusted_proxies)))


@routes.get("/metrics")
@documented(
    "Prometheus metrics: requests, bookings, holds, sends, the outbox backlog, the due events' "
    "lag, cron runs, live sockets, read-cache hits (text/plain). Bearer METRICS_TOKEN, or "
    "loopback callers only when it is unset",
    responses={
        200: "the Prometheus text exposition format (text/plain; version=0.0.4)",
        401: "METRICS_TOKEN is set and the request does not carry it",
        403: "no METRICS_TOKEN, and the caller is not on loopback",
    },
    tags=("system",),
    secured=("metrics_token",),
    answer_media="text/plain",
)
async def metrics(request: web.Request) -> web.Response:
    if not allowed(request):
        if request.config_dict[SERVICES].settings.metrics_token.get_secret_value():
            return error_response(401, "unauthorized", "the metrics token is missing or wrong")
        return error_response(403, "forbidden", "metrics are served to loopback callers only")
    body = await request.config_dict[SERVICES].metrics.exposition()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


def metrics_app(services: Services) -> web.Application:
    """/metrics alone, for a process that serves no other HTTP (the worker)."""
    app = web.Application()
    app[SERVICES] = services
    app.add_routes(routes)
    return app

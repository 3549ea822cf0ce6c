"""The security headers of the web app's answers, set in one place for every route.

Every answer says `X-Content-Type-Options: nosniff`, so a JSON answer or an upload served back
is never run as a script or page. Every HTML answer carries a Content-Security-Policy that runs
scripts only from this server and telegram.org (the pages keep their data in non-executed
`<script type="application/json">` blocks, never in inline scripts), lets only this server and
Telegram's web client frame the page, and a `Referrer-Policy` that keeps the page's URL (its
fragment may hold a login token; its query a language) out of other sites' logs.
"""

from __future__ import annotations

from aiohttp import hdrs, web

TELEGRAM_SCRIPTS = "https://telegram.org"
TELEGRAM_WEB_CLIENT = "https://web.telegram.org"


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' {TELEGRAM_SCRIPTS}",
        # Inline styles stay allowed: FullCalendar adds its stylesheet as a <style>
        # element, and telegram-web-app.js adds one inside Telegram's web client (which
        # sends it the client's styles); a nonce would block the latter.
        "style-src 'self' 'unsafe-inline'",
        # the favicon is an empty data: URL (base.html); FullCalendar's icon font is inline
        "img-src 'self' data:",
        "font-src 'self' data:",
        # 'self' covers the live board's WebSocket (ws: / wss: of this host) too
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        f"frame-ancestors 'self' {TELEGRAM_WEB_CLIENT}",
    ]
)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: the headers of every answer, and of every HTML answer."""
    response.headers[hdrs.X_CONTENT_TYPE_OPTIONS] = "nosniff"
    # the media type read off the header as it is (`content_type` parses it: every answer)
    media_type = response.headers.get(hdrs.CONTENT_TYPE, "").partition(";")[0]
    if media_type.strip().lower() == "text/html":
        response.headers[hdrs.CONTENT_SECURITY_POLICY] = CONTENT_SECURITY_POLICY
        response.headers[hdrs.REFERRER_POLICY] = "no-referrer"


def setup(app: web.Application) -> None:
    """Send the headers with every answer of `app` and of its sub-apps (a sub-app's own hook,
    such as the sandbox chat's, runs after this one and may set its own policy)."""
    app.on_response_prepare.append(security_headers)

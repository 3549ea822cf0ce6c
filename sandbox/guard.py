"""What keeps other sites away from the ``/sandbox`` chat.

The chat acts as any user it is told to, so a page on another site must not be able to drive
it from a visitor's browser (CSRF): its calls that change something take only a JSON body
(a cross-site form cannot send one, and a cross-site ``fetch`` with it needs a CORS preflight
that nothing here answers), and a request whose ``Origin`` header names another site is
refused. The page itself is sent with a Content-Security-Policy that runs only its own
script and frames only the mini apps of this server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from aiohttp import hdrs, web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PUBLIC_ORIGIN = web.AppKey("sandbox_public_origin", str)
# Methods that only read: a page on another site may load them (the answers it cannot read).
READ_ONLY = frozenset({hdrs.METH_GET, hdrs.METH_HEAD, hdrs.METH_OPTIONS})


def json_error(status: int, error: str, reason: str, field: str | None = None) -> web.Response:
    """The chat API's refusal: a JSON body naming the field (if any) and the reason."""
    return web.json_response({"error": error, "reason": reason, "field": field}, status=status)


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased, as a browser's Origin header reads."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def same_origin(request: web.Request) -> bool:
    """No Origin header (not a browser's cross-site call), or this server's: as reached, or as
    PUBLIC_URL names it (behind a TLS proxy the two differ in scheme)."""
    origin = request.headers.get(hdrs.ORIGIN)
    if origin is None:
        return True
    own = {f"{request.scheme}://{request.host}".lower(), request.config_dict[PUBLIC_ORIGIN]}
    return origin.lower() in own - {""}


@web.middleware
async def refuse_foreign_calls(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A call that changes something needs this server's origin (when the browser names one)
    and a JSON body."""
    if request.method in READ_ONLY:
        return await handler(request)
    if not same_origin(request):
        return json_error(403, "forbidden", "cross-origin request: only the sandbox page may call")
    if request.content_type != "application/json":
        return json_error(
            415,
            "unsupported_media_type",
            "the body must be JSON (Content-Type: application/json)",
        )
    return await handler(request)


def content_security_policy(public_origin: str) -> str:
    # Mini apps open in the page's frame from the URL the bot's buttons carry (PUBLIC_URL),
    # which may differ from the address the page was reached at.
    frames = " ".join(dict.fromkeys(["'self'", public_origin] if public_origin else ["'self'"]))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            f"frame-src {frames}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers[hdrs.X_CONTENT_TYPE_OPTIONS] = "nosniff"
    if response.content_type == "text/html":
        response.headers[hdrs.CONTENT_SECURITY_POLICY] = content_security_policy(
            request.config_dict[PUBLIC_ORIGIN]
        )
        response.headers["Referrer-Policy"] = "no-referrer"


def protect(chat_app: web.Application, public_url: str) -> None:
    """Guard the chat sub-app's calls and send its answers with the security headers."""
    chat_app[PUBLIC_ORIGIN] = origin_of(public_url)
    chat_app.middlewares.append(refuse_foreign_calls)
    chat_app.on_response_prepare.append(_security_headers)

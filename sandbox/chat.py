"""The ``/sandbox`` web chat: a person talks to the bot in a browser through the Bot API emulator.

A sub-application mounted at ``/sandbox/`` (``GET /sandbox`` redirects there) with its own
Jinja2 environment: the page, its static files, JSON endpoints under ``/sandbox/api/`` that act
as any test user (``send_text``, ``send_contact``, ``press``, ``click``...) and a WebSocket that
streams the chat's changes from ``emulator.add_listener``. WebApp buttons open their URL with
initData signed for the user with the bot token, exactly as Telegram passes it.

It lets anyone act as anyone and signs initData for them, so it is mounted only when the bot
runs against the emulator (no ``BOT_TOKEN``), never with a real token; ``main.py`` refuses to
serve it where others can reach it unless ``SANDBOX=1``, and ``sandbox.guard`` keeps other
sites from driving it through a visitor's browser.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import time
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlencode

import aiohttp_jinja2
import jinja2
from aiohttp import WSCloseCode, web
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from sandbox.emulator import BotApiEmulator, SandboxError
from sandbox.guard import json_error, protect, same_origin
from sandbox.texts import PAGE_TEXTS

__all__ = [
    "SANDBOX_CHAT",
    "Persona",
    "SandboxChat",
    "setup_sandbox_chat",
    "sign_web_app_init_data",
]

logger = logging.getLogger(__name__)

JsonDict = dict[str, Any]
Model = TypeVar("Model", bound=BaseModel)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

PREFIX = "/sandbox"
HERE = Path(__file__).parent
WEB_APP_VERSION = "7.0"
# Telegram's light theme, passed to mini apps as tgWebAppThemeParams.
THEME_PARAMS = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#707579",
    "link_color": "#3390ec",
    "button_color": "#3390ec",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#f4f4f5",
}
PersonaRole = Literal["client", "psychologist", "manager"]
# The page suggests new users ids after this one and after every user's but the personas'.
FIRST_USER_ID = 100_000


@dataclass(frozen=True, slots=True)
class Persona:
    """A ready-made user the page offers in one click, with what to try as them (its hint is
    PAGE_TEXTS' ``hint_<role>``)."""

    role: PersonaRole
    user_id: int
    first_name: str


NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9]{7,15}$")]
UserId = Annotated[int, Field(ge=1, le=2**52)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewUser(_Body):
    id: UserId | None = None
    first_name: Annotated[NonBlank, StringConstraints(max_length=64)]
    language_code: Literal["ru", "en"] = "ru"
    username: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_]{5,32}$")] | None = None
    phone: Phone | None = None


class TextBody(_Body):
    text: Annotated[NonBlank, StringConstraints(max_length=4096)]


class ContactBody(_Body):
    phone: Phone | None = None


class PressBody(_Body):
    text: NonBlank


class ClickBody(_Body):
    message_id: int
    callback_data: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class WebAppBody(_Body):
    source: Literal["inline", "reply", "menu"]
    url: NonBlank
    message_id: int | None = None


class WebAppDataBody(_Body):
    data: Annotated[str, StringConstraints(min_length=1, max_length=4096)]
    button_text: NonBlank


def sign_web_app_init_data(
    token: str,
    user: JsonDict,
    *,
    query_id: str | None = None,
    auth_date: int | None = None,
    extra: dict[str, str] | None = None,
) -> str:
    """Telegram WebApp initData for ``user``, signed with the bot token as Telegram signs it.

    hash = HMAC_SHA256(HMAC_SHA256("WebAppData", token), data_check_string), where the
    data_check_string is the sorted ``key=value`` lines of every other field.
    """
    fields = {
        "auth_date": str(int(time.time()) if auth_date is None else auth_date),
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        **(extra or {}),
    }
    if query_id is not None:
        fields["query_id"] = query_id
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


def web_app_launch_url(url: str, init_data: str) -> str:
    """The mini app URL with the launch parameters in its fragment, as Telegram opens it."""
    base = url.split("#", 1)[0]
    fragment = urlencode(
        {
            "tgWebAppData": init_data,
            "tgWebAppVersion": WEB_APP_VERSION,
            "tgWebAppPlatform": "web",
            "tgWebAppThemeParams": json.dumps(THEME_PARAMS, separators=(",", ":")),
        }
    )
    return f"{base}#{fragment}"


def _web_app_user(user: JsonDict) -> JsonDict:
    """The WebAppUser object Telegram puts in initData."""
    shown = {key: user[key] for key in ("id", "first_name") if key in user}
    for key in ("last_name", "username", "language_code"):
        if user.get(key):
            shown[key] = user[key]
    shown["allows_write_to_pm"] = True
    return shown


def _inline_rows(message: JsonDict) -> list[list[JsonDict]]:
    markup = message.get("reply_markup") or {}
    return markup.get("inline_keyboard") or []


def _message_view(message: JsonDict) -> JsonDict:
    """What the page draws of a message: its kind, text, entities and inline keyboard."""
    view: JsonDict = {
        "message_id": message["message_id"],
        "from_bot": bool(message["from"].get("is_bot")),
        "date": message.get("date"),
        "edited": "edit_date" in message,
        "text": message.get("text", message.get("caption", "")),
        "entities": message.get("entities", message.get("caption_entities", [])),
        "inline_keyboard": _inline_rows(message),
    }
    for kind in ("contact", "photo", "document", "web_app_data"):
        if kind in message:
            view["kind"] = kind
            break
    else:
        view["kind"] = "text"
    if "contact" in message:
        view["contact"] = message["contact"]
    if "document" in message:
        view["file_name"] = message["document"].get("file_name", "")
    if "web_app_data" in message:
        view["web_app_data"] = message["web_app_data"]
    return view


@web.middleware
async def _json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Bad input of the page's calls answers a 400 naming the field, never a traceback."""
    try:
        return await handler(request)
    except ValidationError as exc:
        problem = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(part) for part in problem["loc"]) or None
        return json_error(400, "invalid", problem["msg"], where)
    except SandboxError as exc:
        return json_error(400, "invalid", str(exc))


async def _parse(request: web.Request, model: type[Model]) -> Model:
    try:
        data = await request.json()
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise web.HTTPBadRequest(
            text=json.dumps({"error": "invalid", "reason": "a JSON body is required"}),
            content_type="application/json",
        ) from None
    return model.model_validate(data)


@dataclass(eq=False)
class SandboxChat:
    """The page's view of the emulator for one bot token."""

    emulator: BotApiEmulator
    token: str
    personas: tuple[Persona, ...] = ()
    # Phones the page registered, so the contact button shares the one the user was given.
    phones: dict[int, str] = field(default_factory=dict)
    sockets: weakref.WeakSet[web.WebSocketResponse] = field(default_factory=weakref.WeakSet)

    @property
    def bot_id(self) -> int:
        return int(self.emulator.bot_user(self.token)["id"])

    def phone_of(self, user_id: int) -> str:
        """The phone the user shares: the registered one, or a valid Russian mobile number."""
        return self.phones.get(user_id) or f"+7900{user_id % 10_000_000:07d}"

    def user_view(self, user: JsonDict) -> JsonDict:
        return {**user, "phone": self.phone_of(int(user["id"]))}

    def known_user(self, user_id: int) -> JsonDict:
        for user in self.emulator.users():
            if user["id"] == user_id:
                return user
        raise web.HTTPNotFound(
            text=json.dumps({"error": "not_found", "reason": f"no user {user_id}"}),
            content_type="application/json",
        )

    def next_user_id(self) -> int:
        """An id after every user's but the personas' (theirs are far out of the way)."""
        reserved = {persona.user_id for persona in self.personas}
        ids = (int(u["id"]) for u in self.emulator.users() if int(u["id"]) not in reserved)
        return max(ids, default=FIRST_USER_ID) + 1

    def persona_user(self, role: str) -> JsonDict:
        """The persona's user, registered with the emulator on first use."""
        for persona in self.personas:
            if persona.role == role:
                known = {int(u["id"]) for u in self.emulator.users()}
                if persona.user_id not in known:
                    self.emulator.user(
                        persona.user_id,
                        persona.first_name,
                        language_code="ru",
                        phone=self.phone_of(persona.user_id),
                    )
                return self.known_user(persona.user_id)
        raise web.HTTPNotFound(
            text=json.dumps({"error": "not_found", "reason": f"no persona {role}"}),
            content_type="application/json",
        )

    def commands(self, user: JsonDict) -> list[JsonDict]:
        """The command list Telegram shows this user: the narrowest scope and language set."""
        language = user.get("language_code") or ""
        for scope in (
            {"type": "chat", "chat_id": user["id"]},
            {"type": "all_private_chats"},
            {"type": "default"},
        ):
            for code in (language, ""):
                found = self.emulator.my_commands(self.token, scope, code)
                if found:
                    return found
        return []

    def chat_state(self, user: JsonDict) -> JsonDict:
        """What surrounds the message list: the reply keyboard, the menu button, commands."""
        user_id = int(user["id"])
        return {
            "reply_keyboard": self.emulator.reply_keyboard(user_id, self.token),
            "menu_button": self.emulator.menu_button(self.token, user_id),
            "commands": self.commands(user),
        }

    def snapshot(self, user: JsonDict) -> JsonDict:
        user_id = int(user["id"])
        bot = self.emulator.bot_user(self.token)
        return {
            "type": "snapshot",
            "user": self.user_view(user),
            "bot": {key: bot[key] for key in ("id", "first_name", "username")},
            "messages": [_message_view(m) for m in self.emulator.messages(user_id, self.token)],
            **self.chat_state(user),
        }

    def event_view(self, event: JsonDict, user: JsonDict) -> JsonDict:
        kind = event["type"]
        if kind in {"message", "edited"}:
            shown: JsonDict = {"type": kind, "message": _message_view(event["message"])}
        elif kind == "deleted":
            shown = {"type": kind, "message_id": event["message_id"]}
        else:
            answer = event["answer"]
            shown = {
                "type": kind,
                "text": answer.get("text"),
                "show_alert": answer.get("show_alert", False),
                "url": answer.get("url"),
            }
        return {**shown, **self.chat_state(user)}

    def web_app_url(self, user: JsonDict, body: WebAppBody) -> str:
        """The signed launch URL of a web_app button the user sees now; 400 for any other."""
        user_id = int(user["id"])
        if body.source == "inline":
            messages = [
                m
                for m in self.emulator.sent(user_id, self.token)
                if m["message_id"] == body.message_id
            ]
            buttons = [b for m in messages for row in _inline_rows(m) for b in row]
        elif body.source == "reply":
            keyboard = self.emulator.reply_keyboard(user_id, self.token) or {}
            buttons = [b for row in keyboard.get("keyboard") or [] for b in row]
        else:
            buttons = [self.emulator.menu_button(self.token, user_id)]
        urls = {
            b["web_app"].get("url")
            for b in buttons
            if isinstance(b, dict) and isinstance(b.get("web_app"), dict)
        }
        if body.url not in urls:
            raise SandboxError(f"the chat shows no {body.source} web_app button for {body.url}")
        # Telegram gives a query_id (for answerWebAppQuery) to mini apps opened from an inline
        # or menu button; one opened from a reply keyboard button can only sendData.
        query_id = None if body.source == "reply" else "AAH" + secrets.token_urlsafe(18)
        init_data = sign_web_app_init_data(self.token, _web_app_user(user), query_id=query_id)
        return web_app_launch_url(body.url, init_data)


SANDBOX_CHAT = web.AppKey("sandbox_chat", SandboxChat)
SANDBOX_JINJA = web.AppKey("sandbox_jinja", jinja2.Environment)

routes = web.RouteTableDef()


def _chat(request: web.Request) -> SandboxChat:
    return request.config_dict[SANDBOX_CHAT]


def _path_user(request: web.Request) -> JsonDict:
    raw = request.match_info["user_id"]
    if not raw.isdigit():
        raise web.HTTPNotFound(
            text=json.dumps({"error": "not_found", "reason": f"no user {raw}"}),
            content_type="application/json",
        )
    return _chat(request).known_user(int(raw))


def _accepted(update: JsonDict | None = None) -> web.Response:
    body: JsonDict = {"ok": True}
    if update is not None:
        body["update_id"] = update["update_id"]
    return web.json_response(body)


@routes.get("/", name="page")
async def page(request: web.Request) -> web.Response:
    chat = _chat(request)
    context = {
        "texts": PAGE_TEXTS,
        "config": {
            "api": f"{PREFIX}/api",
            "next_user_id": chat.next_user_id(),
            "personas": [
                {"role": p.role, "user_id": p.user_id, "first_name": p.first_name}
                for p in chat.personas
            ],
        },
    }
    return aiohttp_jinja2.render_template("chat.html", request, context, app_key=SANDBOX_JINJA)


@routes.get("/api/users")
async def list_users(request: web.Request) -> web.Response:
    chat = _chat(request)
    bot = chat.emulator.bot_user(chat.token)
    return web.json_response(
        {
            "bot": {key: bot[key] for key in ("id", "first_name", "username")},
            "users": [chat.user_view(u) for u in chat.emulator.users()],
            "next_user_id": chat.next_user_id(),
        }
    )


@routes.post("/api/users")
async def create_user(request: web.Request) -> web.Response:
    chat = _chat(request)
    body = await _parse(request, NewUser)
    user_id = body.id or chat.next_user_id()
    if body.phone:
        chat.phones[user_id] = body.phone
    user = chat.emulator.user(
        user_id,
        body.first_name,
        username=body.username,
        language_code=body.language_code,
        phone=chat.phone_of(user_id),
    )
    return web.json_response(chat.user_view(user), status=201)


@routes.post("/api/personas/{role}")
async def select_persona(request: web.Request) -> web.Response:
    chat = _chat(request)
    return web.json_response(chat.user_view(chat.persona_user(request.match_info["role"])))


@routes.get("/api/chats/{user_id}")
async def history(request: web.Request) -> web.Response:
    return web.json_response(_chat(request).snapshot(_path_user(request)))


@routes.post("/api/chats/{user_id}/text")
async def send_text(request: web.Request) -> web.Response:
    chat, user = _chat(request), _path_user(request)
    body = await _parse(request, TextBody)
    return _accepted(chat.emulator.send_text(chat.token, user["id"], body.text))


@routes.post("/api/chats/{user_id}/contact")
async def send_contact(request: web.Request) -> web.Response:
    chat, user = _chat(request), _path_user(request)
    body = await _parse(request, ContactBody)
    phone = body.phone or chat.phone_of(user["id"])
    return _accepted(chat.emulator.send_contact(chat.token, user["id"], phone))


@routes.post("/api/chats/{user_id}/press")
async def press(request: web.Request) -> web.Response:
    chat, user = _chat(request), _path_user(request)
    body = await _parse(request, PressBody)
    return _accepted(chat.emulator.press(chat.token, user["id"], body.text))


@routes.post("/api/chats/{user_id}/click")
async def click(request: web.Request) -> web.Response:
    chat, user = _chat(request), _path_user(request)
    body = await _parse(request, ClickBody)
    query_id = chat.emulator.click(chat.token, user["id"], body.message_id, body.callback_data)
    return web.json_response({"ok": True, "callback_query_id": query_id})


@routes.post("/api/chats/{user_id}/web-app")
async def open_web_app(request: web.Request) -> web.Response:
    chat, user = _chat(request), _path_user(request)
    body = await _parse(request, WebAppBody)
    return web.json_response({"url": chat.web_app_url(user, body)})


@routes.post("/api/chats/{user_id}/web-app-data")
async def send_web_app_data(request: web.Request) -> web.Response:
    chat, user = _chat(request), _path_user(request)
    body = await _parse(request, WebAppDataBody)
    keyboard = chat.emulator.reply_keyboard(user["id"], chat.token) or {}
    if not any(
        isinstance(b, dict) and b.get("web_app") and b.get("text") == body.button_text
        for row in keyboard.get("keyboard") or []
        for b in row
    ):
        raise SandboxError(f"the chat shows no reply web_app button {body.button_text!r}")
    update = chat.emulator.send_web_app_data(chat.token, user["id"], body.data, body.button_text)
    return _accepted(update)


@routes.get("/api/chats/{user_id}/updates")
async def updates(request: web.Request) -> web.WebSocketResponse:
    """A snapshot of the chat, then each change as it happens."""
    if not same_origin(request):
        raise web.HTTPForbidden(
            text=json.dumps({"error": "forbidden", "reason": "cross-origin WebSocket"}),
            content_type="application/json",
        )
    chat, user = _chat(request), _path_user(request)
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    chat.sockets.add(ws)
    bot_id, user_id = chat.bot_id, int(user["id"])
    queue: asyncio.Queue[JsonDict] = asyncio.Queue()

    def listen(event: JsonDict) -> None:
        if event.get("bot_id") == bot_id and event.get("chat_id") == user_id:
            queue.put_nowait(event)

    async def pump() -> None:
        while True:
            event = await queue.get()
            await ws.send_json(chat.event_view(event, user))

    # Listen before the snapshot so nothing falls between; the page applies events idempotently.
    remove = chat.emulator.add_listener(listen)
    sender: asyncio.Task[None] | None = None
    try:
        await ws.send_json(chat.snapshot(user))
        sender = asyncio.create_task(pump())
        async for _message in ws:
            pass  # the page only listens
    finally:
        remove()
        if sender is not None:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await sender
    return ws


async def _close_sockets(app: web.Application) -> None:
    for ws in list(app[SANDBOX_CHAT].sockets):
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")


async def _redirect_to_page(request: web.Request) -> web.Response:
    query = f"?{request.query_string}" if request.query_string else ""
    raise web.HTTPFound(f"{PREFIX}/{query}")


def setup_sandbox_chat(
    app: web.Application,
    emulator: BotApiEmulator,
    token: str,
    *,
    public_url: str = "",
    personas: Sequence[Persona] = (),
) -> None:
    """Mount the chat page for the bot with ``token`` at ``/sandbox`` of ``app``.

    A sub-app with its own Jinja2 environment serves ``/sandbox/`` (the page),
    ``/sandbox/static/`` and ``/sandbox/api/``; ``GET /sandbox`` redirects to the page.
    ``public_url`` (PUBLIC_URL) is this server's address as the mini-app buttons name it;
    ``personas`` are the users the page offers in one click.
    """
    chat_app = web.Application(middlewares=[_json_errors])
    protect(chat_app, public_url)
    chat = chat_app[SANDBOX_CHAT] = SandboxChat(emulator, token, tuple(personas))
    # The team's personas have chats from the start, as staff who opened the bot would: what
    # the bot tells them meanwhile (the demo's new bookings, their commands) waits there.
    for persona in chat.personas:
        if persona.role != "client":
            chat.persona_user(persona.role)
    aiohttp_jinja2.setup(
        chat_app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True),
        app_key=SANDBOX_JINJA,
    )
    chat_app.router.add_static("/static", HERE / "static", name="static")
    chat_app.add_routes(routes)
    chat_app.on_shutdown.append(_close_sockets)
    # The exact path first: the sub-app would otherwise claim "/sandbox" and answer 404.
    app.router.add_get(PREFIX, _redirect_to_page)
    app.add_subapp(PREFIX, chat_app)

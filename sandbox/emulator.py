"""An in-memory Telegram Bot API server over real HTTP, for running and testing bots offline.

The bot side talks HTTP exactly as to api.telegram.org (``{base}/bot{token}/{method}``); the
person side is a Python API (``send_text``, ``click``, ``sent``...) used by tests and by the
sandbox chat page. State lives in memory and every Bot API call is O(1) in the size of the chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import inspect
import itertools
import json
import logging
import math
import re
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from sandbox.formatting import EntityParseError, detect_entities, parse_text

if TYPE_CHECKING:
    from aiogram import Bot

__all__ = [
    "EMULATOR_KEY",
    "SANDBOX_TOKEN",
    "ApiError",
    "BotApiEmulator",
    "SandboxError",
    "UploadedFile",
    "run_emulator",
]

SANDBOX_TOKEN = "123456789:SANDBOX-token-for-local-runs"

logger = logging.getLogger(__name__)

JsonDict = dict[str, Any]
Listener = Callable[[JsonDict], None]
Handler = Callable[["BotState", "Params"], Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_POLL_TIMEOUT = 50
_TOKEN_RE = re.compile(r"^(\d{1,20}):(.+)$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_INLINE_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_GETUPDATES_WITH_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_GETUPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_QUERY_INVALID = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


class SandboxError(RuntimeError):
    """The person side asked for something impossible (a missing button, an unknown bot...)."""


class ApiError(Exception):
    """A Telegram-shaped error answer."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass(slots=True, frozen=True)
class UploadedFile:
    """A file field of a multipart request."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass(slots=True)
class Fault:
    status: int
    remaining: int
    retry_after: int | None
    description: str
    chat_id: int | None
    token: str | None

    def error(self) -> ApiError:
        return ApiError(self.status, self.description, self.retry_after)


@dataclass(slots=True, eq=False)
class ChatState:
    """One private chat between a bot and a person: its messages share one id sequence."""

    chat: JsonDict
    messages: dict[int, JsonDict] = field(default_factory=dict)
    deleted: dict[int, JsonDict] = field(default_factory=dict)
    next_message_id: int = 1
    send_times: list[float] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    # The reply keyboard a person sees now: it stays until another one or a removal is sent.
    keyboard: JsonDict | None = None


@dataclass(slots=True, eq=False)
class BotState:
    token: str
    user: JsonDict
    # The short User object Telegram puts in "from" of the bot's messages.
    sender: JsonDict
    chats: dict[int, ChatState] = field(default_factory=dict)
    pending: deque[JsonDict] = field(default_factory=deque)
    next_update_id: int = 1
    poll_waiter: asyncio.Future[bool] | None = None
    webhook: JsonDict | None = None
    webhook_workers: list[asyncio.Task[None]] = field(default_factory=list)
    webhook_wakeup: asyncio.Event | None = None
    inflight: dict[int, JsonDict] = field(default_factory=dict)
    last_error_date: int | None = None
    last_error_message: str | None = None
    commands: dict[str, list[JsonDict]] = field(default_factory=dict)
    menu_buttons: dict[int | None, JsonDict] = field(default_factory=dict)
    profile: dict[str, str] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    queries: dict[str, JsonDict] = field(default_factory=dict)
    recent_sends: deque[float] = field(default_factory=lambda: deque(maxlen=4096))

    @property
    def id(self) -> int:
        return int(self.user["id"])


class Params:
    """Typed access to a call's parameters, which arrive as strings or as decoded JSON."""

    __slots__ = ("raw",)

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    def value(self, name: str) -> Any:
        value = self.raw.get(name)
        return None if value == "" else value

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.value(name)
        if value is None:
            return default
        if isinstance(value, str):
            return value
        if isinstance(value, UploadedFile):
            return value.data.decode(errors="replace")
        return json.dumps(value) if isinstance(value, dict | list) else str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.value(name)
        if value is None:
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ApiError(400, f"Bad Request: invalid {name} specified") from None

    def number(self, name: str) -> int:
        value = self.integer(name)
        if value is None:
            raise ApiError(400, f"Bad Request: {name} is empty")
        return value

    def flag(self, name: str) -> bool:
        value = self.value(name)
        if isinstance(value, str):
            return value.strip().lower() in {"true", "1", "yes", "on"}
        return bool(value)

    def obj(self, name: str, what: str | None = None) -> Any:
        """A JSON-typed field; decoded once and kept decoded so the request log shows it."""
        value = self.value(name)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                description = f"Bad Request: can't parse {what or name} JSON object"
                raise ApiError(400, description) from None
            self.raw[name] = value
        return value


def _default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _public(message: JsonDict) -> JsonDict:
    """The message as Telegram returns it: only an inline keyboard is echoed in reply_markup."""
    markup = message.get("reply_markup")
    if markup is None or "inline_keyboard" in markup:
        return message
    return {key: value for key, value in message.items() if key != "reply_markup"}


def _buttons(markup: JsonDict | None, kind: str) -> list[Any]:
    if not markup:
        return []
    return [button for row in markup.get(kind) or () for button in row]


def _button_text(button: Any) -> str:
    return button if isinstance(button, str) else str(button.get("text", ""))


class BotApiEmulator:
    """The Telegram Bot API for any number of bots, plus the people who talk to them."""

    def __init__(self, *, request_log_size: int = 50_000, history_limit: int = 10_000) -> None:
        """``request_log_size`` calls and ``history_limit`` messages per chat are kept.

        The limits bound memory under long benchmarks; tests stay far below them.
        """
        self.base_url: str | None = None
        self.history_limit = history_limit
        self.webhook_retries = 3
        self.webhook_retry_delay = 0.1
        self.webhook_timeout = 10.0
        self._bots: dict[str, BotState] = {}
        self._users: dict[int, JsonDict] = {}
        self._phones: dict[int, str] = {}
        self._blocked_everywhere: set[int] = set()
        self._faults: dict[str, list[Fault]] = {}
        self._latency = 0.0
        self._per_chat_limit: int | None = None
        self._overall_limit: int | None = None
        self._log: deque[JsonDict] = deque(maxlen=request_log_size)
        self._answers: list[JsonDict] = []
        self._files: dict[str, JsonDict] = {}
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._listeners: list[Listener] = []
        self._change: asyncio.Event | None = None
        self._http: aiohttp.ClientSession | None = None
        # TLS for webhook deliveries: Telegram trusts a self-signed certificate uploaded with
        # setWebhook; here the caller passes a context that trusts it.
        self.webhook_ssl: ssl.SSLContext | None = None
        self._closed = False
        self._methods: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._ok,
                "close": self._ok,
                "getUpdates": self._get_updates,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "editMessageText": self._edit_message_text,
                "editMessageCaption": self._edit_message_caption,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "deleteMessage": self._delete_message,
                "deleteMessages": self._delete_messages,
                "answerCallbackQuery": self._answer_callback_query,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "setChatMenuButton": self._set_chat_menu_button,
                "getChatMenuButton": self._get_chat_menu_button,
                "setMyName": self._profile_setter("name"),
                "getMyName": self._profile_getter("name"),
                "setMyDescription": self._profile_setter("description"),
                "getMyDescription": self._profile_getter("description"),
                "setMyShortDescription": self._profile_setter("short_description"),
                "getMyShortDescription": self._profile_getter("short_description"),
                "getChat": self._get_chat,
                "sendChatAction": self._send_chat_action,
                "getFile": self._get_file,
            }.items()
        }

    # -----------------------------------------------------------------------------------------
    # HTTP wiring

    def routes(self) -> list[web.RouteDef]:
        """Telegram's URL layout: ``/bot{token}/{method}`` and ``/file/bot{token}/{path}``."""
        return [
            web.post("/bot{token}/{method}", self._handle),
            web.get("/bot{token}/{method}", self._handle),
            web.get("/file/bot{token}/{path:.+}", self._handle_file),
        ]

    def attach(self, app: web.Application) -> None:
        """Serve the Bot API from ``app`` and release the emulator's resources with it."""
        app.add_routes(self.routes())
        if EMULATOR_KEY not in app:
            app[EMULATOR_KEY] = self
        app.on_cleanup.append(self._on_cleanup)

    def create_app(self) -> web.Application:
        """A standalone application serving only the Bot API."""
        # Telegram accepts uploads up to 50 MB
        app = web.Application(client_max_size=50 * 1024 * 1024)
        self.attach(app)
        return app

    def make_bot(self, token: str = SANDBOX_TOKEN, **kwargs: Any) -> Bot:
        """An aiogram Bot talking to this emulator (the caller closes its session)."""
        from aiogram import Bot  # noqa: PLC0415 - the emulator itself does not need aiogram
        from aiogram.client.session.aiohttp import AiohttpSession  # noqa: PLC0415
        from aiogram.client.telegram import TelegramAPIServer  # noqa: PLC0415

        if self.base_url is None:
            raise SandboxError("the emulator is not serving yet; use run_emulator()")
        api = TelegramAPIServer.from_base(self.base_url)
        return Bot(token, session=AiohttpSession(api=api), **kwargs)

    async def _on_cleanup(self, _app: web.Application) -> None:
        await self.close()

    async def close(self) -> None:
        """Answer waiting long polls, stop webhook delivery and close the HTTP client."""
        self._closed = True
        for bot in self._bots.values():
            if bot.poll_waiter is not None and not bot.poll_waiter.done():
                bot.poll_waiter.set_result(True)
            await self._stop_webhook(bot)
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def _handle(self, request: web.Request) -> web.Response:
        try:
            params = await self._read_params(request)
        except ApiError as exc:
            return self._response(exc.status, exc.payload())
        status, payload = await self.call(
            request.match_info["token"], request.match_info["method"], params
        )
        return self._response(status, payload)

    @staticmethod
    def _response(status: int, payload: JsonDict) -> web.Response:
        return web.Response(
            text=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            status=status,
            content_type="application/json",
        )

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        path = request.match_info["path"]
        stored = next((f for f in self._files.values() if f["file_path"] == path), None)
        if token not in self._bots or stored is None or stored.get("data") is None:
            return self._response(404, ApiError(404, "Not Found").payload())
        return web.Response(body=stored["data"], content_type="application/octet-stream")

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query) if request.query_string else {}
        if not request.body_exists:
            return params
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON request body must be an object")
            params.update(body)
        elif content_type == "multipart/form-data":
            reader = await request.multipart()
            params.update(await _read_multipart(reader))
        else:
            params.update(await request.post())
        return params

    async def call(
        self, token: str, method: str, params: dict[str, Any], *, via: str = "http"
    ) -> tuple[int, JsonDict]:
        """Run one Bot API method; answer (HTTP status, Telegram-shaped body)."""
        name = method
        bot_id: int | None = None
        status = 200
        try:
            if self._latency:
                await asyncio.sleep(self._latency)
            bot = self._bot_for_token(token)
            bot_id = bot.id
            entry = self._methods.get(method.lower())
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            name, handler = entry
            call_params = Params(params)
            if self._faults:
                self._take_fault(name, bot, call_params)
            result = handler(bot, call_params)
            if inspect.isawaitable(result):
                result = await result
            payload: JsonDict = {"ok": True, "result": result}
        except ApiError as exc:
            status = exc.status
            payload = exc.payload()
        except Exception as exc:
            logger.exception("sandbox emulator failed on %s", method)
            status = 500
            payload = ApiError(500, f"Internal Server Error: {exc!r}").payload()
        entry_log: JsonDict = {
            "method": name,
            "bot_id": bot_id,
            "params": params,
            "time": time.monotonic(),
            "status": status,
            "via": via,
        }
        if status != 200:
            entry_log["description"] = payload["description"]
        self._log.append(entry_log)
        if self._change is not None:
            self._changed()
        return status, payload

    # -----------------------------------------------------------------------------------------
    # State helpers

    def _bot_for_token(self, token: str) -> BotState:
        bot = self._bots.get(token)
        if bot is not None:
            return bot
        match = _TOKEN_RE.match(token)
        if match is None:
            raise ApiError(401, "Unauthorized")
        bot_id = int(match.group(1))
        user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Sandbox Bot",
            "username": "sandbox_bot" if token == SANDBOX_TOKEN else f"sandbox{bot_id}_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        bot = BotState(
            token=token,
            user=user,
            sender={k: user[k] for k in ("id", "is_bot", "first_name", "username")},
            blocked=set(self._blocked_everywhere),
        )
        self._bots[token] = bot
        return bot

    def _bot(self, token: str) -> BotState:
        try:
            return self._bot_for_token(token)
        except ApiError:
            raise SandboxError(f"not a bot token: {token!r} (want '<digits>:<text>')") from None

    def _bots_for(self, token: str | None) -> Iterable[BotState]:
        return [self._bot(token)] if token is not None else list(self._bots.values())

    def _private_chat(self, user: JsonDict) -> JsonDict:
        chat: JsonDict = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if user.get(key):
                chat[key] = user[key]
        return chat

    def _chat(self, bot: BotState, chat_id: int) -> ChatState | None:
        """The chat with this bot, created on first use for a known person."""
        chat = bot.chats.get(chat_id)
        if chat is None and chat_id in self._users:
            chat = ChatState(chat=self._private_chat(self._users[chat_id]))
            bot.chats[chat_id] = chat
        return chat

    def _target(self, bot: BotState, params: Params, *, sending: bool = True) -> ChatState:
        """The chat a call addresses: 400 when unknown, 403 when the person blocked the bot."""
        raw = params.value("chat_id")
        if raw is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None
        chat = self._chat(bot, chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if sending and chat_id in bot.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _store(self, chat: ChatState, sender: JsonDict, fields: JsonDict) -> JsonDict:
        message_id = chat.next_message_id
        chat.next_message_id += 1
        message = {
            "message_id": message_id,
            "from": sender,
            "chat": chat.chat,
            "date": int(time.time()),
            **fields,
        }
        chat.messages[message_id] = message
        if len(chat.messages) > self.history_limit:
            # dicts keep insertion order: the first key is the oldest message
            del chat.messages[next(iter(chat.messages))]
        return message

    def _enqueue(self, bot: BotState, kind: str, payload: JsonDict) -> JsonDict:
        update = {"update_id": bot.next_update_id, kind: payload}
        bot.next_update_id += 1
        bot.pending.append(update)
        if bot.webhook is not None:
            if bot.webhook_wakeup is not None:
                bot.webhook_wakeup.set()
        elif bot.poll_waiter is not None and not bot.poll_waiter.done():
            bot.poll_waiter.set_result(True)
        return update

    def _emit(self, event: JsonDict) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("sandbox listener failed")
        self._changed()

    def _changed(self) -> None:
        event = self._change
        if event is not None:
            self._change = None
            event.set()

    def _take_fault(self, name: str, bot: BotState, params: Params) -> None:
        faults = self._faults.get(name.lower())
        if not faults:
            return
        for fault in faults:
            if fault.token is not None and fault.token != bot.token:
                continue
            if fault.chat_id is not None and str(params.value("chat_id")) != str(fault.chat_id):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.remove(fault)
            raise fault.error()

    def _check_rate(self, bot: BotState, chat: ChatState, now: float) -> None:
        for limit, times in (
            (self._per_chat_limit, chat.send_times),
            (self._overall_limit, bot.recent_sends),
        ):
            if limit and len(times) >= limit and now - times[-limit] < 1.0:
                retry_after = max(1, math.ceil(1.0 - (now - times[-limit])))
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def _reply_markup(self, params: Params, *, inline_only: bool = False) -> JsonDict | None:
        markup = params.obj("reply_markup", "reply keyboard markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            self._check_inline_keyboard(markup["inline_keyboard"])
            return markup
        if inline_only:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
                raise ApiError(400, 'Bad Request: field "keyboard" must be an Array')
            for button in itertools.chain.from_iterable(rows):
                if not _button_text(button):
                    raise ApiError(400, "Bad Request: can't parse keyboard button: text is empty")
            return markup
        if markup.get("remove_keyboard") or markup.get("force_reply"):
            return markup
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_inline_keyboard(rows: Any) -> None:
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, 'Bad Request: field "inline_keyboard" must be an Array')
        for button in itertools.chain.from_iterable(rows):
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError(
                    400, "Bad Request: can't parse inline keyboard button: text is empty"
                )
            if not _INLINE_ACTIONS & button.keys():
                raise ApiError(
                    400,
                    "Bad Request: can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard",
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            for key in ("url",):
                if key in button:
                    _check_url(button[key], f"inline keyboard button URL '{button[key]}'")
            if "web_app" in button:
                web_app = button["web_app"]
                if not isinstance(web_app, dict) or "url" not in web_app:
                    raise ApiError(400, "Bad Request: BUTTON_TYPE_INVALID")
                _check_url(web_app["url"], f"Web App URL '{web_app['url']}'")

    @staticmethod
    def _formatted(
        params: Params, text_field: str, entities_field: str, *, caption: bool = False
    ) -> tuple[str, list[JsonDict]]:
        text = params.text(text_field, "") or ""
        entities = params.obj(entities_field)
        try:
            plain, parsed = parse_text(text, params.text("parse_mode"), entities)
        except EntityParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if caption:
            if len(plain) > MAX_CAPTION_LENGTH:
                raise ApiError(400, "Bad Request: message caption is too long")
            return plain, parsed
        if not plain:
            raise ApiError(400, "Bad Request: message text is empty")
        if len(plain) > MAX_TEXT_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return plain, parsed

    def _common_fields(self, chat: ChatState, params: Params, fields: JsonDict) -> JsonDict:
        """reply_markup, reply_parameters and protect_content, shared by every send method."""
        markup = self._reply_markup(params)
        reply = params.obj("reply_parameters")
        legacy_reply = params.integer("reply_to_message_id")
        if reply is None and legacy_reply is not None:
            reply = {"message_id": legacy_reply}
        if isinstance(reply, dict) and reply.get("message_id") is not None:
            reply_chat = reply.get("chat_id")
            if reply_chat is not None and str(reply_chat) != str(chat.chat["id"]):
                raise ApiError(400, "Bad Request: message to be replied not found")
            target = chat.messages.get(int(reply["message_id"]))
            if target is not None:
                replied = {k: v for k, v in _public(target).items() if k != "reply_to_message"}
                fields["reply_to_message"] = replied
            elif not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
        if params.flag("protect_content"):
            fields["has_protected_content"] = True
        if markup is not None:
            fields["reply_markup"] = markup
        return fields

    def _send(self, bot: BotState, chat: ChatState, fields: JsonDict) -> JsonDict:
        """Store a bot message after the rate checks; answer its public form."""
        now = time.monotonic()
        if self._per_chat_limit or self._overall_limit:
            self._check_rate(bot, chat, now)
        message = self._store(chat, bot.sender, fields)
        chat.send_times.append(now)
        if len(chat.send_times) > 2 * self.history_limit:
            del chat.send_times[: -self.history_limit]
        bot.recent_sends.append(now)
        markup = fields.get("reply_markup")
        if markup is not None:
            if "keyboard" in markup:
                chat.keyboard = markup
            elif markup.get("remove_keyboard"):
                chat.keyboard = None
        if self._listeners or self._change is not None:
            self._emit(
                {
                    "type": "message",
                    "bot_id": bot.id,
                    "chat_id": chat.chat["id"],
                    "message": message,
                }
            )
        return _public(message)

    def _bot_message(
        self, bot: BotState, params: Params, *, action: str
    ) -> tuple[ChatState, JsonDict]:
        if params.value("inline_message_id") is not None:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        chat = self._target(bot, params, sending=action == "edit")
        message_id = params.integer("message_id")
        if message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        if action == "edit" and not message["from"].get("is_bot"):
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, message

    def _replace(self, bot: BotState, chat: ChatState, old: JsonDict, new: JsonDict) -> JsonDict:
        new["edit_date"] = int(time.time())
        chat.messages[old["message_id"]] = new
        if self._listeners or self._change is not None:
            self._emit(
                {"type": "edited", "bot_id": bot.id, "chat_id": chat.chat["id"], "message": new}
            )
        return _public(new)

    def _store_file(self, params: Params, name: str, kind: str) -> JsonDict:
        value = params.value(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.value(value.removeprefix("attach://"))
        if isinstance(value, UploadedFile):
            number = next(self._file_ids)
            stored = {
                "file_id": f"SBX-{kind}-{number}",
                "file_unique_id": f"SBXU{number}",
                "file_size": len(value.data),
                "file_path": f"{kind}s/file_{number}",
                "file_name": value.filename,
                "mime_type": value.content_type,
                "data": value.data,
            }
            self._files[stored["file_id"]] = stored
            return stored
        if isinstance(value, str):
            if value in self._files:
                return self._files[value]
            if urlsplit(value).scheme in {"http", "https"}:
                number = next(self._file_ids)
                stored = {
                    "file_id": f"SBX-{kind}-{number}",
                    "file_unique_id": f"SBXU{number}",
                    "file_path": f"{kind}s/file_{number}",
                    "file_name": value.rsplit("/", 1)[-1] or "file",
                    "data": None,
                }
                self._files[stored["file_id"]] = stored
                return stored
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        raise ApiError(400, f"Bad Request: there is no {name} in the request")

    # -----------------------------------------------------------------------------------------
    # Bot API methods

    @staticmethod
    def _ok(_bot: BotState, _params: Params) -> bool:
        return True

    @staticmethod
    def _get_me(bot: BotState, _params: Params) -> JsonDict:
        return bot.user

    async def _get_updates(self, bot: BotState, params: Params) -> list[JsonDict]:
        if bot.webhook is not None:
            raise ApiError(409, _GETUPDATES_WITH_WEBHOOK)
        offset = params.integer("offset", 0) or 0
        limit = min(max(params.integer("limit", 100) or 100, 1), 100)
        timeout = min(max(params.integer("timeout", 0) or 0, 0), MAX_POLL_TIMEOUT)
        pending = bot.pending
        if offset > 0:
            # An offset confirms every earlier update: Telegram forgets them.
            while pending and pending[0]["update_id"] < offset:
                pending.popleft()
        elif offset < 0:
            while len(pending) > -offset:
                pending.popleft()
        previous = bot.poll_waiter
        if previous is not None and not previous.done():
            # Like Telegram, a new getUpdates ends the one still waiting.
            previous.set_result(False)
        if not pending and timeout and not self._closed:
            waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
            bot.poll_waiter = waiter
            try:
                async with asyncio.timeout(timeout):
                    still_current = await waiter
            except TimeoutError:
                still_current = True
            finally:
                if bot.poll_waiter is waiter:
                    bot.poll_waiter = None
            if not still_current:
                raise ApiError(409, _GETUPDATES_CONFLICT)
            if bot.webhook is not None:
                raise ApiError(409, _GETUPDATES_WITH_WEBHOOK)
        if len(pending) <= limit:
            return list(pending)
        return list(itertools.islice(pending, limit))

    async def _set_webhook(self, bot: BotState, params: Params) -> bool:
        url = params.text("url")
        if not url:
            return await self._delete_webhook(bot, params)
        split = urlsplit(url)
        if split.scheme not in {"http", "https"} or not split.hostname:
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        secret = params.text("secret_token")
        if secret is not None and not _SECRET_RE.match(secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        max_connections = min(max(params.integer("max_connections", 40) or 40, 1), 100)
        await self._stop_webhook(bot)
        if params.flag("drop_pending_updates"):
            bot.pending.clear()
        bot.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": max_connections,
            "allowed_updates": params.obj("allowed_updates"),
            "ip_address": "127.0.0.1",
        }
        bot.last_error_date = bot.last_error_message = None
        if bot.poll_waiter is not None and not bot.poll_waiter.done():
            bot.poll_waiter.set_result(True)
        if not self._closed:
            bot.webhook_wakeup = asyncio.Event()
            bot.webhook_workers = [
                asyncio.create_task(self._webhook_worker(bot, bot.webhook_wakeup))
                for _ in range(max_connections)
            ]
            if bot.pending:
                bot.webhook_wakeup.set()
        return True

    async def _delete_webhook(self, bot: BotState, params: Params) -> bool:
        await self._stop_webhook(bot)
        bot.webhook = None
        if params.flag("drop_pending_updates"):
            bot.pending.clear()
        return True

    def _get_webhook_info(self, bot: BotState, _params: Params) -> JsonDict:
        info: JsonDict = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(bot.pending) + len(bot.inflight),
        }
        if bot.webhook is not None:
            info["url"] = bot.webhook["url"]
            info["max_connections"] = bot.webhook["max_connections"]
            info["ip_address"] = bot.webhook["ip_address"]
            if bot.webhook["allowed_updates"]:
                info["allowed_updates"] = bot.webhook["allowed_updates"]
            if bot.last_error_date is not None:
                info["last_error_date"] = bot.last_error_date
                info["last_error_message"] = bot.last_error_message
        return info

    def _send_message(self, bot: BotState, params: Params) -> JsonDict:
        chat = self._target(bot, params)
        text, entities = self._formatted(params, "text", "entities")
        fields: JsonDict = {"text": text}
        if entities:
            fields["entities"] = entities
        preview = params.obj("link_preview_options")
        if preview:
            fields["link_preview_options"] = preview
        elif params.flag("disable_web_page_preview"):
            fields["link_preview_options"] = {"is_disabled": True}
        return self._send(bot, chat, self._common_fields(chat, params, fields))

    def _send_media(self, bot: BotState, params: Params, kind: str) -> JsonDict:
        chat = self._target(bot, params)
        stored = self._store_file(params, kind, kind)
        caption, entities = self._formatted(params, "caption", "caption_entities", caption=True)
        ids = {"file_id": stored["file_id"], "file_unique_id": stored["file_unique_id"]}
        if kind == "photo":
            fields: JsonDict = {
                "photo": [
                    {**ids, "width": 90, "height": 60},
                    {**ids, "width": 800, "height": 533},
                ]
            }
        else:
            fields = {"document": {**ids, "file_name": stored["file_name"]}}
            if stored.get("file_size") is not None:
                fields["document"]["file_size"] = stored["file_size"]
        if caption:
            fields["caption"] = caption
            if entities:
                fields["caption_entities"] = entities
        return self._send(bot, chat, self._common_fields(chat, params, fields))

    def _send_photo(self, bot: BotState, params: Params) -> JsonDict:
        return self._send_media(bot, params, "photo")

    def _send_document(self, bot: BotState, params: Params) -> JsonDict:
        return self._send_media(bot, params, "document")

    def _get_file(self, _bot: BotState, params: Params) -> JsonDict:
        stored = self._files.get(params.text("file_id") or "")
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            key: stored[key]
            for key in ("file_id", "file_unique_id", "file_size", "file_path")
            if stored.get(key) is not None
        }

    def _edit_message_text(self, bot: BotState, params: Params) -> JsonDict:
        chat, message = self._bot_message(bot, params, action="edit")
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities = self._formatted(params, "text", "entities")
        markup = self._reply_markup(params, inline_only=True)
        new = {
            k: v
            for k, v in message.items()
            if k not in {"text", "entities", "reply_markup", "link_preview_options"}
        }
        new["text"] = text
        if entities:
            new["entities"] = entities
        # Telegram drops the inline keyboard of an edited message unless it is sent again.
        if markup is not None:
            new["reply_markup"] = markup
        preview = params.obj("link_preview_options") or message.get("link_preview_options")
        if preview:
            new["link_preview_options"] = preview
        if all(new.get(k) == message.get(k) for k in ("text", "entities", "reply_markup")):
            raise ApiError(400, _NOT_MODIFIED)
        return self._replace(bot, chat, message, new)

    def _edit_message_caption(self, bot: BotState, params: Params) -> JsonDict:
        chat, message = self._bot_message(bot, params, action="edit")
        if "photo" not in message and "document" not in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption, entities = self._formatted(params, "caption", "caption_entities", caption=True)
        markup = self._reply_markup(params, inline_only=True)
        new = {
            k: v
            for k, v in message.items()
            if k not in {"caption", "caption_entities", "reply_markup"}
        }
        if caption:
            new["caption"] = caption
        if entities:
            new["caption_entities"] = entities
        if markup is not None:
            new["reply_markup"] = markup
        if all(
            new.get(k) == message.get(k) for k in ("caption", "caption_entities", "reply_markup")
        ):
            raise ApiError(400, _NOT_MODIFIED)
        return self._replace(bot, chat, message, new)

    def _edit_message_reply_markup(self, bot: BotState, params: Params) -> JsonDict:
        chat, message = self._bot_message(bot, params, action="edit")
        markup = self._reply_markup(params, inline_only=True)
        if markup == message.get("reply_markup"):
            raise ApiError(400, _NOT_MODIFIED)
        new = {k: v for k, v in message.items() if k != "reply_markup"}
        if markup is not None:
            new["reply_markup"] = markup
        return self._replace(bot, chat, message, new)

    def _delete_message(self, bot: BotState, params: Params) -> bool:
        chat, message = self._bot_message(bot, params, action="delete")
        self._remove(bot, chat, message["message_id"])
        return True

    def _delete_messages(self, bot: BotState, params: Params) -> bool:
        chat = self._target(bot, params, sending=False)
        ids = params.obj("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise ApiError(400, "Bad Request: message_ids must be a list of 1-100 identifiers")
        for message_id in ids:
            if int(message_id) in chat.messages:
                self._remove(bot, chat, int(message_id))
        return True

    def _remove(self, bot: BotState, chat: ChatState, message_id: int) -> None:
        chat.deleted[message_id] = chat.messages.pop(message_id)
        if len(chat.deleted) > self.history_limit:
            del chat.deleted[next(iter(chat.deleted))]
        if self._listeners or self._change is not None:
            self._emit(
                {
                    "type": "deleted",
                    "bot_id": bot.id,
                    "chat_id": chat.chat["id"],
                    "message_id": message_id,
                }
            )

    def _answer_callback_query(self, bot: BotState, params: Params) -> bool:
        query_id = params.text("callback_query_id")
        query = bot.queries.get(query_id or "")
        if query is None or query["answered"]:
            raise ApiError(400, _QUERY_INVALID)
        text = params.text("text")
        if text is not None and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query["answered"] = True
        answer = {
            "callback_query_id": query_id,
            "bot_id": bot.id,
            "user_id": query["user_id"],
            "text": text,
            "show_alert": params.flag("show_alert"),
            "url": params.text("url"),
            "cache_time": params.integer("cache_time", 0),
            "time": time.monotonic(),
        }
        self._answers.append(answer)
        self._emit(
            {
                "type": "callback_answer",
                "bot_id": bot.id,
                "chat_id": query["user_id"],
                "answer": answer,
            }
        )
        return True

    @staticmethod
    def _commands_key(params: Params) -> str:
        scope = params.obj("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        language = params.text("language_code", "") or ""
        return json.dumps([scope, language], sort_keys=True)

    def _set_my_commands(self, bot: BotState, params: Params) -> bool:
        commands = params.obj("commands", "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of up to 100 BotCommand")
        cleaned: list[JsonDict] = []
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            description = str(command.get("description", "")) if isinstance(command, dict) else ""
            if not _COMMAND_RE.match(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._commands_key(params)
        if cleaned:
            bot.commands[key] = cleaned
        else:
            bot.commands.pop(key, None)
        return True

    def _get_my_commands(self, bot: BotState, params: Params) -> list[JsonDict]:
        return bot.commands.get(self._commands_key(params), [])

    def _delete_my_commands(self, bot: BotState, params: Params) -> bool:
        bot.commands.pop(self._commands_key(params), None)
        return True

    def _set_chat_menu_button(self, bot: BotState, params: Params) -> bool:
        chat_id = params.integer("chat_id")
        if chat_id is not None and self._chat(bot, chat_id) is None:
            raise ApiError(400, "Bad Request: chat not found")
        button = params.obj("menu_button", "menu button") or {"type": "default"}
        kind = button.get("type") if isinstance(button, dict) else None
        if kind == "web_app":
            web_app = button.get("web_app")
            if not button.get("text") or not isinstance(web_app, dict) or not web_app.get("url"):
                raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
            _check_url(web_app["url"], f"Web App URL '{web_app['url']}'")
        elif kind not in {"default", "commands"}:
            raise ApiError(400, "Bad Request: can't parse menu button JSON object")
        if kind == "default" and chat_id is not None:
            bot.menu_buttons.pop(chat_id, None)
        else:
            bot.menu_buttons[chat_id] = button
        return True

    def _get_chat_menu_button(self, bot: BotState, params: Params) -> JsonDict:
        chat_id = params.integer("chat_id")
        if chat_id is not None and chat_id in bot.menu_buttons:
            return bot.menu_buttons[chat_id]
        return bot.menu_buttons.get(None, {"type": "default"})

    def _profile_setter(self, key: str) -> Handler:
        def setter(bot: BotState, params: Params) -> bool:
            language = params.text("language_code", "") or ""
            value = params.text(key, "") or ""
            if value:
                bot.profile[f"{key}:{language}"] = value
            else:
                bot.profile.pop(f"{key}:{language}", None)
            return True

        return setter

    def _profile_getter(self, key: str) -> Handler:
        def getter(bot: BotState, params: Params) -> JsonDict:
            language = params.text("language_code", "") or ""
            default = bot.user["first_name"] if key == "name" else ""
            value = bot.profile.get(f"{key}:{language}", bot.profile.get(f"{key}:", default))
            return {key: value}

        return getter

    def _get_chat(self, bot: BotState, params: Params) -> JsonDict:
        chat = self._target(bot, params, sending=False)
        return {
            **chat.chat,
            "accent_color_id": int(chat.chat["id"]) % 7,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    def _send_chat_action(self, bot: BotState, params: Params) -> bool:
        chat = self._target(bot, params)
        action = params.text("action")
        if action not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        chat.actions.append(action)
        return True

    # -----------------------------------------------------------------------------------------
    # Webhook delivery

    async def _stop_webhook(self, bot: BotState) -> None:
        workers, bot.webhook_workers = bot.webhook_workers, []
        bot.webhook_wakeup = None
        if not workers:
            return
        # Updates in flight were never confirmed: they stay pending, in order.
        inflight = list(bot.inflight.values())
        bot.inflight.clear()
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if inflight:
            merged = sorted([*inflight, *bot.pending], key=lambda u: u["update_id"])
            bot.pending.clear()
            bot.pending.extend(merged)

    async def _webhook_worker(self, bot: BotState, wakeup: asyncio.Event) -> None:
        while True:
            if not bot.pending:
                wakeup.clear()
                await wakeup.wait()
                continue
            update = bot.pending.popleft()
            update_id = update["update_id"]
            bot.inflight[update_id] = update
            try:
                await self._deliver(bot, update)
            finally:
                bot.inflight.pop(update_id, None)

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            connector = aiohttp.TCPConnector(ssl=self.webhook_ssl or True)
            self._http = aiohttp.ClientSession(connector=connector)
        return self._http

    async def _deliver(self, bot: BotState, update: JsonDict) -> bool:
        """POST an update to the webhook, retrying a few times like Telegram; False if dropped."""
        body = json.dumps(update, ensure_ascii=False).encode()
        for attempt in range(self.webhook_retries + 1):
            if attempt:
                await asyncio.sleep(self.webhook_retry_delay * 2 ** (attempt - 1))
            hook = bot.webhook
            if hook is None:
                return False
            headers = {"Content-Type": "application/json"}
            if hook["secret_token"]:
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
            try:
                async with self._client().post(
                    hook["url"],
                    data=body,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                ) as response:
                    if 200 <= response.status < 300:
                        await self._run_webhook_reply(bot, response)
                        return True
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {type(exc).__name__}: {exc}"
            bot.last_error_date = int(time.time())
            bot.last_error_message = error
        logger.warning("sandbox dropped update %s for bot %s", update["update_id"], bot.id)
        return False

    async def _run_webhook_reply(self, bot: BotState, response: aiohttp.ClientResponse) -> None:
        """Telegram runs a method the webhook answers with (aiogram's reply-in-webhook)."""
        params: dict[str, Any]
        if response.content_type == "application/json":
            try:
                body = await response.json(content_type=None)
            except ValueError:
                return
            if not isinstance(body, dict):
                return
            params = body
        elif response.content_type == "multipart/form-data":
            params = await _read_multipart(aiohttp.MultipartReader.from_response(response))
        else:
            return
        method = params.pop("method", None)
        if isinstance(method, str) and method:
            await self.call(bot.token, method, params, via="webhook-reply")

    # -----------------------------------------------------------------------------------------
    # Person side

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        *,
        last_name: str | None = None,
        phone: str | None = None,
    ) -> JsonDict:
        """Register a person (or update the given fields); their private chat id is their id."""
        user = self._users.get(user_id)
        if user is None:
            user = {
                "id": user_id,
                "is_bot": False,
                "first_name": first_name or f"User {user_id}",
                "language_code": language_code or "ru",
            }
            self._users[user_id] = user
        elif first_name is not None:
            user["first_name"] = first_name
        if language_code is not None:
            user["language_code"] = language_code
        if username is not None:
            user["username"] = username
        if last_name is not None:
            user["last_name"] = last_name
        if phone is not None:
            self._phones[user_id] = phone
        for bot in self._bots.values():
            chat = bot.chats.get(user_id)
            if chat is not None:
                chat.chat.clear()
                chat.chat.update(self._private_chat(user))
        return dict(user)

    def _person_chat(self, token: str, user_id: int) -> tuple[BotState, ChatState, JsonDict]:
        bot = self._bot(token)
        if user_id not in self._users:
            self.user(user_id)
        chat = self._chat(bot, user_id)
        assert chat is not None
        if user_id in bot.blocked:
            # Writing to a blocked bot first unblocks it, as the Telegram apps do.
            self.unblock_bot(user_id, token=token)
        return bot, chat, self._users[user_id]

    def _person_message(self, token: str, user_id: int, fields: JsonDict) -> JsonDict:
        bot, chat, user = self._person_chat(token, user_id)
        message = self._store(chat, user, fields)
        update = self._enqueue(bot, "message", message)
        self._emit({"type": "message", "bot_id": bot.id, "chat_id": user_id, "message": message})
        return update

    def send_text(
        self, token: str, user_id: int, text: str, *, reply_to: int | None = None
    ) -> JsonDict:
        """The person sends text; answers the Update (commands get bot_command entities)."""
        if not text.strip():
            raise SandboxError("a person cannot send an empty message")
        fields: JsonDict = {"text": text}
        entities = detect_entities(text)
        if entities:
            fields["entities"] = entities
        if reply_to is not None:
            bot = self._bot(token)
            chat = self._chat(bot, user_id)
            target = chat.messages.get(reply_to) if chat else None
            if target is None:
                raise SandboxError(f"no message {reply_to} in chat {user_id} to reply to")
            fields["reply_to_message"] = {
                k: v for k, v in _public(target).items() if k != "reply_to_message"
            }
        return self._person_message(token, user_id, fields)

    def send_contact(
        self,
        token: str,
        user_id: int,
        phone: str,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
    ) -> JsonDict:
        """The person shares their own contact (user_id is the sender's, as for a real share)."""
        user = self._users.get(user_id) or self.user(user_id)
        contact: JsonDict = {
            "phone_number": phone,
            "first_name": first_name or user["first_name"],
            "user_id": user_id,
        }
        if last_name or user.get("last_name"):
            contact["last_name"] = last_name or user["last_name"]
        self._phones.setdefault(user_id, phone)
        return self._person_message(token, user_id, {"contact": contact})

    def send_web_app_data(self, token: str, user_id: int, data: str, button_text: str) -> JsonDict:
        """What a Web App opened from a reply keyboard button sends with WebApp.sendData()."""
        return self._person_message(
            token, user_id, {"web_app_data": {"data": data, "button_text": button_text}}
        )

    def press(self, token: str, user_id: int, text: str) -> JsonDict:
        """Tap a button of the reply keyboard the person sees now; answers the Update."""
        bot = self._bot(token)
        chat = bot.chats.get(user_id)
        keyboard = chat.keyboard if chat else None
        buttons = _buttons(keyboard, "keyboard")
        button = next((b for b in buttons if _button_text(b) == text), None)
        if button is None:
            shown = [_button_text(b) for b in buttons]
            raise SandboxError(
                f"chat {user_id} has no reply keyboard button {text!r}; visible: {shown}"
            )
        if isinstance(button, dict):
            if button.get("request_contact"):
                phone = self._phones.get(user_id)
                if phone is None:
                    raise SandboxError(
                        f"user {user_id} has no phone: register it with user(..., phone=...)"
                    )
                return self.send_contact(token, user_id, phone)
            if button.get("web_app"):
                raise SandboxError("a web_app button opens a page: use send_web_app_data()")
            if any(
                button.get(k)
                for k in ("request_location", "request_poll", "request_users", "request_chat")
            ):
                raise SandboxError(f"button {text!r} asks for something the sandbox cannot share")
        return self.send_text(token, user_id, text)

    def click(self, token: str, user_id: int, message_id: int, callback_data: str) -> str:
        """Tap an inline callback button; answers the callback_query id the bot must answer."""
        bot = self._bot(token)
        chat = bot.chats.get(user_id)
        message = chat.messages.get(message_id) if chat else None
        if message is None or not message["from"].get("is_bot"):
            raise SandboxError(f"no bot message {message_id} in chat {user_id}")
        buttons = _buttons(message.get("reply_markup"), "inline_keyboard")
        if not any(b.get("callback_data") == callback_data for b in buttons):
            shown = [b.get("callback_data") for b in buttons if "callback_data" in b]
            raise SandboxError(
                f"message {message_id} in chat {user_id} has no button with callback_data "
                f"{callback_data!r}; it has {shown}"
            )
        return self._callback_query(bot, user_id, message, callback_data)

    def click_button(
        self, token: str, user_id: int, text: str, message_id: int | None = None
    ) -> str:
        """Tap the inline button labelled ``text`` on the newest bot message that shows it."""
        bot = self._bot(token)
        chat = bot.chats.get(user_id)
        messages = list(chat.messages.values()) if chat else []
        if message_id is not None:
            messages = [m for m in messages if m["message_id"] == message_id]
        for message in reversed(messages):
            if not message["from"].get("is_bot"):
                continue
            for button in _buttons(message.get("reply_markup"), "inline_keyboard"):
                if button.get("text") == text:
                    if "callback_data" not in button:
                        raise SandboxError(f"button {text!r} is not a callback button: {button}")
                    return self._callback_query(
                        bot, user_id, message, str(button["callback_data"])
                    )
        raise SandboxError(f"no inline button {text!r} in chat {user_id}")

    def _callback_query(self, bot: BotState, user_id: int, message: JsonDict, data: str) -> str:
        user = self._users[user_id]
        query_id = str(4_000_000_000 + next(self._query_ids))
        bot.queries[query_id] = {"user_id": user_id, "answered": False}
        query = {
            "id": query_id,
            "from": user,
            "message": _public(message),
            "chat_instance": f"{bot.id}{user_id}",
            "data": data,
        }
        self._enqueue(bot, "callback_query", query)
        return query_id

    def block_bot(self, user_id: int, token: str | None = None) -> None:
        """The person blocks the bot (every bot without a token): sends answer 403 after this."""
        self._set_blocked(user_id, token, blocked=True)

    def unblock_bot(self, user_id: int, token: str | None = None) -> None:
        """The person unblocks the bot again (restarts it)."""
        self._set_blocked(user_id, token, blocked=False)

    def _set_blocked(self, user_id: int, token: str | None, *, blocked: bool) -> None:
        if user_id not in self._users:
            self.user(user_id)
        if token is None:
            # Remembered for bots that first appear later.
            if blocked:
                self._blocked_everywhere.add(user_id)
            else:
                self._blocked_everywhere.discard(user_id)
        for bot in self._bots_for(token):
            was_blocked = user_id in bot.blocked
            if blocked:
                bot.blocked.add(user_id)
            else:
                bot.blocked.discard(user_id)
            chat = bot.chats.get(user_id)
            if chat is None or was_blocked == blocked:
                continue
            # Telegram tells the bot with a my_chat_member update.
            member = {"user": bot.sender, "status": "member"}
            kicked = {"user": bot.sender, "status": "kicked", "until_date": 0}
            self._enqueue(
                bot,
                "my_chat_member",
                {
                    "chat": chat.chat,
                    "from": self._users[user_id],
                    "date": int(time.time()),
                    "old_chat_member": member if blocked else kicked,
                    "new_chat_member": kicked if blocked else member,
                },
            )

    # -----------------------------------------------------------------------------------------
    # Observation

    def _chats_for(self, chat_id: int, token: str | None) -> list[ChatState]:
        return [bot.chats[chat_id] for bot in self._bots_for(token) if chat_id in bot.chats]

    def messages(self, chat_id: int, token: str | None = None) -> list[JsonDict]:
        """Every message in the chat, both sides, current state, oldest first."""
        return [
            copy.deepcopy(message)
            for chat in self._chats_for(chat_id, token)
            for message in chat.messages.values()
        ]

    def sent(self, chat_id: int, token: str | None = None) -> list[JsonDict]:
        """The bot's messages in the chat as a person sees them now (reply keyboards included)."""
        return [
            copy.deepcopy(message)
            for chat in self._chats_for(chat_id, token)
            for message in chat.messages.values()
            if message["from"].get("is_bot")
        ]

    def _sent_count(self, chat_id: int, token: str | None) -> int:
        return sum(
            1
            for chat in self._chats_for(chat_id, token)
            for message in chat.messages.values()
            if message["from"].get("is_bot")
        )

    def last_sent(self, chat_id: int, token: str | None = None) -> JsonDict | None:
        """The newest bot message in the chat, or None."""
        for chat in reversed(self._chats_for(chat_id, token)):
            for message in reversed(chat.messages.values()):
                if message["from"].get("is_bot"):
                    return copy.deepcopy(message)
        return None

    def deleted(self, chat_id: int, token: str | None = None) -> list[JsonDict]:
        """Messages deleted from the chat, as they were when deleted."""
        return [
            copy.deepcopy(message)
            for chat in self._chats_for(chat_id, token)
            for message in chat.deleted.values()
        ]

    def reply_keyboard(self, chat_id: int, token: str | None = None) -> JsonDict | None:
        """The reply keyboard the person sees now (None after ReplyKeyboardRemove)."""
        for chat in self._chats_for(chat_id, token):
            if chat.keyboard is not None:
                return copy.deepcopy(chat.keyboard)
        return None

    def chat_actions(self, chat_id: int, token: str | None = None) -> list[str]:
        """Chat actions (typing...) the bot sent to the chat."""
        return [action for chat in self._chats_for(chat_id, token) for action in chat.actions]

    def send_times(self, chat_id: int, token: str | None = None) -> list[float]:
        """time.monotonic() of each message the bot successfully sent to the chat."""
        return sorted(t for chat in self._chats_for(chat_id, token) for t in chat.send_times)

    def callback_answers(self, callback_query_id: str | None = None) -> list[JsonDict]:
        """answerCallbackQuery calls, all or for one query."""
        return [
            dict(answer)
            for answer in self._answers
            if callback_query_id is None or answer["callback_query_id"] == callback_query_id
        ]

    def callback_answer(self, callback_query_id: str) -> JsonDict | None:
        """The answer to one callback query, or None while it is unanswered."""
        answers = self.callback_answers(callback_query_id)
        return answers[-1] if answers else None

    def requests(self, method: str | None = None, token: str | None = None) -> list[JsonDict]:
        """The Bot API call log: method, bot_id, params, time (monotonic), status, via."""
        wanted = method.lower() if method else None
        bot_id = self._bot(token).id if token else None
        return [
            dict(entry)
            for entry in self._log
            if (wanted is None or entry["method"].lower() == wanted)
            and (bot_id is None or entry["bot_id"] == bot_id)
        ]

    def my_commands(
        self, token: str, scope: JsonDict | None = None, language_code: str = ""
    ) -> list[JsonDict]:
        """The command list set for a scope and language (what getMyCommands answers)."""
        key = self._commands_key(Params({"scope": scope, "language_code": language_code}))
        return copy.deepcopy(self._bot(token).commands.get(key, []))

    def menu_button(self, token: str, chat_id: int | None = None) -> JsonDict:
        """The menu button a chat shows (what getChatMenuButton answers)."""
        return copy.deepcopy(
            self._get_chat_menu_button(self._bot(token), Params({"chat_id": chat_id}))
        )

    def webhook(self, token: str) -> JsonDict | None:
        """The webhook settings, or None in polling mode."""
        hook = self._bot(token).webhook
        return dict(hook) if hook else None

    def pending_updates(self, token: str) -> list[JsonDict]:
        """Updates not yet confirmed by getUpdates nor delivered to the webhook."""
        bot = self._bot(token)
        return copy.deepcopy([*bot.inflight.values(), *bot.pending])

    def long_polling(self, token: str) -> bool:
        """True while a getUpdates call of the bot is waiting for updates."""
        waiter = self._bot(token).poll_waiter
        return waiter is not None and not waiter.done()

    def bot_user(self, token: str) -> JsonDict:
        """The bot's User object (what getMe answers)."""
        return dict(self._bot(token).user)

    def users(self) -> list[JsonDict]:
        """Every registered person."""
        return [dict(user) for user in self._users.values()]

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` on each change (message, edited, deleted, callback_answer).

        Answers a function that removes the listener. Listeners run inside the request, so they
        must be quick (queue the event for a WebSocket, for example).
        """
        self._listeners.append(listener)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._listeners.remove(listener)

        return remove

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 5.0,
        what: str = "condition",
        poll_interval: float = 0.05,
    ) -> Any:
        """Wait until ``predicate()`` is truthy; answer its value.

        It is re-checked on every emulator change and every ``poll_interval`` seconds, so it may
        also watch state outside the emulator (a handler's side effect, a webhook server).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"sandbox: timed out after {timeout}s waiting for {what}")
            if self._change is None:
                self._change = asyncio.Event()
            event = self._change
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(remaining, poll_interval)):
                    await event.wait()

    async def wait_for_sent(
        self, chat_id: int, count: int = 1, timeout: float = 5.0, token: str | None = None
    ) -> list[JsonDict]:
        """Wait until the chat has at least ``count`` bot messages; answer them all."""
        try:
            await self.wait_for(
                lambda: self._sent_count(chat_id, token) >= count,
                timeout,
                f"{count} bot message(s) in chat {chat_id}",
            )
        except TimeoutError as exc:
            texts = [m.get("text", m.get("caption")) for m in self.sent(chat_id, token)]
            raise TimeoutError(f"{exc}; the chat has {texts}") from None
        return self.sent(chat_id, token)

    async def wait_for_callback_answer(
        self, callback_query_id: str, timeout: float = 5.0
    ) -> JsonDict:
        """Wait until the bot answers the callback query; answer the answer."""
        answer = await self.wait_for(
            lambda: self.callback_answer(callback_query_id),
            timeout,
            f"an answer to callback query {callback_query_id}",
        )
        return dict(answer)

    # -----------------------------------------------------------------------------------------
    # Fault injection

    def fail_next(
        self,
        method: str,
        status: int,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
        *,
        chat_id: int | None = None,
        token: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` answer an error instead of running.

        429 carries ``parameters.retry_after`` (1 s unless given); other statuses carry
        Telegram's description for them ("Bad Gateway" for 502). ``chat_id`` / ``token``
        restrict the fault to calls for that chat / bot.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = Fault(
            status=status,
            remaining=count,
            retry_after=retry_after if status == 429 else None,
            description=description or _default_description(status, retry_after),
            chat_id=chat_id,
            token=token,
        )
        self._faults.setdefault(method.lower(), []).append(fault)

    def clear_faults(self) -> None:
        """Forget every pending injected failure, block and limit."""
        self._faults.clear()
        self._blocked_everywhere.clear()
        for bot in self._bots.values():
            bot.blocked.clear()
        self._per_chat_limit = self._overall_limit = None
        self._latency = 0.0

    def set_latency(self, seconds: float) -> None:
        """Delay every Bot API answer by ``seconds``."""
        self._latency = max(0.0, seconds)

    def set_rate_limits(self, per_chat: int | None = None, overall: int | None = None) -> None:
        """Answer 429 beyond ``per_chat`` / ``overall`` (per bot) messages in any 1 s window."""
        self._per_chat_limit = per_chat
        self._overall_limit = min(overall, 4096) if overall else None


EMULATOR_KEY = web.AppKey("sandbox_emulator", BotApiEmulator)


def _check_url(url: Any, what: str) -> None:
    split = urlsplit(str(url))
    web_url = split.scheme in {"http", "https"} and bool(split.hostname)
    if not web_url and split.scheme != "tg":
        raise ApiError(400, f"Bad Request: {what} is invalid: Wrong HTTP URL")


async def _read_multipart(reader: aiohttp.MultipartReader) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    async for part in reader:
        if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            data = await part.read(decode=True)
            content_type = part.headers.get(aiohttp.hdrs.CONTENT_TYPE, "application/octet-stream")
            fields[part.name] = UploadedFile(part.filename, bytes(data), content_type)
        else:
            fields[part.name] = await part.text()
    return fields


@contextlib.asynccontextmanager
async def run_emulator(
    host: str = "127.0.0.1", port: int = 0, *, emulator: BotApiEmulator | None = None
) -> AsyncIterator[BotApiEmulator]:
    """Serve an emulator on ``host:port`` (0 = a free port) for the ``async with`` block."""
    emu = emulator or BotApiEmulator()
    runner = web.AppRunner(emu.create_app(), access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_port = runner.addresses[0][1]
        shown_host = f"[{host}]" if ":" in host else host
        emu.base_url = f"http://{shown_host}:{bound_port}"
        yield emu
    finally:
        await emu.close()
        await runner.cleanup()

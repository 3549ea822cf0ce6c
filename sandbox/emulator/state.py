"""What the emulator keeps and the small types every part of it shares.

``BotState`` and ``ChatState`` are the in-memory model (one per bot, one per private chat with a
person); ``Params`` reads a Bot API call's parameters; ``ApiError`` is a Telegram-shaped error
answer and ``SandboxError`` a mistake on the person side.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SANDBOX_TOKEN = "123456789:SANDBOX-token-for-local-runs"

JsonDict = dict[str, Any]
Listener = Callable[[JsonDict], None]
Handler = Callable[["BotState", "Params"], Any]


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
    """An injected failure (faults.py): the next ``remaining`` matching calls answer it."""

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


def public_view(message: JsonDict) -> JsonDict:
    """The message as Telegram returns it: only an inline keyboard is echoed in reply_markup."""
    markup = message.get("reply_markup")
    if markup is None or "inline_keyboard" in markup:
        return message
    return {key: value for key, value in message.items() if key != "reply_markup"}


def keyboard_buttons(markup: JsonDict | None, kind: str) -> list[Any]:
    """Every button of a ``keyboard`` or ``inline_keyboard`` markup, row after row."""
    if not markup:
        return []
    return [button for row in markup.get(kind) or () for button in row]


def button_label(button: Any) -> str:
    """A reply keyboard button may be a bare string or a KeyboardButton object."""
    return button if isinstance(button, str) else str(button.get("text", ""))

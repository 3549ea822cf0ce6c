"""The emulator's state and the few operations on it that every other part builds upon.

Each other module of the package is a mixin on ``EmulatorCore``, and ``server.BotApiEmulator``
puts them together; they share the state set up here, so it is all in one ``__init__``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
import time
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sandbox.emulator.state import (
    SANDBOX_TOKEN,
    ApiError,
    BotState,
    ChatState,
    Fault,
    JsonDict,
    Listener,
    Params,
    SandboxError,
)

if TYPE_CHECKING:
    import ssl

    import aiohttp

logger = logging.getLogger(__name__)

_TOKEN_RE = re.compile(r"^(\d{1,20}):(.+)$")


class EmulatorCore:
    """Bots, people, their chats and the update queues; the request log and the watchers."""

    def __init__(self, *, request_log_size: int = 50_000, history_limit: int = 10_000) -> None:
        """``request_log_size`` calls and ``history_limit`` messages per chat are kept.

        The limits bound memory under long benchmarks; tests stay far below them.
        """
        self.base_url: str | None = None
        self.history_limit = history_limit
        self._bots: dict[str, BotState] = {}
        self._closed = False
        # person.py
        self._users: dict[int, JsonDict] = {}
        self._phones: dict[int, str] = {}
        self._blocked_everywhere: set[int] = set()
        self._query_ids = itertools.count(1)
        # messages.py
        self._answers: list[JsonDict] = []
        self._files: dict[str, JsonDict] = {}
        self._file_ids = itertools.count(1)
        # http.py
        self._log: deque[JsonDict] = deque(maxlen=request_log_size)
        # webhook.py
        self.webhook_retries = 3
        self.webhook_retry_delay = 0.1
        self.webhook_timeout = 10.0
        # TLS for webhook deliveries: Telegram trusts a self-signed certificate uploaded with
        # setWebhook; here the caller passes a context that trusts it.
        self.webhook_ssl: ssl.SSLContext | None = None
        self._http: aiohttp.ClientSession | None = None
        # faults.py
        self._faults: dict[str, list[Fault]] = {}
        self._latency = 0.0
        self._per_chat_limit: int | None = None
        self._overall_limit: int | None = None
        # observation.py
        self._listeners: list[Listener] = []
        self._change: asyncio.Event | None = None

    # -- bots and chats ---------------------------------------------------------------------

    def _bot_for_token(self, token: str) -> BotState:
        """The bot of a token, created on first use; 401 for a malformed token."""
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
        """The same for the person side, where a bad token is the caller's mistake."""
        try:
            return self._bot_for_token(token)
        except ApiError:
            raise SandboxError(f"not a bot token: {token!r} (want '<digits>:<text>')") from None

    def _bots_for(self, token: str | None) -> Iterable[BotState]:
        return [self._bot(token)] if token is not None else list(self._bots.values())

    @staticmethod
    def _private_chat(user: JsonDict) -> JsonDict:
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

    # -- messages and updates ---------------------------------------------------------------

    def _store(self, chat: ChatState, sender: JsonDict, fields: JsonDict) -> JsonDict:
        """A new message in the chat, from either side, with the chat's next message id."""
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

    def _replace(self, bot: BotState, chat: ChatState, old: JsonDict, new: JsonDict) -> JsonDict:
        """Put an edited message in place of ``old`` (either side); answers it as stored."""
        new["edit_date"] = int(time.time())
        chat.messages[old["message_id"]] = new
        self._notify("edited", bot, chat.chat["id"], message=new)
        return new

    def _enqueue(self, bot: BotState, kind: str, payload: JsonDict) -> JsonDict:
        """Queue an update for the bot and wake whoever takes it (a long poll or the webhook)."""
        update = {"update_id": bot.next_update_id, kind: payload}
        bot.next_update_id += 1
        bot.pending.append(update)
        if bot.webhook is not None:
            if bot.webhook_wakeup is not None:
                bot.webhook_wakeup.set()
        elif bot.poll_waiter is not None and not bot.poll_waiter.done():
            bot.poll_waiter.set_result(True)
        return update

    # -- watchers (observation.py) ----------------------------------------------------------

    def _notify(self, kind: str, bot: BotState, chat_id: int, **details: Any) -> None:
        """Tell listeners and waiters about a change in a chat: message, edited, deleted or
        callback_answer, with the details under their own keys."""
        if not self._listeners and self._change is None:
            # Nobody watches: benchmarks send a lot, so the event is not even built.
            return
        event = {"type": kind, "bot_id": bot.id, "chat_id": chat_id, **details}
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                logger.exception("sandbox listener failed")
        self._changed()

    def _changed(self) -> None:
        """Wake every ``wait_for``: they re-check their condition."""
        event = self._change
        if event is not None:
            self._change = None
            event.set()

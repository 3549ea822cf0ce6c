"""What tests and the sandbox chat page read: chats as people see them, the call log, the
bot's settings, and waiting for a change.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
from collections.abc import Callable, Iterator
from typing import Any

from sandbox.emulator.core import EmulatorCore
from sandbox.emulator.state import ChatState, JsonDict, Listener, Params


class Observation(EmulatorCore):
    # -- chats ------------------------------------------------------------------------------

    def _chats_for(self, chat_id: int, token: str | None) -> list[ChatState]:
        return [bot.chats[chat_id] for bot in self._bots_for(token) if chat_id in bot.chats]

    def messages(self, chat_id: int, token: str | None = None) -> list[JsonDict]:
        """Every message in the chat, both sides, current state, oldest first."""
        return [
            copy.deepcopy(message)
            for chat in self._chats_for(chat_id, token)
            for message in chat.messages.values()
        ]

    def message(self, chat_id: int, message_id: int, token: str | None = None) -> JsonDict | None:
        """One message of the chat as it is now, from either side; None if deleted or unknown."""
        for chat in self._chats_for(chat_id, token):
            if message_id in chat.messages:
                return copy.deepcopy(chat.messages[message_id])
        return None

    def _bot_messages(self, chat_id: int, token: str | None) -> Iterator[JsonDict]:
        """The bot's messages in the chat as stored, oldest first."""
        for chat in self._chats_for(chat_id, token):
            for message in chat.messages.values():
                if message["from"].get("is_bot"):
                    yield message

    def sent(self, chat_id: int, token: str | None = None) -> list[JsonDict]:
        """The bot's messages in the chat as a person sees them now (reply keyboards included)."""
        return [copy.deepcopy(message) for message in self._bot_messages(chat_id, token)]

    def _sent_count(self, chat_id: int, token: str | None) -> int:
        return sum(1 for _ in self._bot_messages(chat_id, token))

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

    # -- callback answers and the call log --------------------------------------------------

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

    # -- the bots ---------------------------------------------------------------------------

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

    # -- watching and waiting ---------------------------------------------------------------

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

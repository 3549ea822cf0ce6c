"""The person side: what people do in their chats with a bot, as a Python API.

Tests and the sandbox chat page (sandbox/chat.py) drive the bot through it. Most of it acts as
the Telegram apps do: ``send_text``, ``send_contact``, ``press`` a reply keyboard button,
``click`` an inline button the bot sent. ``send_raw``, ``send_callback_query`` and ``edit_text``
go as far as a modified client can, to feed a bot hostile updates. Each call queues an update
for the bot and answers it (``click`` and ``click_button``: the callback query id).
"""

from __future__ import annotations

import time

from sandbox.emulator.core import EmulatorCore
from sandbox.emulator.state import (
    BotState,
    ChatState,
    JsonDict,
    SandboxError,
    button_label,
    keyboard_buttons,
    public_view,
)
from sandbox.formatting import detect_entities

# What an edit keeps of a person's message; the content is replaced.
_ENVELOPE = ("message_id", "from", "chat", "date", "reply_to_message")


class PersonSide(EmulatorCore):
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
        """Register a person (or update the given fields); answers their User object.

        Their private chat id is their id. ``user(user_id)`` alone just answers the object.
        """
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

    def _person(self, user_id: int) -> JsonDict:
        """The person's stored User object (what "from" shows), registered on first use."""
        if user_id not in self._users:
            self.user(user_id)
        return self._users[user_id]

    def _person_chat(self, token: str, user_id: int) -> tuple[BotState, ChatState, JsonDict]:
        bot = self._bot(token)
        user = self._person(user_id)
        chat = self._chat(bot, user_id)
        assert chat is not None
        if user_id in bot.blocked:
            # Writing to a blocked bot first unblocks it, as the Telegram apps do.
            self.unblock_bot(user_id, token=token)
        return bot, chat, user

    def _person_message(self, token: str, user_id: int, fields: JsonDict) -> JsonDict:
        bot, chat, user = self._person_chat(token, user_id)
        message = self._store(chat, user, fields)
        update = self._enqueue(bot, "message", message)
        self._notify("message", bot, user_id, message=message)
        return update

    @staticmethod
    def _text_fields(text: str) -> JsonDict:
        """A person's text with the entities Telegram marks up itself (commands, links...)."""
        if not text.strip():
            raise SandboxError("a person cannot send an empty message")
        fields: JsonDict = {"text": text}
        entities = detect_entities(text)
        if entities:
            fields["entities"] = entities
        return fields

    # -- messages ---------------------------------------------------------------------------

    def send_text(
        self, token: str, user_id: int, text: str, *, reply_to: int | None = None
    ) -> JsonDict:
        """The person sends text; answers the Update (commands get bot_command entities)."""
        fields = self._text_fields(text)
        if reply_to is not None:
            bot = self._bot(token)
            chat = self._chat(bot, user_id)
            target = chat.messages.get(reply_to) if chat else None
            if target is None:
                raise SandboxError(f"no message {reply_to} in chat {user_id} to reply to")
            fields["reply_to_message"] = {
                k: v for k, v in public_view(target).items() if k != "reply_to_message"
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
        user = self._person(user_id)
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

    def send_raw(
        self, token: str, user_id: int, fields: JsonDict, *, chat: JsonDict | None = None
    ) -> JsonDict:
        """The person sends a message made of any Message ``fields``, unchecked (a sticker, a
        photo, a location, someone else's contact card...); answers the Update.

        ``chat`` (a Chat object, such as a group's) sends it there instead of the private chat.
        The emulator keeps private chats only: such a message is delivered but not stored, and
        its message_id is its update_id.
        """
        if chat is None:
            return self._person_message(token, user_id, fields)
        bot = self._bot(token)
        message = {
            "message_id": bot.next_update_id,
            "from": self._person(user_id),
            "chat": chat,
            "date": int(time.time()),
            **fields,
        }
        return self._enqueue(bot, "message", message)

    def edit_text(self, token: str, user_id: int, message_id: int, text: str) -> JsonDict:
        """The person edits their message ``message_id`` to read ``text``; answers the
        edited_message Update.

        Whatever the message was, it becomes text: Telegram lets only a text or a caption
        change, but a modified client may send any edit.
        """
        bot = self._bot(token)
        chat = bot.chats.get(user_id)
        old = chat.messages.get(message_id) if chat else None
        if chat is None or old is None or old["from"].get("is_bot"):
            raise SandboxError(f"no message {message_id} of user {user_id} to edit")
        new = {key: old[key] for key in _ENVELOPE if key in old}
        new.update(self._text_fields(text))
        return self._enqueue(bot, "edited_message", self._replace(bot, chat, old, new))

    # -- buttons ----------------------------------------------------------------------------

    def press(self, token: str, user_id: int, text: str) -> JsonDict:
        """Tap a button of the reply keyboard the person sees now; answers the Update."""
        bot = self._bot(token)
        chat = bot.chats.get(user_id)
        keyboard = chat.keyboard if chat else None
        buttons = keyboard_buttons(keyboard, "keyboard")
        button = next((b for b in buttons if button_label(b) == text), None)
        if button is None:
            shown = [button_label(b) for b in buttons]
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
        buttons = keyboard_buttons(message.get("reply_markup"), "inline_keyboard")
        if not any(b.get("callback_data") == callback_data for b in buttons):
            shown = [b.get("callback_data") for b in buttons if "callback_data" in b]
            raise SandboxError(
                f"message {message_id} in chat {user_id} has no button with callback_data "
                f"{callback_data!r}; it has {shown}"
            )
        return self._query_id(self.send_callback_query(token, user_id, callback_data, message))

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
            for button in keyboard_buttons(message.get("reply_markup"), "inline_keyboard"):
                if button.get("text") == text:
                    if "callback_data" not in button:
                        raise SandboxError(f"button {text!r} is not a callback button: {button}")
                    data = str(button["callback_data"])
                    return self._query_id(self.send_callback_query(token, user_id, data, message))
        raise SandboxError(f"no inline button {text!r} in chat {user_id}")

    def send_callback_query(
        self,
        token: str,
        user_id: int,
        data: str,
        message: JsonDict | None = None,
        *,
        inline_message_id: str | None = None,
    ) -> JsonDict:
        """The person's client sends a callback query, unchecked; answers the Update.

        ``click`` checks that the bot really sent the button; this is what a modified client
        can send: any ``data`` about any ``message`` (the Message object the query carries: a
        bot message, one in a group, or an inaccessible one, ``{"message_id", "chat",
        "date": 0}``), or about a message sent in inline mode (``inline_message_id``).
        answerCallbackQuery takes the query's id, ``update["callback_query"]["id"]``.
        """
        if (message is None) == (inline_message_id is None):
            raise SandboxError("a callback query is about a message or an inline message")
        bot = self._bot(token)
        query_id = str(4_000_000_000 + next(self._query_ids))
        bot.queries[query_id] = {"user_id": user_id, "answered": False}
        query: JsonDict = {"id": query_id, "from": self._person(user_id)}
        if message is not None:
            query["message"] = public_view(message)
        else:
            query["inline_message_id"] = inline_message_id
        query["chat_instance"] = f"{bot.id}{user_id}"
        query["data"] = data
        return self._enqueue(bot, "callback_query", query)

    @staticmethod
    def _query_id(update: JsonDict) -> str:
        return str(update["callback_query"]["id"])

    # -- blocking ---------------------------------------------------------------------------

    def block_bot(self, user_id: int, token: str | None = None) -> None:
        """The person blocks the bot (every bot without a token): sends answer 403 after this."""
        self._set_blocked(user_id, token, blocked=True)

    def unblock_bot(self, user_id: int, token: str | None = None) -> None:
        """The person unblocks the bot again (restarts it)."""
        self._set_blocked(user_id, token, blocked=False)

    def _set_blocked(self, user_id: int, token: str | None, *, blocked: bool) -> None:
        user = self._person(user_id)
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
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": member if blocked else kicked,
                    "new_chat_member": kicked if blocked else member,
                },
            )

"""Hostile updates for tests/bot/test_fuzz.py: what a person, or a modified Telegram client,
can make Telegram deliver to the bot, put into the Bot API emulator's update queue, and a
watch on what the dispatcher made of each one.

Besides texts, own contacts and taps on buttons the bot really sent, the emulator's person
API can send what only a modified client would: any message fields, in a group too
(`send_raw`), an edit (`edit_text`), and callback queries with forged data, about any
message or about none the bot can see (`send_callback_query`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from domain.i18n import translate
from sandbox import BotApiEmulator

JsonDict = dict[str, Any]

# What the dispatcher logs when it has finished with an update (handlers, middlewares and
# the error handler included): "Update id=N is handled" or "... is not handled".
OUTCOME_PREFIX = "Update id="

GENERIC_ERROR = "Sorry, something went wrong. Please try again, or open the menu: /menu"
THROTTLED = "Too many taps at once; please wait a second."
# Never in anything the bot shows: a traceback, an exception's name, a Python None, or a
# placeholder left unformatted.
IMPOLITE = re.compile(r"Traceback|Exception\b|Error\b|\bNone\b|\{[a-z_0-9]*\}")


def in_every_language(message: str) -> set[str]:
    return {translate(language, message) for language in ("ru", "en")}


class Outcomes(logging.Handler):
    """Follows aiogram's "Update id=N is handled / not handled" line of each update, and keeps
    every record at ERROR or above from any logger: our error handler's "update N failed",
    aiogram's "Cause exception while process update", a failed poll, the emulator's own."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.outcome: dict[int, str] = {}
        self.errors: list[logging.LogRecord] = []
        self._waiting: dict[int, asyncio.Future[str]] = {}
        self._loop = asyncio.get_running_loop()

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR:
            self.errors.append(record)
        message = record.msg if isinstance(record.msg, str) else ""
        if record.name == "aiogram.event" and message.startswith(OUTCOME_PREFIX) and record.args:
            args = record.args if isinstance(record.args, tuple) else ()
            if len(args) >= 2:
                self._loop.call_soon_threadsafe(self._settle, int(args[0]), str(args[1]))

    def _settle(self, update_id: int, outcome: str) -> None:
        self.outcome[update_id] = outcome
        waiter = self._waiting.pop(update_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(outcome)

    async def wait(self, update_id: int, timeout: float = 15.0) -> str:
        """ "handled" or "not handled", once the dispatcher is done with the update."""
        if update_id in self.outcome:
            return self.outcome[update_id]
        waiter = self._waiting.setdefault(update_id, self._loop.create_future())
        try:
            async with asyncio.timeout(timeout):
                return await waiter
        except TimeoutError:
            raise AssertionError(f"update {update_id} was not processed in {timeout}s") from None

    def error_lines(self) -> list[str]:
        return [
            f"{r.name}: {r.getMessage()}"[:2000] + (f" [{r.exc_info[1]!r}]" if r.exc_info else "")
            for r in self.errors
        ]


@contextlib.contextmanager
def watching() -> Iterator[Outcomes]:
    """Outcomes on the root logger for the block, with aiogram's update lines switched on."""
    handler = Outcomes()
    event_logger = logging.getLogger("aiogram.event")
    root = logging.getLogger()
    level = event_logger.level
    event_logger.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        event_logger.setLevel(level)


class Pace:
    """A person's own token bucket, kept under the bot's throttle (a burst of 12, 4 a second):
    an update the throttle drops is answered by silence, which the fuzzer could not tell from
    a lost answer."""

    def __init__(self, burst: float = 9.0, rate: float = 3.4) -> None:
        self._burst = burst
        self._rate = rate
        self._tokens = burst
        self._stamp = time.monotonic()

    async def take(self) -> None:
        while True:
            now = time.monotonic()
            self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return
            await asyncio.sleep((1.0 - self._tokens) / self._rate)


@dataclass
class Reply:
    """What the bot did about one update."""

    update_id: int
    outcome: str
    what: str = ""  # the update, shortly: for failure messages
    new: list[JsonDict] = field(default_factory=list)  # bot messages sent to the chat
    answer: JsonDict | None = None  # the callback answer, for a tap
    carrier: JsonDict | None = None  # the tapped message as it is now

    def texts(self) -> list[str]:
        shown = [m.get("text") or m.get("caption") or "" for m in self.new]
        if self.answer is not None and self.answer.get("text"):
            shown.append(str(self.answer["text"]))
        if self.carrier is not None:
            shown.append(str(self.carrier.get("text") or ""))
        return shown


class Chat:
    """One person's private chat with the bot, driven update by update: each call injects
    one update, waits until the dispatcher is done with it, and answers what the bot did."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        token: str,
        user_id: int,
        outcomes: Outcomes,
        counts: Counter[str],
        *,
        pace: Pace | None = None,
    ) -> None:
        self.emulator = emulator
        self.token = token
        self.id = user_id
        self.outcomes = outcomes
        self.counts = counts
        self.pace = pace or Pace()

    # -- observation ------------------------------------------------------------------------

    def sent_count(self) -> int:
        return len(self.emulator.sent(self.id, self.token))

    def last(self) -> JsonDict:
        message = self.emulator.last_sent(self.id, self.token)
        assert message is not None, f"the bot has sent nothing to {self.id}"
        return message

    def message(self, message_id: int) -> JsonDict:
        message = self.emulator.message(self.id, message_id, self.token)
        assert message is not None, f"no message {message_id} in chat {self.id}"
        return message

    def buttons(self, message: JsonDict | None = None) -> list[JsonDict]:
        markup = (message or self.last()).get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def data_starting(self, prefix: str, message: JsonDict | None = None) -> list[str]:
        return [
            str(b["callback_data"])
            for b in self.buttons(message)
            if str(b.get("callback_data", "")).startswith(prefix)
        ]

    def newest_with(self, prefix: str) -> tuple[JsonDict, str]:
        """The newest bot message with a button whose data starts with `prefix`."""
        for message in reversed(self.emulator.sent(self.id, self.token)):
            found = self.data_starting(prefix, message)
            if found:
                return message, found[0]
        raise AssertionError(f"no button {prefix!r} in chat {self.id}")

    def own_messages(self) -> list[JsonDict]:
        messages = self.emulator.messages(self.id, self.token)
        return [m for m in messages if not m["from"].get("is_bot")]

    # -- updates ----------------------------------------------------------------------------

    async def _settle(self, update_id: int, before: int, what: str) -> Reply:
        outcome = await self.outcomes.wait(update_id)
        sent = self.emulator.sent(self.id, self.token)
        return Reply(update_id, outcome, what=what[:120], new=sent[before:])

    async def text(self, category: str, text: str) -> Reply:
        """Send text (the emulator marks commands as Telegram does); a reply is expected."""
        await self.pace.take()
        before = self.sent_count()
        update = self.emulator.send_text(self.token, self.id, text)
        return self._expect_reply(
            category, await self._settle(update["update_id"], before, repr(text))
        )

    async def share_own_contact(self, category: str, phone: str) -> Reply:
        await self.pace.take()
        before = self.sent_count()
        update = self.emulator.send_contact(self.token, self.id, phone)
        return self._expect_reply(
            category, await self._settle(update["update_id"], before, f"contact {phone!r}")
        )

    async def send(self, category: str, fields: JsonDict) -> Reply:
        """Any message (media, a contact card, a location...); a reply is expected."""
        await self.pace.take()
        before = self.sent_count()
        update = self.emulator.send_raw(self.token, self.id, fields)
        return self._expect_reply(
            category, await self._settle(update["update_id"], before, repr(fields))
        )

    def _expect_reply(self, category: str, reply: Reply) -> Reply:
        self.counts[category] += 1
        assert reply.outcome == "handled", f"{category}: {reply.what} not handled"
        assert reply.new, f"{category}: no answer to {reply.what} in chat {self.id}"
        return reply

    def inject_text(self, text: str) -> int:
        """Send text without waiting for anything (a flood); answers the update id."""
        return int(self.emulator.send_text(self.token, self.id, text)["update_id"])

    def inject_tap(self, data: str, message: JsonDict) -> tuple[int, str]:
        """Tap without waiting for anything; answers the update id and the query id."""
        update = self.emulator.send_callback_query(self.token, self.id, data, message)
        return update["update_id"], update["callback_query"]["id"]

    async def edit(self, category: str, text: str) -> Reply:
        """Edit the person's newest own message: the bot deliberately ignores edits."""
        own = self.own_messages()
        assert own, "nothing to edit"
        before = self.sent_count()
        update = self.emulator.edit_text(self.token, self.id, own[-1]["message_id"], text)
        reply = await self._settle(update["update_id"], before, f"edit to {text!r}")
        self.counts[category] += 1
        assert reply.outcome == "not handled", f"an edited message was acted on: {reply}"
        assert not reply.new, f"an edited message was answered: {reply.texts()}"
        return reply

    async def tap(
        self, category: str, data: str, message: JsonDict | None = None, *, pace: bool = True
    ) -> Reply:
        """Tap a button with `data` on a bot message (the newest by default), whether the
        message has that button or not: a modified client can send any data."""
        if pace:
            await self.pace.take()
        carrier = message or self.last()
        before = self.sent_count()
        update = self.emulator.send_callback_query(self.token, self.id, data, carrier)
        return await self._answered(category, update, before=before, carrier=carrier, data=data)

    async def in_group(self, category: str, group: JsonDict, fields: JsonDict) -> Reply:
        """A message from this person in a group the bot was added to: deliberately ignored
        (nothing is sent anywhere; the caller checks the group got nothing)."""
        await self.pace.take()
        before = self.sent_count()
        update = self.emulator.send_raw(self.token, self.id, fields, chat=group)
        reply = await self._settle(update["update_id"], before, f"in a group: {fields!r}")
        self.counts[category] += 1
        assert not reply.new, f"a group message was answered in private: {reply.texts()}"
        return reply

    async def tap_in_group(self, category: str, group: JsonDict, data: str) -> Reply:
        """A tap on a bot message with buttons in a group: answered, nothing else."""
        await self.pace.take()
        before = self.sent_count()
        carrier = {
            "message_id": 1,
            "from": self.emulator.bot_user(self.token),
            "chat": group,
            "date": int(time.time()),
            "text": "…",
            "reply_markup": {"inline_keyboard": [[{"text": "…", "callback_data": data}]]},
        }
        update = self.emulator.send_callback_query(self.token, self.id, data, carrier)
        reply = await self._answered(
            category, update, before=before, carrier=None, data=f"{data!r} in a group"
        )
        assert not reply.new, f"a tap in a group was answered in private: {reply.texts()}"
        return reply

    async def tap_inaccessible(self, category: str, data: str, *, inline: bool = False) -> Reply:
        """A tap on a message too old for the bot to see (date 0), or on an inline-mode
        message (no message at all)."""
        await self.pace.take()
        before = self.sent_count()
        if inline:
            update = self.emulator.send_callback_query(
                self.token, self.id, data, inline_message_id=f"AAA{self.id}"
            )
        else:
            inaccessible = {"message_id": 1, "date": 0, "chat": self.last()["chat"]}
            update = self.emulator.send_callback_query(self.token, self.id, data, inaccessible)
        what = f"{data!r} on {'an inline' if inline else 'an inaccessible'} message"
        return await self._answered(category, update, before=before, carrier=None, data=what)

    async def _answered(
        self,
        category: str,
        update: JsonDict,
        *,
        before: int,
        carrier: JsonDict | None,
        data: str,
    ) -> Reply:
        """What the bot did about the tap in the callback_query `update`."""
        query_id = update["callback_query"]["id"]
        reply = await self._settle(update["update_id"], before, f"tap {data!r}")
        reply.answer = self.emulator.callback_answer(query_id)
        if carrier is not None:
            reply.carrier = self.emulator.message(self.id, carrier["message_id"], self.token)
        self.counts[category] += 1
        assert reply.outcome == "handled", f"{category}: {reply.what} not handled"
        assert reply.answer is not None, f"{category}: callback {query_id} left spinning"
        return reply


# -- hostile payloads ----------------------------------------------------------------------

RTL = "\u202e"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
EMOJI = ["👨‍👩‍👧‍👦", "🇷🇺", "🏳️‍🌈", "🤦🏽‍♀️", "😀", "🧠", "❤️", "👍🏿", "🫠"]


def long_text(rng: random.Random, length: int = 4096) -> str:
    """Exactly `length` characters of Cyrillic, Latin, digits, newlines and emoji."""
    alphabet = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяABCxyz0123456789 \n.,!?—«»"
    text = "".join(rng.choice(alphabet) for _ in range(length - 8)) + "".join(
        rng.choice(["😀", "🧠", "я", "z"]) for _ in range(8)
    )
    assert len(text) == length
    return text


def odd_text(rng: random.Random) -> str:
    """Text that trips careless code: NUL and other controls, bidi overrides, zero-width
    characters, combining marks, emoji sequences, markup and format strings."""
    pieces = [
        "\x00",
        "a\x00b",
        f"{RTL}Анна{RTL}",
        "\u200fשלום\u200e",
        ZERO_WIDTH,
        "e\u0301\u0301\u0301\u0301",
        rng.choice(EMOJI) * rng.randint(1, 20),
        "<b>bold</b> <a href='x'>",
        "*bold* _it_ `code` [a](tg://user?id=1)",
        "{0!r} {name!s} {.__class__} %s %(name)s {{",
        "Robert'); DROP TABLE clients;--",
        "\t\r\n\x07\x1b[31m",
        "\ud7ff\ue000\uffff",
        "ß" * 50,
    ]
    chosen = rng.sample(pieces, k=rng.randint(2, 5))
    return "x" + "".join(chosen)


UNKNOWN_COMMANDS = [
    "/unknown",
    "/admin",
    "/START",
    "/start@not_this_bot",
    "/sessions@another_bot",
    "/help",
    "/settings",
    "/cancel",
    "/stop",
    "/board",
    "/login",
    "/invite",
    "/start utm_psy_999999999",
    "/start utm_psy_-1",
    "/start utm_psy_99999999999999999999",
    "/start hh_0000000",
    "/start hh_ЖЖЖЖЖЖЖ",
    "/start mgr_" + "A" * 60,
    "/start mgr_../../etc",
    "/start " + "x" * 300,
    "/" + "a" * 40,
    "/menu extra words here",
]


def unknown_command(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return "/" + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz_0123456789") for _ in "xxxxxx")
    return rng.choice(UNKNOWN_COMMANDS)


def _file(rng: random.Random, kind: str) -> JsonDict:
    unique = f"{kind}{rng.randrange(10**9)}"
    return {"file_id": f"F{unique}", "file_unique_id": unique}


def media(rng: random.Random, kind: str, *, caption: str | None = None) -> JsonDict:
    """One message of `kind` (sticker, photo, voice, ...) as Telegram delivers it."""
    fields: JsonDict
    if kind == "sticker":
        fields = {
            "sticker": {
                **_file(rng, kind),
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": rng.choice(EMOJI),
            }
        }
    elif kind == "photo":
        fields = {
            "photo": [
                {**_file(rng, kind), "width": 90, "height": 90, "file_size": 1200},
                {**_file(rng, kind), "width": 1280, "height": 960, "file_size": 180_000},
            ]
        }
    elif kind == "voice":
        fields = {"voice": {**_file(rng, kind), "duration": 7, "mime_type": "audio/ogg"}}
    elif kind == "video_note":
        fields = {"video_note": {**_file(rng, kind), "length": 240, "duration": 5}}
    elif kind == "document":
        fields = {
            "document": {
                **_file(rng, kind),
                "file_name": "../../etc/passwd\x00.pdf",
                "mime_type": "application/x-msdownload",
            }
        }
    elif kind == "animation":
        fields = {
            "animation": {**_file(rng, kind), "width": 320, "height": 240, "duration": 3},
            "document": {**_file(rng, kind), "mime_type": "video/mp4"},
        }
    elif kind == "audio":
        fields = {"audio": {**_file(rng, kind), "duration": 200, "title": RTL + "song"}}
    elif kind == "location":
        fields = {"location": {"latitude": 55.7558, "longitude": 37.6173}}
    elif kind == "venue":
        fields = {
            "location": {"latitude": -89.9, "longitude": 179.9},
            "venue": {
                "location": {"latitude": -89.9, "longitude": 179.9},
                "title": "🏥" * 30,
                "address": "\x00",
            },
        }
    elif kind == "dice":
        fields = {"dice": {"emoji": "🎲", "value": rng.randint(1, 6)}}
    else:
        raise ValueError(kind)
    if caption is not None and kind in {"photo", "voice", "document", "animation", "audio"}:
        fields["caption"] = caption
    return fields


MEDIA_KINDS = (
    "sticker",
    "photo",
    "voice",
    "video_note",
    "document",
    "animation",
    "audio",
    "location",
    "venue",
    "dice",
)


def contact_card(phone: str, first_name: str, user_id: int | None) -> JsonDict:
    contact: JsonDict = {"phone_number": phone, "first_name": first_name}
    if user_id is not None:
        contact["user_id"] = user_id
    return {"contact": contact}


# -- forged callback data ------------------------------------------------------------------

BAD_INTS = [
    "-1",
    "0",
    "-2147483649",
    "2147483648",
    "9223372036854775808",
    "1" * 30,
    "abc",
    "",
    "1e3",
    " 1",
    "0x10",
    "١٢٣",
    "1_000",
    "+5",
    "NaN",
]
BAD_WORDS = ["", "x", "OPEN", "delete", "admin", "ok ", "1", "None", "true", "Ж"]
MENU_ITEMS = ["home", "book", "sessions", "hh", "lang", "today", "upcoming", "anketa", "tickets"]
ACTIONS = ["confirm", "reschedule", "cancel", "open", "move", "switch", "keep", "noreason"]
# prefix -> the kinds of its fields, in order (bot/callbacks.py).
FACTORIES: dict[str, tuple[str, ...]] = {
    "m": ("menu",),
    "lg": ("word",),
    "q": ("int",),
    "pr": ("int",),
    "p": ("int", "int", "mode"),
    "w": ("int", "int", "int", "mode"),
    "s": ("int", "int", "mode"),
    "h": ("hold", "int", "int", "mode"),
    "ap": ("action", "int"),
    "rv": ("int", "int"),
    "t": ("int", "bool"),
    "tk": ("int", "int"),
}


def fits(data: str) -> bool:
    return 1 <= len(data.encode()) <= 64


def random_data(rng: random.Random) -> str:
    """Random callback data of up to 64 bytes, separators included."""
    alphabet = "abcxyz:0123456789-_ %/\\'\"{}Ж😀\x00"
    while True:
        data = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        if fits(data):
            return data


def forged_data(rng: random.Random, prefix: str) -> str:
    """Data with one of our prefixes and values that are out of range, of the wrong type,
    or too few or too many."""
    kinds = list(FACTORIES[prefix])
    values = []
    for kind in kinds:
        good = {
            "int": str(rng.randint(1, 50)),
            "menu": rng.choice(MENU_ITEMS),
            "word": rng.choice(["ru", "en"]),
            "mode": rng.choice("bms"),
            "hold": rng.choice(["ok", "rf", "bk"]),
            "action": rng.choice(ACTIONS),
            "bool": rng.choice("01"),
        }[kind]
        bad = rng.choice(BAD_INTS) if kind in {"int", "bool"} else rng.choice(BAD_WORDS)
        values.append(bad if rng.random() < 0.6 else good)
    shape = rng.random()
    if shape < 0.1:
        values = values[:-1]
    elif shape < 0.2:
        values.append(rng.choice(BAD_INTS))
    data = ":".join([prefix, *values])
    return data if fits(data) else prefix + ":" + ":".join("9" for _ in kinds)

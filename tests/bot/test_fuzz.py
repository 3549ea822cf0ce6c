"""The real dispatcher under random and hostile updates, with a seed that changes with each
commit and is printed (tests/harness/seeds.py: replay a failure with FUZZ_SEED=<seed>).

Everyone at once: newcomers, clients in each step of booking, cancelling with a reason, a
help-hand request and a review, a psychologist, a manager, and attackers who forge callback
data (random bytes, our prefixes with wrong / huge / negative values, another client's
appointment), tap messages the bot can no longer see, write and tap in a group the bot was
added to, and send media, contacts of other people, locations, 4,096-character texts,
NUL / RTL / emoji texts, unknown commands and edits wherever text is expected. Then a flood
from one user, beside someone who must still be answered.

Each update is followed to the dispatcher's own "handled" line: a message gets an answer,
a tap gets its callback answer (no spinner), an edit or anything in a group is deliberately
ignored (the bot says nothing in a group, where others would read it); nothing the bot
shows is a traceback or the catch-all apology; no ERROR is logged. Afterwards the database is
whole (no appointment without its slot, no booked slot without its appointment, no request
left from a booking that did not happen, no hold from a forged tap) and the victim's session
is as it was, unseen and untouched by anyone else.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot

from bot.handlers.booking import initiator_of
from db.enums import AppointmentStatus, SlotStatus, TicketKind
from db.models import Appointment, Client, Manager, Psychologist, Review, Slot, Ticket
from domain.booking import appointments, client_booking
from domain.people.clients import normalise_phone
from domain.statuses import ACTIVE
from domain.tickets import help_hand
from domain.tickets.help_hand import TIERS
from domain.timerules import utcnow
from sandbox import BotApiEmulator
from tests.harness.bot_users import Person, register
from tests.harness.bots import TOKEN
from tests.harness.builders import make_bookable_psychologist
from tests.harness.fuzz_updates import (
    GENERIC_ERROR,
    IMPOLITE,
    MEDIA_KINDS,
    THROTTLED,
    Chat,
    Outcomes,
    Reply,
    contact_card,
    forged_data,
    in_every_language,
    long_text,
    media,
    odd_text,
    random_data,
    unknown_command,
    watching,
)
from tests.harness.seeds import fuzz_seed

OUR_PREFIXES = ("m", "lg", "q", "pr", "p", "w", "s", "h", "ap", "rv", "t", "tk")
# How often each kind of hostile update must have been sent: what a seed's random shares leave
# short of these is sent at the end by one more client (`top_up`), so a seed changes the
# payloads and their order, never whether a kind is exercised enough.
FLOORS = {
    "forged data: random": 20,
    "forged data: our prefixes, bad values": 60,
    "forged data: another user's ids": 20,
    "stale button": 6,
    "expired hold": 6,
    "edited message": 10,
    "4096-character text": 5,
    "odd text (NUL, RTL, zero-width, emoji, markup)": 10,
    "unknown command": 3,
    "group chat: ignored": 8,
    "tap on an inaccessible or inline message": 3,
    "contact of another person": 3,
    "own contact, bad phone": 8,
}
MEDIA_FLOOR = 9
log = logging.getLogger(__name__)

SLOT_HOURS = tuple(range(30, 30 + 2 * 30, 2))  # 30 slots each, from 30 h ahead
APOLOGY = in_every_language(GENERIC_ERROR)
GONE = "This session is no longer available; here is the current list."
OUT_OF_DATE = "This button is out of date; here is the menu."
FALLBACK = "I did not understand that; please use the buttons."
OWN_NUMBER = "Please share your own number with the button below."
# A group the bot was added to, with the attackers in it.
GROUP = {"id": -1001234567890, "type": "supergroup", "title": "Therapy chat 🧠"}


@dataclass
class Targets:
    """Other people's ids the attackers aim at."""

    victim_appointment_id: int = 0
    victim_slot_id: int = 0
    free_slot_id: int = 0  # a free slot of the victim's psychologist
    maria_id: int = 0
    help_ticket_id: int = 0
    mallory_appointment_id: int = 0


class Fuzz:
    """The seed, the tally per category, and the targets."""

    def __init__(self, emulator: BotApiEmulator, outcomes: Outcomes, seed: int) -> None:
        self.emulator = emulator
        self.outcomes = outcomes
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self.targets = Targets()

    def chat(self, someone: Person | int) -> Chat:
        user_id = someone if isinstance(someone, int) else someone.id
        return Chat(self.emulator, TOKEN, user_id, self.outcomes, self.counts)

    def fork(self) -> random.Random:
        """An actor's own generator: actors run concurrently, so sharing one would make the
        sequence depend on their interleaving."""
        return random.Random(self.rng.randrange(2**32))


def polite(reply: Reply) -> Reply:
    for text in reply.texts():
        assert text.strip(), f"an empty text was shown for {reply.what}"
        assert text not in APOLOGY and not any(a in text for a in APOLOGY), (
            f"{reply.what} fell through to the catch-all: {reply.texts()}"
        )
        assert not IMPOLITE.search(text), f"impolite answer to {reply.what}: {text[:300]!r}"
    return reply


def storable(text: str, limit: int) -> str:
    """What the bot keeps of a typed text: no NUL (PostgreSQL refuses it), cut to `limit`."""
    return text.replace("\x00", "")[:limit]


def shows(reply: Reply, fragment: str) -> bool:
    return any(fragment in text for text in reply.texts())


# -- payloads ----------------------------------------------------------------------------------


def non_text(rng: random.Random, other: Person) -> tuple[str, dict[str, Any]]:
    """Something that is not text, for a step that expects text."""
    roll = rng.random()
    if roll < 0.15:
        return "contact of another person", contact_card(other.phone, "Someone", other.id)
    if roll < 0.22:
        return "contact of another person", contact_card("+79990001122", "No Telegram", None)
    kind = rng.choice(MEDIA_KINDS)
    caption = odd_text(rng) if rng.random() < 0.5 else None
    return f"media where text is expected: {kind}", media(rng, kind, caption=caption)


def hostile_text(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.35:
        return "4096-character text", long_text(rng)
    if roll < 0.8:
        return "odd text (NUL, RTL, zero-width, emoji, markup)", odd_text(rng)
    return "unknown command", unknown_command(rng)


async def sweep(chat: Chat, rng: random.Random, other: Person, expect: str = "") -> None:
    """Every kind of non-text message, in a random order, where the chat's step wants text;
    each is answered (with `expect`, when given) and the step stays."""
    kinds = list(MEDIA_KINDS)
    rng.shuffle(kinds)
    payloads = [(f"media where text is expected: {kind}", media(rng, kind)) for kind in kinds]
    payloads.append(("contact of another person", contact_card(other.phone, "O", other.id)))
    payloads.append(("contact of another person", contact_card("+79990001122", "N", None)))
    for category, fields in payloads:
        reply = polite(await chat.send(category, fields))
        if expect:
            assert shows(reply, expect), (category, reply.texts())


async def hostile_message(chat: Chat, rng: random.Random, other: Person) -> Reply:
    if rng.random() < 0.5:
        category, fields = non_text(rng, other)
        return polite(await chat.send(category, fields))
    category, text = hostile_text(rng)
    return polite(await chat.text(category, text))


async def forged_taps(chat: Chat, rng: random.Random, count: int) -> None:
    for _ in range(count):
        roll = rng.random()
        if roll < 0.35:
            polite(await chat.tap("forged data: random", random_data(rng)))
        elif roll < 0.92:
            prefix = rng.choice(OUR_PREFIXES)
            polite(
                await chat.tap("forged data: our prefixes, bad values", forged_data(rng, prefix))
            )
        else:
            data = rng.choice(["m:home", "m:book", "m:sessions", forged_data(rng, "ap")])
            polite(
                await chat.tap_inaccessible(
                    "tap on an inaccessible or inline message", data, inline=rng.random() < 0.5
                )
            )


async def top_up(fuzz: Fuzz, someone: Person, other: Person, rng: random.Random) -> None:
    """One more client at the main menu sends whatever of the random shares a seed left short
    of FLOORS (the kinds the other actors draw by chance)."""
    chat = fuzz.chat(someone)
    texts = {
        "4096-character text": long_text,
        "odd text (NUL, RTL, zero-width, emoji, markup)": odd_text,
        "unknown command": unknown_command,
    }
    for category, make in texts.items():
        while fuzz.counts[category] < FLOORS[category]:
            polite(await chat.text(category, make(rng)))
    taps = {
        "forged data: random": lambda: random_data(rng),
        "forged data: our prefixes, bad values": lambda: forged_data(
            rng, rng.choice(OUR_PREFIXES)
        ),
    }
    for category, data in taps.items():
        while fuzz.counts[category] < FLOORS[category]:
            polite(await chat.tap(category, data()))
    category = "tap on an inaccessible or inline message"
    while fuzz.counts[category] < FLOORS[category]:
        polite(await chat.tap_inaccessible(category, "m:home", inline=rng.random() < 0.5))
    category = "contact of another person"
    while fuzz.counts[category] < FLOORS[category]:
        polite(await chat.send(category, contact_card(other.phone, "Someone", other.id)))
    for kind in MEDIA_KINDS:
        category = f"media where text is expected: {kind}"
        while fuzz.counts[category] < MEDIA_FLOOR:
            polite(await chat.send(category, media(rng, kind)))


# -- the cast ----------------------------------------------------------------------------------


async def first_free_slot(psychologist: Psychologist) -> Slot:
    slot = (
        await Slot.filter(psychologist_id=psychologist.id, status=SlotStatus.FREE)
        .order_by("starts_at")
        .first()
    )
    assert slot is not None
    return slot


async def book_directly(client: Client, psychologist: Psychologist) -> Appointment:
    slot = await first_free_slot(psychologist)
    await appointments.hold_slot(client.id, slot.id)
    booked = await client_booking.book_with_request(
        client.id, slot.id, ["anxiety"], {}, initiator_of(client), max_active=0
    )
    return await Appointment.get(id=booked.id)


async def menu_message(chat: Chat) -> dict[str, Any]:
    reply = polite(await chat.text("legit step", "/menu"))
    return reply.new[-1]


async def newcomer(fuzz: Fuzz, someone: Person, victim: Person, rng: random.Random) -> None:
    """Not registered: hostile messages and taps before /start and in Registration.contact,
    then a real registration that must still work."""
    chat = fuzz.chat(someone)
    for _ in range(3):
        await hostile_message(chat, rng, victim)
    await forged_taps(chat, rng, 2)
    polite(await chat.text("legit step", "/start"))
    await sweep(chat, rng, victim)
    reply = polite(
        await chat.send("contact of another person", contact_card(victim.phone, "V", victim.id))
    )
    assert set(reply.texts()) & in_every_language(OWN_NUMBER), reply.texts()
    for bad in ("+0", "не телефон", "+7916\x00123", "1" * 40):
        reply = polite(await chat.share_own_contact("own contact, bad phone", bad))
        assert not await Client.exists(telegram_id=someone.id)
    await forged_taps(chat, rng, 3)
    await chat.edit("edited message", odd_text(rng))
    polite(await chat.text("legit step", "/start"))
    polite(await chat.share_own_contact("legit step", someone.phone))
    client = await Client.get(telegram_id=someone.id)
    assert client.phone == normalise_phone(someone.phone)


async def booker(
    fuzz: Fuzz,
    someone: Person,
    victim: Person,
    target: Psychologist,
    rng: random.Random,
    *,
    sweep_at: str,
) -> None:
    """A registered client through every booking step, with hostile input at each one.
    Forged data that still parses keeps the flow; data that does not is tried at the end
    (it is answered as an outdated button, which leaves the flow)."""
    chat = fuzz.chat(someone)
    client = await Client.get(telegram_id=someone.id)
    forged = "forged data: our prefixes, bad values"
    menu = await menu_message(chat)
    polite(await chat.tap("legit step", "m:book", menu))
    if sweep_at == "requests":
        await sweep(chat, rng, victim, FALLBACK)
    category, fields = non_text(rng, victim)
    assert shows(polite(await chat.send(category, fields)), FALLBACK)
    for data in rng.sample(["q:99", "q:2147483647", "q:-0"], 2):
        polite(await chat.tap(forged, data, menu))
    wanted = target.queries[0]
    toggle = next(b for b in chat.buttons(chat.message(menu["message_id"])) if wanted in b["text"])
    if not toggle["text"].startswith("✓"):
        polite(await chat.tap("legit step", toggle["callback_data"], menu))
    category, note = hostile_text(rng)
    if note.startswith("/"):
        note = "x" + note  # a command here would leave the flow
    polite(await chat.text(category, note))
    if sweep_at == "preferences":
        await sweep(chat, rng, victim, FALLBACK)
    category, fields = non_text(rng, victim)
    polite(await chat.send(category, fields))
    for data in rng.sample(["pr:-5", "pr:99999999999", "pr:-99999999999999999999"], 2):
        polite(await chat.tap(forged, data))
    reply = polite(await chat.tap("legit step", "pr:0", menu))
    card = next(m for m in reply.new if m.get("text", "").startswith(target.name))
    psychologist_data = chat.data_starting("p:", card)[0]
    polite(await chat.tap("legit step", psychologist_data, card))
    weeks = [f"w:{target.id}:-5:0:b", f"w:{target.id}:99999999999:0:b", "w:2147483647:0:0:b"]
    weeks += ["w:99999999999:0:0:b", "p:-1:0:b", "p:2147483647:0:b", "s:2147483648:0:b"]
    weeks += ["s:-3:0:b", "s:2147483647:0:b"]
    for data in rng.sample(weeks, 4):
        polite(await chat.tap(forged, data, card))
    polite(await chat.tap("legit step", psychologist_data, card))
    if sweep_at == "choosing":
        await sweep(chat, rng, victim, FALLBACK)
    polite(await hostile_message(chat, rng, victim))
    week = chat.message(card["message_id"])
    slot_data = rng.choice(chat.data_starting("s:", week))
    slot_id = int(slot_data.split(":")[1])
    reply = polite(await chat.tap("legit step", slot_data, week))
    assert shows(reply, "held for you"), reply.texts()
    other = await Slot.filter(psychologist_id=target.id, status=SlotStatus.FREE).first()
    assert other is not None
    holds = [f"h:ok:{other.id}:0:b", "h:ok:99999999999:0:b", "h:rf:-1:0:b", "h:bk:2147483647:0:b"]
    for data in rng.sample(holds, 2):
        polite(await chat.tap(forged, data, week))
    assert not await Appointment.exists(slot_id=other.id)
    polite(await chat.tap("legit step", slot_data, week))
    await chat.edit("edited message", odd_text(rng))
    reply = polite(await chat.tap("legit step", f"h:ok:{slot_id}:0:b", week))
    assert shows(reply, "You are booked"), reply.texts()
    booked = await Appointment.get(slot_id=slot_id, client_id=client.id).prefetch_related("ticket")
    assert booked.ticket is not None
    assert booked.ticket.queries[-1] == storable(note, 500)
    # Stale: the same screens again, after the booking; then data that does not parse.
    polite(await chat.tap("stale button", f"h:ok:{slot_id}:0:b", week))
    polite(await chat.tap("stale button", "q:0", menu))
    polite(await chat.tap("stale button", slot_data, week))
    unparsed = ["q:abc", "q:1:2", "q:99999999999999999999", "pr:1e3", f"w:{target.id}:0:0:q"]
    unparsed += ["h:zz:1:0:b", "s:1:0:b:9", "ap:open:", "rv::"]
    for data in rng.sample(unparsed, 3):
        reply = polite(await chat.tap(forged, data, week))
        assert reply.answer is not None and reply.answer.get("text") == OUT_OF_DATE
    assert await Appointment.filter(slot_id=slot_id).count() == 1


async def canceller(fuzz: Fuzz, someone: Person, victim: Person, rng: random.Random) -> None:
    """Cancelling.reason: anything but text keeps the question open; an edit cancels nothing;
    hostile text is the reason, stored as sent (up to 1,000 characters)."""
    chat = fuzz.chat(someone)
    client = await Client.get(telegram_id=someone.id)
    appointments = await Appointment.filter(client_id=client.id).order_by("id")
    first_id = appointments[0].id
    for appointment in appointments:
        listing = polite(await chat.text("legit step", "/sessions")).new[-1]
        polite(await chat.tap("legit step", f"ap:open:{appointment.id}", listing))
        victim_id = fuzz.targets.victim_appointment_id
        reply = polite(
            await chat.tap("forged data: another user's ids", f"ap:noreason:{victim_id}", listing)
        )
        assert reply.answer is not None and reply.answer.get("text") == GONE
        polite(await chat.tap("legit step", f"ap:open:{appointment.id}", listing))
        reply = polite(await chat.tap("legit step", f"ap:cancel:{appointment.id}", listing))
        assert shows(reply, "Please tell us why"), reply.texts()
        if appointment.id == first_id:
            await sweep(chat, rng, victim, FALLBACK)
        for _ in range(2):
            category, fields = non_text(rng, victim)
            assert shows(polite(await chat.send(category, fields)), FALLBACK)
        await chat.edit("edited message", "changed my mind")
        assert (await Appointment.get(id=appointment.id)).status == AppointmentStatus.NEW
        category, reason = hostile_text(rng)
        if reason.startswith("/"):
            reason = "x" + reason
        reply = polite(await chat.text(category, reason))
        assert shows(reply, "is cancelled"), reply.texts()
        cancelled = await Appointment.get(id=appointment.id)
        assert cancelled.status == AppointmentStatus.CANCELLED
        assert cancelled.cancel_reason == storable(reason, 1000)
        polite(await chat.tap("stale button", f"ap:cancel:{appointment.id}", listing))
        polite(await chat.tap("stale button", f"ap:confirm:{appointment.id}", listing))


async def helper(fuzz: Fuzz, someone: Person, victim: Person, rng: random.Random) -> None:
    """HelpHand.request: forged tiers, then anything but text, then hostile text."""
    chat = fuzz.chat(someone)
    for _round in range(2):
        menu = await menu_message(chat)
        polite(await chat.tap("legit step", "m:hh", menu))
        for data in ("t:99:0", "t:-2147483649:0", "t:1:2", "t:5:0", "tk:1:0"):
            polite(await chat.tap("forged data: our prefixes, bad values", data, menu))
        polite(await chat.tap("legit step", f"t:{rng.randrange(5)}:0", menu))
        if _round == 0:
            await sweep(chat, rng, victim, FALLBACK)
        for _ in range(2):
            category, fields = non_text(rng, victim)
            assert shows(polite(await chat.send(category, fields)), FALLBACK)
        category, text = hostile_text(rng)
        if text.startswith("/"):
            text = "x" + text
        reply = polite(await chat.text(category, text))
        assert shows(reply, "is open"), reply.texts()
        opened = await Ticket.filter(client__telegram_id=someone.id).order_by("-id").first()
        assert opened is not None and opened.queries == [storable(text, 500)]
    tickets = await Ticket.filter(client__telegram_id=someone.id, kind=TicketKind.HELP_HAND)
    assert len(tickets) == 2


async def reviewer(fuzz: Fuzz, someone: Person, victim: Person, rng: random.Random) -> None:
    """Reviewing.text after a rating tap; forged ratings and another's session refused."""
    chat = fuzz.chat(someone)
    client = await Client.get(telegram_id=someone.id)
    done = await Appointment.get(client_id=client.id, status=AppointmentStatus.COMPLETED)
    menu = await menu_message(chat)
    victim_id = fuzz.targets.victim_appointment_id
    for data in (f"rv:{done.id}:0", f"rv:{done.id}:99", f"rv:{done.id}:-1", f"rv:{victim_id}:5"):
        reply = polite(await chat.tap("forged data: our prefixes, bad values", data, menu))
        assert reply.answer is not None and reply.answer.get("text"), reply.texts()
    for turn, rating in enumerate((rng.randint(1, 5), rng.randint(1, 5))):
        reply = polite(await chat.tap("legit step", f"rv:{done.id}:{rating}", menu))
        assert shows(reply, "Thank you for the rating"), reply.texts()
        if turn == 0:
            await sweep(chat, rng, victim, FALLBACK)
        category, fields = non_text(rng, victim)
        assert shows(polite(await chat.send(category, fields)), FALLBACK)
        await chat.edit("edited message", odd_text(rng))
        category, text = hostile_text(rng)
        if text.startswith("/"):
            text = "x" + text
        reply = polite(await chat.text(category, text))
        assert shows(reply, "Thank you for your review"), reply.texts()
        review = await Review.get(appointment_id=done.id)
        assert (review.rating, review.text) == (rating, storable(text, 4000))
    assert not await Review.filter(appointment_id=victim_id).exists()


async def attacker(
    fuzz: Fuzz, someone: Person, victim: Person, rng: random.Random, *, part: int
) -> None:
    """Another client's session by every button there is, then random forgeries."""
    chat = fuzz.chat(someone)
    menu = await menu_message(chat)
    victim_id: int = fuzz.targets.victim_appointment_id
    victim_slot: int = fuzz.targets.victim_slot_id
    free_slot: int = fuzz.targets.free_slot_id
    maria_id: int = fuzz.targets.maria_id
    if part == 0:
        for action in ("open", "confirm", "reschedule", "cancel", "move", "switch", "keep"):
            reply = polite(
                await chat.tap("forged data: another user's ids", f"ap:{action}:{victim_id}", menu)
            )
            assert reply.answer is not None and reply.answer.get("text") == GONE, reply.texts()
        reply = polite(
            await chat.tap("forged data: another user's ids", f"ap:noreason:{victim_id}", menu)
        )
        assert reply.answer is not None and reply.answer.get("text") == GONE
        polite(await chat.text("legit step", "a reason that must cancel nothing"))
        bot_name = fuzz.emulator.bot_user(TOKEN)["username"]
        for text in (f"/sessions@{bot_name}", "/start", "/menu", odd_text(rng)):
            await chat.in_group("group chat: ignored", GROUP, {"text": text})
        await chat.in_group("group chat: ignored", GROUP, media(rng, "sticker"))
    elif part == 1:
        for data in (
            f"s:{free_slot}:{victim_id}:m",
            f"s:{free_slot}:{victim_id}:s",
            f"s:{victim_slot}:{victim_id}:m",
            f"h:ok:{victim_slot}:{victim_id}:m",
            f"h:ok:{free_slot}:{victim_id}:s",
            f"h:rf:{victim_slot}:{victim_id}:m",
            f"p:{maria_id}:{victim_id}:s",
            f"w:{maria_id}:0:{victim_id}:m",
            f"rv:{victim_id}:5",
            f"rv:{victim_id}:1",
        ):
            polite(await chat.tap("forged data: another user's ids", data, menu))
            assert not await Slot.filter(held_by__telegram_id=someone.id).exists(), data
        mallory = fuzz.targets.mallory_appointment_id
        for data in (f"ap:cancel:{mallory}", f"ap:open:{mallory}", "m:sessions", "m:home"):
            reply = await chat.tap_in_group("group chat: ignored", GROUP, data)
            assert reply.answer is not None and not reply.answer.get("text")
    elif part == 2:
        ticket_id: int = fuzz.targets.help_ticket_id
        for data in (f"tk:{ticket_id}:0", "t:0:1", "m:today", "m:anketa", "m:browser"):
            reply = polite(await chat.tap("forged data: another user's ids", data, menu))
            assert reply.answer is not None and reply.answer.get("text") == OUT_OF_DATE
    await forged_taps(chat, rng, 10 if part < 3 else 18)
    for _ in range(4):
        await hostile_message(chat, rng, victim)
    await chat.edit("edited message", odd_text(rng))


async def psychologist_at_work(
    fuzz: Fuzz, user_id: int, victim: Person, rng: random.Random
) -> None:
    chat = fuzz.chat(user_id)
    polite(await chat.text("legit step", "/start"))
    menu = chat.last()
    for data in ("m:today", "m:upcoming", "m:anketa", "m:tickets", "t:0:1", "t:-1:1"):
        reply = polite(await chat.tap("legit step", data, menu))
    take = chat.data_starting("tk:", reply.carrier)[0]
    reply = polite(await chat.tap("legit step", take, menu))
    assert shows(reply, "is yours"), reply.texts()
    for data in ("t:99:1", "t:-2147483649:1", "tk:999999:0", "tk:-1:-1", "tk:2147483648:0"):
        polite(await chat.tap("forged data: our prefixes, bad values", data, menu))
    victim_id: int = fuzz.targets.victim_appointment_id
    for data in (f"ap:open:{victim_id}", f"ap:cancel:{victim_id}", f"rv:{victim_id}:1"):
        polite(await chat.tap("forged data: another user's ids", data, menu))
    await sweep(chat, rng, victim)
    for _ in range(3):
        await hostile_message(chat, rng, victim)
    await forged_taps(chat, rng, 5)
    await chat.edit("edited message", odd_text(rng))


async def manager_at_work(fuzz: Fuzz, user_id: int, victim: Person, rng: random.Random) -> None:
    chat = fuzz.chat(user_id)
    polite(await chat.text("legit step", "/start"))
    menu = chat.last()
    polite(await chat.text("legit step", "/login"))
    polite(await chat.text("legit step", "/invite"))
    polite(await chat.tap("legit step", "m:browser", menu))
    victim_id: int = fuzz.targets.victim_appointment_id
    for data in (f"ap:open:{victim_id}", f"ap:confirm:{victim_id}", "m:book", "q:0"):
        polite(await chat.tap("forged data: another user's ids", data, menu))
    for _ in range(5):
        await hostile_message(chat, rng, victim)
    await forged_taps(chat, rng, 4)
    await chat.edit("edited message", odd_text(rng))


async def expired_holds(
    fuzz: Fuzz, someone: Person, rival: Client, target: Psychologist, rng: random.Random
) -> None:
    """A hold that ran out: refresh, confirm and go back explain it; a rival who took the
    time meanwhile keeps it."""
    chat = fuzz.chat(someone)
    client = await Client.get(telegram_id=someone.id)
    polite(await chat.text("legit step", f"/start utm_psy_{target.id}"))
    week = chat.last()
    slot_data = chat.data_starting("s:", week)[0]
    slot_id = int(slot_data.split(":")[1])
    for action in ("rf", "ok", "bk"):
        reply = polite(await chat.tap("legit step", slot_data, week))
        assert shows(reply, "held for you"), reply.texts()
        await Slot.filter(held_by_id=client.id).update(held_until=utcnow() - timedelta(seconds=1))
        reply = polite(await chat.tap("expired hold", f"h:{action}:{slot_id}:0:b", week))
        if action != "bk":
            assert shows(reply, "hold has run out"), reply.texts()
    reply = polite(await chat.tap("legit step", slot_data, week))
    await Slot.filter(held_by_id=client.id).update(held_until=utcnow() - timedelta(seconds=1))
    await appointments.hold_slot(rival.id, slot_id)  # the rival is quicker
    for action in ("ok", "rf", "bk", "ok"):
        reply = polite(await chat.tap("expired hold", f"h:{action}:{slot_id}:0:b", week))
        if action == "ok":
            assert shows(reply, "someone else has just taken this time"), reply.texts()
    held = await Slot.get(id=slot_id)
    assert held.status == SlotStatus.HELD and held.held_by_id == rival.id
    assert not await Appointment.exists(client_id=client.id)
    assert not await Ticket.exists(client_id=client.id)
    category, fields = non_text(rng, someone)
    polite(await chat.send(category, fields))


# -- the invariants ----------------------------------------------------------------------------


async def assert_database_whole() -> None:
    appointments = await Appointment.all()
    assert all(a.slot_id is not None for a in appointments), "an appointment without its slot"
    active = [a for a in appointments if a.status in ACTIVE]
    for appointment in active:
        assert appointment.active_slot_id == appointment.slot_id
    slots = {s.id: s for s in await Slot.all()}
    occupied = {a.active_slot_id for a in appointments if a.active_slot_id is not None}
    for slot in slots.values():
        if slot.status == SlotStatus.BOOKED:
            assert slot.id in occupied, f"slot {slot.id} booked with no appointment"
        if slot.status == SlotStatus.HELD:
            assert slot.held_by_id is not None and slot.held_until is not None
        if slot.status == SlotStatus.FREE:
            assert slot.held_by_id is None
    for slot_id in occupied:
        assert slots[slot_id].status == SlotStatus.BOOKED
    booked_tickets = {a.ticket_id for a in appointments}
    for ticket in await Ticket.filter(kind=TicketKind.REGULAR):
        assert ticket.id in booked_tickets, f"request {ticket.number} left without a booking"


# -- the tests ---------------------------------------------------------------------------------


async def test_hostile_updates_everywhere(
    emulator: BotApiEmulator,
    running_bot: Bot,
    person: Callable[..., Person],
    capsys: pytest.CaptureFixture[str],
) -> None:
    started = time.monotonic()
    seed = fuzz_seed()
    with capsys.disabled():  # seen even when the run passes: the seed replays it
        print(f"\nbot fuzz FUZZ_SEED={seed}")  # noqa: T201
    with watching() as outcomes:
        fuzz = Fuzz(emulator, outcomes, seed)
        maria = await make_bookable_psychologist(
            "Maria Ivanova", queries=["anxiety"], slots_at=SLOT_HOURS
        )
        oleg_user = person("en", "Oleg")
        oleg = await make_bookable_psychologist(
            "Oleg Petrov",
            queries=["burnout"],
            slots_at=SLOT_HOURS,
            telegram_id=oleg_user.id,
            help_hand_mode=True,
            language="en",
        )
        irina = await make_bookable_psychologist(
            "Irina Sokolova", queries=["grief"], slots_at=SLOT_HOURS
        )
        pavel = await make_bookable_psychologist(
            "Pavel Orlov", queries=["grief"], slots_at=SLOT_HOURS
        )
        manager_user = person("en", "Olga")
        await Manager.create(telegram_id=manager_user.id, name="Olga")

        victim = person("en", "Victoria")
        victim_client = await register(victim)
        victim_appointment = await book_directly(victim_client, maria)
        before = await Appointment.get(id=victim_appointment.id)
        targets = fuzz.targets
        targets.victim_appointment_id = victim_appointment.id
        targets.victim_slot_id = victim_appointment.slot_id or 0
        targets.maria_id = maria.id
        targets.free_slot_id = (await first_free_slot(maria)).id
        victim_calls = len(emulator.requests())

        names = ("Nadia", "Нина", "Boris", "Vera", "Kirill", "Hanna", "Rita")
        names += ("Mallory", "Eve", "Trudy", "Oscar", "Clara", "Rival", "Pavel", "Tom")
        cast = {name: person("ru" if name == "Нина" else "en", name) for name in names}
        # A name Telegram allows and careless code does not: bidi overrides, emoji, joiners.
        emulator.user(cast["Нина"].id, "\u202eанин\u202c 👨‍👩‍👧‍👦", last_name="\u200b" * 3)
        clients = {name: await register(cast[name]) for name in names[2:]}
        for _ in range(2):
            await book_directly(clients["Kirill"], irina)
        done = await book_directly(clients["Rita"], irina)
        await Appointment.filter(id=done.id).update(
            status=AppointmentStatus.COMPLETED, active_slot_id=None
        )
        await Slot.filter(id=done.slot_id).update(status=SlotStatus.FREE)
        mallory_appointment = await book_directly(clients["Mallory"], oleg)
        targets.mallory_appointment_id = mallory_appointment.id
        # Open help-hand requests, long ones among them, for the psychologist's list.
        for number in range(12):
            ticket = await help_hand.open_ticket(
                clients["Rival"].id,
                TIERS[number % 2],
                [long_text(fuzz.rng, 500)],
                initiator_of(clients["Rival"]),
            )
            targets.help_ticket_id = targets.help_ticket_id or ticket.id
        setup_done = time.monotonic()

        await asyncio.gather(
            booker(fuzz, cast["Pavel"], victim, pavel, fuzz.fork(), sweep_at="choosing"),
            attacker(fuzz, cast["Oscar"], victim, fuzz.fork(), part=3),
            newcomer(fuzz, cast["Nadia"], victim, fuzz.fork()),
            newcomer(fuzz, cast["Нина"], victim, fuzz.fork()),
            booker(fuzz, cast["Boris"], victim, maria, fuzz.fork(), sweep_at="requests"),
            booker(fuzz, cast["Vera"], victim, oleg, fuzz.fork(), sweep_at="preferences"),
            canceller(fuzz, cast["Kirill"], victim, fuzz.fork()),
            helper(fuzz, cast["Hanna"], victim, fuzz.fork()),
            reviewer(fuzz, cast["Rita"], victim, fuzz.fork()),
            attacker(fuzz, cast["Mallory"], victim, fuzz.fork(), part=0),
            attacker(fuzz, cast["Eve"], victim, fuzz.fork(), part=1),
            attacker(fuzz, cast["Trudy"], victim, fuzz.fork(), part=2),
            psychologist_at_work(fuzz, oleg_user.id, victim, fuzz.fork()),
            manager_at_work(fuzz, manager_user.id, victim, fuzz.fork()),
            expired_holds(fuzz, cast["Clara"], clients["Rival"], irina, fuzz.fork()),
        )
        await top_up(fuzz, cast["Tom"], victim, fuzz.fork())
        fuzzed = time.monotonic()

        # Nobody saw or changed the victim's session.
        after = await Appointment.get(id=victim_appointment.id)
        for name in ("status", "slot_id", "active_slot_id", "confirmed", "cancel_reason"):
            assert getattr(after, name) == getattr(before, name), name
        assert not await Review.filter(appointment_id=victim_appointment.id).exists()
        calls = emulator.requests()
        assert not [c for c in calls[victim_calls:] if _chat_of(c) == victim.id], (
            "the victim's chat changed"
        )
        assert not [c for c in calls if _chat_of(c) == GROUP["id"]], "the bot spoke in a group"
        mallory_after = await Appointment.get(id=mallory_appointment.id)
        assert mallory_after.status == mallory_appointment.status
        others = {someone.id for someone in cast.values()} | {oleg_user.id, manager_user.id}
        attacker_chats = {cast[name].id for name in ("Mallory", "Eve", "Trudy", "Oscar")}
        for call in calls:
            chat_id = _chat_of(call)
            text = str(call["params"].get("text", ""))
            if chat_id in others:
                assert victim.phone[2:] not in text and "Victoria" not in text, text
            if chat_id in attacker_chats:
                assert f"Session with {maria.name}" not in text, text
        attackers = [clients[name].id for name in ("Mallory", "Eve", "Trudy", "Oscar")]
        assert not await Slot.filter(held_by_id__in=attackers).exists(), "a forged tap held"
        assert await Appointment.filter(client_id__in=attackers).count() == 1
        assert not await Review.exclude(appointment_id=done.id).exists()
        assert await Ticket.filter(client_id__in=attackers).count() == 1  # Mallory's own

        await assert_database_whole()
        errors = outcomes.error_lines()
        assert not errors, "\n".join(errors)
    log.info(
        "bot fuzz: %d updates in %.1fs (setup %.1fs): %s",
        sum(fuzz.counts.values()),
        fuzzed - setup_done,
        setup_done - started,
        dict(sorted(fuzz.counts.items())),
    )
    for category, least in FLOORS.items():
        assert fuzz.counts[category] >= least, (category, fuzz.counts[category])
    for kind in MEDIA_KINDS:
        assert fuzz.counts[f"media where text is expected: {kind}"] >= MEDIA_FLOOR, kind


FLOOD = 1000
BURST, RATE = 12, 4.0  # bot/middlewares.py ThrottlingMiddleware's defaults


async def test_a_flood_from_one_user_is_throttled(
    emulator: BotApiEmulator, running_bot: Bot, person: Callable[..., Person]
) -> None:
    """Hundreds of messages and taps at once from one user: the bot answers no more than its
    throttle allows, every tap still stops spinning, another user is answered meanwhile, and
    the flooder is served again a moment later."""
    with watching() as outcomes:
        fuzz = Fuzz(emulator, outcomes, fuzz_seed() + 1)
        rng = fuzz.fork()
        flooder, bystander = person("en", "Flo"), person("en", "Bea")
        await register(flooder)
        await register(bystander)
        chat, other = fuzz.chat(flooder), fuzz.chat(bystander)
        menu = chat.last()
        sent_before = chat.sent_count()
        texts: list[int] = []
        taps: list[tuple[int, str]] = []
        started = time.monotonic()
        for number in range(FLOOD):
            if rng.random() < 0.3:
                taps.append(chat.inject_tap(rng.choice(["m:home", random_data(rng)]), menu))
            else:
                texts.append(chat.inject_text(rng.choice([f"flood {number}", odd_text(rng)])))
        # Someone else is answered while the flood is being worked through.
        asked = time.monotonic()
        polite(await other.text("legit step", "/menu"))
        waited = time.monotonic() - asked
        for update_id in [*texts, *(update_id for update_id, _query in taps)]:
            assert await outcomes.wait(update_id, timeout=60) == "handled"
        elapsed = time.monotonic() - started
        fuzz.counts["flood"] += FLOOD

        answers = [emulator.callback_answer(query_id) for _update, query_id in taps]
        assert all(answers), "a tap of the flood was left spinning"
        throttled = sum(1 for a in answers if a and a.get("text") == THROTTLED)
        replies = emulator.sent(flooder.id)[sent_before:]
        assert all(r.get("text", "").startswith(FALLBACK) for r in replies), replies[:3]
        passed = len(replies) + len(taps) - throttled
        allowed = BURST + RATE * elapsed + 1
        # Registration spent two of the burst a moment ago.
        assert BURST - 3 <= passed <= allowed, (passed, allowed, elapsed)
        assert throttled > 0
        assert waited < 3.0, f"a bystander waited {waited:.1f}s behind the flood"

        await asyncio.sleep(1.0)
        reply = polite(await chat.text("legit step", "/menu"))
        assert shows(reply, "Main menu"), reply.texts()
        errors = outcomes.error_lines()
        assert not errors, "\n".join(errors)
    log.info(
        "bot flood: %d updates in %.1fs, %d passed the throttle (at most %.0f allowed), "
        "%d taps turned away, a bystander answered in %.2fs",
        FLOOD,
        elapsed,
        passed,
        allowed,
        throttled,
        waited,
    )


def _chat_of(call: dict[str, Any]) -> int | None:
    raw = call["params"].get("chat_id") or call["params"].get("user_id")
    try:
        return int(raw) if raw is not None else None
    except (TypeError, ValueError):
        return None

"""Every inline button's callback_data: CallbackData factories with short prefixes, ids only.

The buttons under the scheduler's messages are built with these factories too, when the
sender sends them (bot/keyboards/outbox.py). Messages already in chats carry their packed
data (`ap:<action>:<appointment id>`, `rv:<appointment id>:<rating>`), so prefixes, field
order and the actions' values stay as they are.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from domain.values import InviteRole

# Data in a tap is the client's word, and a modified client sends any: a number outside the
# database's integer range would fail the query, so such data does not parse (the tap is then
# answered as an outdated button).
Id = Annotated[int, Field(ge=0, le=2**31 - 1)]
Number = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]


class Menu(StrEnum):
    HOME = "home"
    BOOK = "book"
    SESSIONS = "sessions"
    HELP_HAND = "hh"
    LANGUAGE = "lang"
    TIMEZONE = "tz"
    TODAY = "today"
    UPCOMING = "upcoming"
    ANKETA = "anketa"
    TICKETS = "tickets"
    BROWSER = "browser"  # a one-time link to the board in a plain browser
    HELP = "help"
    CALENDAR = "cal"  # the address of one's calendar feed


class MenuCb(CallbackData, prefix="m"):
    item: Menu


class LanguageCb(CallbackData, prefix="lg"):
    code: str  # "ru" | "en"


class ZoneAction(StrEnum):
    PICK = "pick"  # keep `zone`
    PAGE = "page"  # show the page `page` of the cities
    TYPE = "type"  # ask for the local time


class ZoneCb(CallbackData, prefix="z"):
    action: ZoneAction
    zone: str = ""  # an IANA key (no ":" in any); the domain refuses an unknown one
    page: int = Field(default=0, ge=0, le=1)


class QueryCb(CallbackData, prefix="q"):
    """Toggle a request (by its position in the list shown), or -1: done."""

    index: Number


class PriceCb(CallbackData, prefix="pr"):
    max_price: Id  # 0: any price


class Mode(StrEnum):
    """What choosing a slot leads to."""

    BOOK = "b"  # a new booking
    MOVE = "m"  # the same psychologist, another time
    SWITCH = "s"  # another psychologist, keeping the requests


class PsychologistCb(CallbackData, prefix="p"):
    psychologist_id: Id
    appointment_id: Id = 0
    mode: Mode = Mode.BOOK


class WeekCb(CallbackData, prefix="w"):
    psychologist_id: Id
    week: Number  # 0: this calendar week
    appointment_id: Id = 0
    mode: Mode = Mode.BOOK


class SlotCb(CallbackData, prefix="s"):
    slot_id: Id
    appointment_id: Id = 0
    mode: Mode = Mode.BOOK


class HoldAction(StrEnum):
    CONFIRM = "ok"
    REFRESH = "rf"
    BACK = "bk"


class HoldCb(CallbackData, prefix="h"):
    action: HoldAction
    slot_id: Id
    appointment_id: Id = 0
    mode: Mode = Mode.BOOK


class AppointmentAction(StrEnum):
    CONFIRM = "confirm"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    OPEN = "open"
    MOVE = "move"
    SWITCH = "switch"
    KEEP = "keep"
    SKIP_REASON = "noreason"
    CANCEL_LATE = "late"  # cancel after the late-cancel warning


class AppointmentCb(CallbackData, prefix="ap"):
    action: AppointmentAction
    appointment_id: Id


class ReviewCb(CallbackData, prefix="rv"):
    appointment_id: Id
    rating: Number


class TierCb(CallbackData, prefix="t"):
    """A help-hand price tier by its position in domain.tickets.help_hand.TIERS; -1: every tier."""

    index: Number
    staff: bool = False  # a psychologist browsing tickets, not a client asking


class TakeCb(CallbackData, prefix="tk"):
    ticket_id: Id
    tier: Number


class InviteCb(CallbackData, prefix="iv"):
    """An admin's choice of whom to invite."""

    role: InviteRole


class SeriesAction(StrEnum):
    WEEKS = "wk"  # how many weeks, for the held time
    BOOK = "bk"  # book the series of `weeks`


class SeriesCb(CallbackData, prefix="sr"):
    """A weekly series of the held time (new bookings only)."""

    action: SeriesAction
    slot_id: Id
    weeks: Number = 0


class SeriesCancelAction(StrEnum):
    ASK = "ask"
    YES = "yes"


class SeriesCancelCb(CallbackData, prefix="sx"):
    """Cancel the rest of the series of the session `appointment_id` (whose screen it came
    from)."""

    action: SeriesCancelAction
    series_id: Id
    appointment_id: Id


class CalendarFileCb(CallbackData, prefix="ics"):
    """A booked session of the client, asked for as an .ics file."""

    appointment_id: Id


class WaitlistAction(StrEnum):
    JOIN = "join"  # show the windows to wait in
    WINDOW = "win"  # join with the window `value` (a WaitWindow)
    TAKE = "take"  # take the offer `value`
    LEAVE = "leave"  # leave the entry `value`
    LIST = "list"  # the client's entries


class WaitlistCb(CallbackData, prefix="wl"):
    action: WaitlistAction
    value: Id = 0
    psychologist_id: Id = 0  # 0: any psychologist who works with the request

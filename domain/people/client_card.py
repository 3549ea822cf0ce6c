"""A client as the staff see them: who they are and whether messages reach them, their
sessions (late cancels and no-shows counted), the reviews of those sessions and the staff's
notes; adding a note; finding a client by name or phone for the board's search box.

Notes are staff-only: nothing here is ever shown to the client."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from db.enums import AppointmentStatus, ClientSource, ManagerRole, ReviewAuthor
from db.models import Appointment, Client, ClientNote, Manager, Review
from domain import audit
from domain.audit import Initiator
from domain.errors import InvalidInput, NotFound
from domain.people.clients import parse_phone

MAX_NOTE_LENGTH = 4000
SEARCH_LIMIT = 20
# A phone search needs a few digits: "7" alone would match nearly everyone.
_MIN_PHONE_DIGITS = 3
_NOT_DIGIT = re.compile(r"\D")


@dataclass(frozen=True, slots=True)
class ClientProfile:
    """Who the client is and whether the bot reaches them."""

    id: int
    name: str
    phone: str | None
    phone_verified: bool
    telegram_id: int | None
    username: str | None
    timezone: str
    language: str
    source: ClientSource
    unreachable: bool  # the client blocked the bot: messages do not reach them
    created_at: datetime

    @classmethod
    def of(cls, client: Client) -> ClientProfile:
        return cls(
            id=client.id,
            name=client.name,
            phone=client.phone,
            phone_verified=client.phone_verified,
            telegram_id=client.telegram_id,
            username=client.username,
            timezone=client.timezone,
            language=client.language,
            source=ClientSource(client.source),
            unreachable=client.blocked_bot,
            created_at=client.created_at,
        )


@dataclass(frozen=True, slots=True)
class ClientSession:
    """One of the client's appointments."""

    id: int
    starts_at: datetime
    status: AppointmentStatus
    psychologist_id: int
    psychologist_name: str
    price: int | None
    confirmed: bool
    late_cancel: bool
    cancel_reason: str | None


@dataclass(frozen=True, slots=True)
class SessionReview:
    """What one side said of a session after it: the client of the psychologist's work, the
    psychologist of the session. Staff see both."""

    appointment_id: int
    author: ReviewAuthor
    rating: int | None
    text: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Note:
    """A staff member's note on a client."""

    id: int
    text: str
    author_name: str
    author_telegram_id: int | None
    created_at: datetime

    @classmethod
    def of(cls, note: ClientNote) -> Note:
        return cls(note.id, note.text, note.author_name, note.author_telegram_id, note.created_at)


@dataclass(frozen=True, slots=True)
class ClientCard:
    client: ClientProfile
    appointments: list[ClientSession]  # the latest session first
    reviews: list[SessionReview]  # the latest first
    notes: list[Note]  # the latest first
    late_cancellations: int
    no_shows: int


async def _client(client_id: int) -> Client:
    client = await Client.filter(id=client_id).first()
    if client is None:
        raise NotFound("client not found", field="client_id")
    return client


async def card(client_id: int) -> ClientCard:
    """The card of a client; NotFound naming `client_id` for an unknown one."""
    client = await _client(client_id)
    rows = (
        await Appointment.filter(client_id=client_id)
        .order_by("-starts_at", "-id")
        .values(
            "id",
            "starts_at",
            "status",
            "psychologist_id",
            "psychologist__name",
            "price",
            "confirmed",
            "late_cancel",
            "cancel_reason",
        )
    )
    sessions = [
        ClientSession(
            id=row["id"],
            starts_at=row["starts_at"],
            status=AppointmentStatus(row["status"]),
            psychologist_id=row["psychologist_id"],
            psychologist_name=row["psychologist__name"],
            price=row["price"],
            confirmed=bool(row["confirmed"]),
            late_cancel=bool(row["late_cancel"]),
            cancel_reason=row["cancel_reason"],
        )
        for row in rows
    ]
    reviews = await Review.filter(appointment__client_id=client_id).order_by("-created_at", "-id")
    notes = await ClientNote.filter(client_id=client_id).order_by("-created_at", "-id")
    return ClientCard(
        client=ClientProfile.of(client),
        appointments=sessions,
        reviews=[
            SessionReview(
                review.appointment_id,  # type: ignore[attr-defined]
                ReviewAuthor(review.author),
                review.rating,
                review.text,
                review.created_at,
            )
            for review in reviews
        ],
        notes=[Note.of(note) for note in notes],
        late_cancellations=sum(session.late_cancel for session in sessions),
        no_shows=sum(session.status == AppointmentStatus.NO_SHOW for session in sessions),
    )


async def add_note(client_id: int, text: str, initiator: Initiator) -> Note:
    """Keep a staff member's note on a client (1..MAX_NOTE_LENGTH characters once trimmed),
    signed with the staff member's name, audited. Notes are not on the board's cards, so no
    change is announced."""
    text = text.strip()
    if not text or len(text) > MAX_NOTE_LENGTH:
        raise InvalidInput(f"a note is 1 to {MAX_NOTE_LENGTH} characters", field="text")
    if "\x00" in text:
        raise InvalidInput("a note cannot contain a NUL character", field="text")
    author_id = int(initiator.ref) if initiator.ref.isdigit() else None
    async with in_transaction():
        await _client(client_id)
        author = (
            await Manager.filter(telegram_id=author_id).first() if author_id is not None else None
        )
        note = await ClientNote.create(
            client_id=client_id,
            author_telegram_id=author_id,
            author_name=_author_name(author, initiator),
            text=text,
        )
        await audit.record(initiator, "client.note_added", "client", client_id, note_id=note.id)
    return Note.of(note)


def _author_name(author: Manager | None, initiator: Initiator) -> str:
    """The staff member's name; their role when the row has none (an admin by ADMIN_IDS)."""
    if author is not None and author.name:
        return author.name
    if author is not None:
        return ManagerRole(author.role).value
    return initiator.actor.value


def _phone_digits(query: str) -> set[str]:
    """The digit strings a phone matching `query` holds: the digits as typed and, as
    parse_phone reads them (8 for +7, a local number), the E.164 form's."""
    digits = _NOT_DIGIT.sub("", query)
    if len(digits) < _MIN_PHONE_DIGITS:
        return set()
    found = {digits}
    e164 = parse_phone(query)
    if e164 is not None:
        found.add(e164[1:])
    elif digits.startswith("8"):
        found.add("7" + digits[1:])  # the start of a Russian number written with 8
    return found


def _name_variants(query: str) -> set[str]:
    """`query` as names are usually written. SQLite's case-insensitive LIKE folds ASCII only,
    so a Cyrillic name is matched in the cases a search is typed and a name is written in."""
    return {query, query.lower(), query.capitalize(), query.title(), query.upper()}


async def search(query: str) -> list[ClientProfile]:
    """Clients whose name contains `query` (any case) or whose phone contains its digits (in
    any usual writing: +7 916..., 8 (916)..., 916-...), by name, at most SEARCH_LIMIT."""
    query = query.strip()
    matches = Q(name__icontains=query)
    for variant in _name_variants(query):
        matches |= Q(name__contains=variant)
    for digits in _phone_digits(query):
        matches |= Q(phone__contains=digits)
    found = await Client.filter(matches).order_by("name", "id").limit(SEARCH_LIMIT)
    return [ClientProfile.of(client) for client in found]

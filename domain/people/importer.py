"""Importing an existing client base: the rows of a table, as the adapter that took the file
read them (webapp/import_files.py reads CSV and Excel), become clients.

A person is known by Telegram id and by phone (E.164): a row that matches a client already in
the base, or an earlier row of the same table, fills in what that client lacks instead of
making a second profile.

The table is read twice, both times as a stream: once to check that it can be read and is
within the row limit (nothing is written for a table that cannot be read), then row by row
in batches, each batch looked up with one query and written in one transaction, so memory
stays bounded whatever the table's size.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from db.enums import ClientSource
from db.models import Client
from domain import audit
from domain.audit import Initiator
from domain.changes import data_changed
from domain.errors import InvalidInput
from domain.people.clients import parse_phone

BATCH_ROWS = 1000
MAX_ERRORS = 1000

# A data row of a table: its number in the file (the header counts) and its cells by field
# ("phone", "telegram_id", "name", "first_name", "last_name", "username"; a field the table
# lacks is missing), or the reason the row cannot be read.
TableRow = tuple[int, dict[str, str] | str]
# The data rows of a table, read from the start at each call. Raises UnreadableFile when the
# table cannot be read or has neither a phone nor a telegram_id column.
Table = Callable[[], Iterator[TableRow]]


class UnreadableFile(InvalidInput):
    """The upload is not a table this import can read."""

    code = "unreadable_file"


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """A row not taken, and why (row 0: the file as a whole)."""

    row: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    errors_left_off: int = 0

    def error(self, row: int, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(ImportProblem(row, reason))
        else:
            self.errors_left_off += 1


@dataclass(slots=True)
class _Person:
    row: int
    phone: str | None
    telegram_id: int | None
    name: str
    username: str | None


def _person(number: int, values: dict[str, str]) -> _Person | str | None:
    """The person a row describes, the reason it is refused, or None for a blank row."""
    if not any(values.values()):
        return None
    raw_phone, raw_telegram = values.get("phone", ""), values.get("telegram_id", "")
    phone = parse_phone(raw_phone) if raw_phone else None
    if raw_phone and phone is None:
        return f"phone {raw_phone!r} is not a valid phone number"
    telegram_id = None
    if raw_telegram:
        digits = raw_telegram.removesuffix(".0")
        if not digits.isdigit() or not 0 < int(digits) < 2**63:
            return f"telegram_id {raw_telegram!r} is not a Telegram id"
        telegram_id = int(digits)
    if phone is None and telegram_id is None:
        return "the row has neither a phone nor a telegram_id"
    name = values.get("name") or " ".join(
        part for part in (values.get("first_name"), values.get("last_name")) if part
    )
    username = values.get("username", "").lstrip("@") or None
    return _Person(number, phone, telegram_id, name[:200], username[:64] if username else None)


# --- writing


class _Batch:
    """Up to BATCH_ROWS people, matched against the base with one query and written in one
    transaction."""

    def __init__(self) -> None:
        self.people: list[_Person] = []

    async def write(self, report: ImportReport) -> None:
        if not self.people:
            return
        phones = {p.phone for p in self.people if p.phone}
        telegram_ids = {p.telegram_id for p in self.people if p.telegram_id}
        async with in_transaction():
            known = await Client.filter(
                Q(phone__in=list(phones)) | Q(telegram_id__in=list(telegram_ids))
            ).select_for_update()
            by_phone = {c.phone: c for c in known if c.phone}
            by_telegram = {c.telegram_id: c for c in known if c.telegram_id}
            new: list[Client] = []
            changed: dict[int, Client] = {}
            for person in self.people:
                outcome = self._merge(person, by_phone, by_telegram, new)
                if isinstance(outcome, str):
                    report.error(person.row, outcome)
                    continue
                client, kind = outcome
                setattr(report, kind, getattr(report, kind) + 1)
                if kind == "updated" and client.pk is not None:
                    changed[client.pk] = client
            if new:
                await Client.bulk_create(new)
            if changed:
                await Client.bulk_update(
                    list(changed.values()), fields=["phone", "telegram_id", "name", "username"]
                )
        self.people = []

    @staticmethod
    def _merge(
        person: _Person,
        by_phone: dict[str, Client],
        by_telegram: dict[int, Client],
        new: list[Client],
    ) -> tuple[Client, str] | str:
        """The client of this row and what the row did to it ("created", "updated" or
        "skipped" when it adds nothing), or the reason it is refused."""
        phone_owner = by_phone.get(person.phone) if person.phone else None
        telegram_owner = by_telegram.get(person.telegram_id) if person.telegram_id else None
        if phone_owner and telegram_owner and phone_owner is not telegram_owner:
            return "the phone and the telegram_id belong to two different clients"
        client = phone_owner or telegram_owner
        if client is None:
            client = Client(
                phone=person.phone,
                telegram_id=person.telegram_id,
                name=person.name,
                username=person.username,
                source=ClientSource.IMPORT,
            )
            new.append(client)
            kind = "created"
        else:
            if person.phone and client.phone and client.phone != person.phone:
                return f"the client with this telegram_id has another phone, {client.phone}"
            if person.telegram_id and client.telegram_id not in {None, person.telegram_id}:
                return "the client with this phone has another telegram_id"
            updates = {
                "phone": person.phone,
                "telegram_id": person.telegram_id,
                "name": person.name,
                "username": person.username,
            }
            # Merging fills in what the base lacks; what it knows already stays.
            missing = {k: v for k, v in updates.items() if v and not getattr(client, k)}
            if not missing:
                return client, "skipped"
            client.update_from_dict(missing)
            kind = "updated"
        if client.phone:
            by_phone[client.phone] = client
        if client.telegram_id:
            by_telegram[client.telegram_id] = client
        return client, kind


async def import_clients(table: Table, initiator: Initiator, *, max_rows: int) -> ImportReport:
    """Import the clients of a table. An unreadable table, or one with more than `max_rows`
    data rows, imports nothing: its report names the problem as row 0 (the file as a whole).
    Any bytes are a file the adapter takes; what they hold is the report's to tell."""
    report = ImportReport()
    try:
        # The checking pass does no I/O worth awaiting: off the event loop, the bot keeps going.
        rows = await asyncio.to_thread(lambda: sum(1 for _ in table()))
    except UnreadableFile as problem:
        report.error(0, problem.message)
        return report
    if rows > max_rows:
        report.error(0, f"the file has {rows} rows; at most {max_rows} are taken")
        return report
    batch = _Batch()
    for number, values in table():
        person = values if isinstance(values, str) else _person(number, values)
        if person is None:
            report.skipped += 1
        elif isinstance(person, str):
            report.error(number, person)
        else:
            batch.people.append(person)
            if len(batch.people) >= BATCH_ROWS:
                await batch.write(report)
    await batch.write(report)
    await audit.record(
        initiator,
        "clients.imported",
        "client",
        0,
        created=report.created,
        updated=report.updated,
        skipped=report.skipped,
        errors=len(report.errors) + report.errors_left_off,
    )
    await data_changed("client.updated")
    return report

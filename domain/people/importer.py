"""Importing an existing client base from CSV or Excel (.xlsx).

Columns are found by their header, in Russian or English. A person is known by Telegram id
and by phone (E.164): a row that matches a client already in the base, or an earlier row of
the same file, fills in what that client lacks instead of making a second profile.

The file is read twice, both times as a stream: once to check that it can be read and is
within the row limit (nothing is written for a file that cannot be read), then row by row
in batches, each batch looked up with one query and written in one transaction, so memory
stays bounded whatever the file's size.
"""

from __future__ import annotations

import asyncio
import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl import load_workbook
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
_ENCODINGS = ("utf-8-sig", "cp1251")
_DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls

# Header words (lower case, spaces for _ and -, ё as е) -> the field they name.
_HEADERS: dict[str, str] = {
    **dict.fromkeys(
        (
            "phone",
            "phone number",
            "mobile",
            "tel",
            "телефон",
            "номер телефона",
            "тел",
            "мобильный",
            "мобильный телефон",
            "номер",
        ),
        "phone",
    ),
    **dict.fromkeys(
        (
            "telegram id",
            "telegram",
            "tg id",
            "tg",
            "chat id",
            "user id",
            "телеграм id",
            "id телеграм",
            "телеграм",
            "id в телеграм",
            "telegram user id",
        ),
        "telegram_id",
    ),
    **dict.fromkeys(
        (
            "name",
            "full name",
            "client",
            "client name",
            "имя клиента",
            "фио",
            "клиент",
            "ф и о",
            "полное имя",
        ),
        "name",
    ),
    **dict.fromkeys(("first name", "имя"), "first_name"),
    **dict.fromkeys(("last name", "surname", "фамилия"), "last_name"),
    **dict.fromkeys(
        ("username", "telegram username", "tg username", "ник", "логин", "никнейм"), "username"
    ),
}


class UnreadableFile(InvalidInput):
    """The upload is not a CSV or .xlsx table this import can read."""

    code = "unreadable_file"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_left_off: int = 0

    def error(self, row: int, reason: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "reason": reason})
        else:
            self.errors_left_off += 1

    def as_dict(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": self.errors,
        }
        if self.errors_left_off:
            answer["errors_left_off"] = self.errors_left_off
        return answer


@dataclass(slots=True)
class _Person:
    row: int
    phone: str | None
    telegram_id: int | None
    name: str
    username: str | None


# --- reading


def _header_key(cell: object) -> str:
    text = str(cell or "").strip().lower().replace("ё", "е")
    return re.sub(r"[\s_\-.:]+", " ", text).strip()


def _text(cell: object) -> str:
    """A cell as text; whole floats (Excel numbers) without their '.0'."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _csv_encoding(stream: IO[bytes]) -> str:
    """The first of UTF-8 (with or without BOM) and cp1251 that decodes the whole file."""
    for encoding in _ENCODINGS:
        stream.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while chunk := stream.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile("the file is neither UTF-8 nor cp1251 text", field="file")


def _csv_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str] | str]]:
    """(record number, cells) of a CSV file; a record that cannot be parsed yields its
    error text instead of cells."""
    encoding = _csv_encoding(stream)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    sample = text.read(_SNIFF_BYTES)
    text.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        dialect = csv.excel  # one column, or too little text to tell
    reader = csv.reader(text, dialect)
    number = 0
    try:
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                yield number, f"the line cannot be read: {exc}"
                continue
            yield number, cells
    finally:
        text.detach()  # the caller owns the file; the wrapper must not close it


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str] | str]]:
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile(f"the Excel file cannot be opened: {exc}", field="file") from exc
    try:
        sheet = workbook.active
        if sheet is None:
            raise UnreadableFile("the Excel file has no sheet", field="file")
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [_text(value) for value in values]
    finally:
        workbook.close()


def _rows(stream: IO[bytes]) -> Iterator[tuple[int, list[str] | str]]:
    stream.seek(0)
    magic = stream.read(4)
    stream.seek(0)
    if magic == _ZIP_MAGIC:
        return _xlsx_rows(stream)
    if magic == _OLE_MAGIC:
        raise UnreadableFile(
            "old .xls files are not supported: save as .xlsx or .csv", field="file"
        )
    return _csv_rows(stream)


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = _HEADERS.get(_header_key(cell))
        if name and name not in columns:
            columns[name] = index
    if "phone" not in columns and "telegram_id" not in columns:
        found = ", ".join(repr(cell) for cell in header if str(cell).strip()) or "none"
        raise UnreadableFile(
            f"no phone or telegram_id column was found (columns: {found})", field="file"
        )
    return columns


def _table(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, str] | str]]:
    """(row number, {field: text}) for each data row after the header row; a row that cannot
    be read yields its error text."""
    columns: dict[str, int] | None = None
    for number, cells in _rows(stream):
        if isinstance(cells, str):
            yield number, cells
            continue
        if columns is None:
            if any(str(cell).strip() for cell in cells):
                columns = _columns(cells)
            continue
        yield (
            number,
            {
                name: (cells[index].strip() if index < len(cells) else "")
                for name, index in columns.items()
            },
        )
    if columns is None:
        raise UnreadableFile("the file is empty", field="file")


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


async def import_clients(
    stream: IO[bytes], initiator: Initiator, *, max_rows: int
) -> ImportReport:
    """Import the clients of a .csv or .xlsx file. An unreadable file, or one with more than
    `max_rows` data rows, imports nothing: its report names the problem as row 0 (the file as
    a whole). Any bytes are a file the call takes; what they hold is the report's to tell."""
    report = ImportReport()
    try:
        # The checking pass does no I/O worth awaiting: off the event loop, the bot keeps going.
        rows = await asyncio.to_thread(lambda: sum(1 for _ in _table(stream)))
    except UnreadableFile as problem:
        report.error(0, problem.message)
        return report
    if rows > max_rows:
        report.error(0, f"the file has {rows} rows; at most {max_rows} are taken")
        return report
    batch = _Batch()
    for number, values in _table(stream):
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

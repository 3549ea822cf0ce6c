"""Reading an uploaded client table, a .csv or .xlsx file, into the rows the import takes
(domain/people/importer.py).

CSV: UTF-8 (with or without BOM) or cp1251, any common delimiter (sniffed). Excel: the active
sheet of an .xlsx workbook. Columns are found by their header, in Russian or English; the
header is the first row that is not blank.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from openpyxl import load_workbook

from domain.people.importer import Table, TableRow, UnreadableFile

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


def _table(stream: IO[bytes]) -> Iterator[TableRow]:
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


def table_in(stream: IO[bytes]) -> Table:
    """The client table in an uploaded .csv or .xlsx file, read from the start at each call
    (the caller keeps the file open and closes it)."""
    return functools.partial(_table, stream)

"""The SQL a booking issues, captured from the product's own code and replayed by pgbench.

The limit of the booking benchmark is the work a booking gives the database: the statements
one hold + book sends, in their transactions, replayed by `pgbench -f` with the same client
count on the same database. They are recorded (asyncpg's query logger) while the product's
web app, in this process, answers a real hold and a real booking over HTTP, so the script
follows the code as it changes. The identities in them (the client, the slot, its
psychologist, the appointment the booking makes) become pgbench variables, so every replayed
booking takes a slot of its own; every other value is replayed as it was sent, typed as the
server typed the parameter. `pgbench -M prepared` prepares each statement once per
connection, as asyncpg's statement cache does; a batch asyncpg sends in one round trip
(executemany) is replayed in one pipeline.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
from aiohttp.test_utils import TestClient, TestServer
from asyncpg.connection import LoggedQuery
from tortoise.backends.asyncpg import AsyncpgDBClient

from bench.common import PgbenchRun, database_url, free_port, pgbench, server_env
from config import Settings
from db.enums import Actor
from db.models import Psychologist
from domain.people import clients
from domain.schedule import slots
from domain.timerules import utcnow
from services import Services
from webapp.app import create_app
from webapp.auth import Principal, issue_token

# The captured booking's identities are moved to ranges of their own, so that no other value
# in its statements (a limit, a duration, a price) can be taken for one of them.
PSYCHOLOGIST_ID = 6_000_001
CLIENT_ID = 7_000_001
SLOT_ID = 8_000_001
APPOINTMENT_ID = 9_000_001
CAPTURE_TELEGRAM_ID = 5_000_000_001
# After its answer, what the change set off in the app (the live board) is recorded too.
SETTLE_S = 0.3
# A name in SQL text that pgbench would take for a variable (`:name`, unlike a `::` cast).
_COLON_NAME = re.compile(r"(?<!:):(?=[A-Za-z0-9_])")
_PARAMETER = re.compile(r"\$(\d+)")


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement as the driver sent it: its text and its parameters' values (a list of
    rows for a batch sent in one round trip)."""

    query: str
    args: tuple[Any, ...] | list[Sequence[Any]]

    @property
    def batched(self) -> bool:
        return isinstance(self.args, list)


@dataclass(eq=False, slots=True)
class Recorder:
    """Keeps what the database connections of this process send while `on` is set."""

    statements: list[Statement] = field(default_factory=list)
    on: bool = False

    def __call__(self, record: LoggedQuery) -> None:
        if self.on and record.exception is None:
            args = record.args
            kept = tuple(args) if isinstance(args, tuple) else list(args)
            self.statements.append(Statement(record.query, kept))


@asynccontextmanager
async def recording_connections(recorder: Recorder) -> AsyncIterator[None]:
    """Every connection Tortoise opens in the block reports its statements to `recorder`."""

    class RecordingConnection(asyncpg.Connection):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.add_query_logger(recorder)

    original = AsyncpgDBClient.connection_class
    AsyncpgDBClient.connection_class = RecordingConnection
    try:
        yield
    finally:
        AsyncpgDBClient.connection_class = original


async def _connect(database: str) -> asyncpg.Connection:
    """A connection of the bench's own (not recorded) to `database`."""
    return await asyncpg.connect(database_url(database).split("?")[0])


def server_settings(database: str, data_dir: str) -> Settings:
    """The settings of the measured server (bench.common.server_env), for an app in this
    process."""
    env = server_env(database, free_port(), data_dir)
    given = {name: env[name.upper()] for name in Settings.model_fields if name.upper() in env}
    return Settings(**given)


async def _move_sequence(connection: asyncpg.Connection, table: str, next_id: int) -> None:
    await connection.execute(
        "SELECT setval(pg_get_serial_sequence($1, 'id'), $2, false)", table, next_id
    )


async def capture_booking(database: str, recorder: Recorder) -> list[Statement]:
    """The statements of one hold + book by a client through the product's web app, run in
    this process on `database` (opened inside `recording_connections`) with the measured
    server's settings: a first hold + book warms the app and its connections up, the second
    is recorded. Its client, slot, psychologist and appointment get the ids named above."""
    connection = await _connect(database)
    try:
        now = utcnow()
        await _move_sequence(connection, "psychologists", PSYCHOLOGIST_ID)
        psychologist = await Psychologist.create(
            name="Психолог записи", telegram_id=CAPTURE_TELEGRAM_ID + 1
        )
        await _move_sequence(connection, "slots", SLOT_ID)
        recorded = await slots.add_slot(psychologist.id, now + timedelta(days=3), now=now)
        warm_up = await slots.add_slot(psychologist.id, now + timedelta(days=4), now=now)
        await _move_sequence(connection, "clients", CLIENT_ID)
        client, _ = await clients.sign_in(
            CAPTURE_TELEGRAM_ID, name="Клиент записи", phone="+79991234567", phone_verified=True
        )
        assert (psychologist.id, recorded.id, client.id) == (PSYCHOLOGIST_ID, SLOT_ID, CLIENT_ID)
        with tempfile.TemporaryDirectory(prefix="bench_capture_") as data_dir:
            settings = server_settings(database, data_dir)
            token = issue_token(settings, Principal(CAPTURE_TELEGRAM_ID, Actor.CLIENT))
            app = create_app(Services(settings=settings), own_database=False)
            async with TestClient(TestServer(app)) as http:
                await _hold_and_book(http, token, warm_up.id)
                await _move_sequence(connection, "appointments", APPOINTMENT_ID)
                recorder.statements.clear()
                recorder.on = True
                made = await _hold_and_book(http, token, recorded.id)
                recorder.on = False
        assert made == APPOINTMENT_ID
    finally:
        await connection.close()
    return list(recorder.statements)


async def _hold_and_book(http: TestClient, token: str, slot_id: int) -> int:
    """Hold and book the slot as the bench's clients do; the appointment's id."""
    headers = {"Authorization": f"Bearer {token}"}
    held = await http.post(f"/api/v1/slots/{slot_id}/hold", headers=headers)
    booked = await http.post("/api/v1/appointments", json={"slot_id": slot_id}, headers=headers)
    if (held.status, booked.status) != (200, 201):
        raise RuntimeError(f"capture: hold {await held.text()}, book {await booked.text()}")
    await asyncio.sleep(SETTLE_S)
    return (await booked.json())["id"]


@dataclass(frozen=True, slots=True)
class Identity:
    """A value of the captured booking that each replayed booking has its own of."""

    value: int
    variable: str
    # the table whose INSERT ... RETURNING id made it: the replay keeps what it returns
    made_in: str | None = None


IDENTITIES = (
    Identity(CAPTURE_TELEGRAM_ID, "telegram_id"),
    Identity(PSYCHOLOGIST_ID, "psychologist"),
    Identity(CLIENT_ID, "client"),
    Identity(SLOT_ID, "slot"),
    Identity(APPOINTMENT_ID, "appointment_id", made_in="appointments"),
)


def _text(value: object) -> str:
    """A parameter's value as PostgreSQL reads it from text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        items = (_text(item).replace("\\", "\\\\").replace('"', '\\"') for item in value)
        return "{" + ",".join(f'"{item}"' for item in items) + "}"
    return str(value)


def _literal(text: str) -> str:
    """A string constant pgbench leaves alone: no bare ':' (it would read a variable)."""
    escaped = text.replace("\\", "\\\\").replace("'", "''").replace(":", "\\x3a")
    return f"E'{escaped}'"


def _inserts_into(query: str, table: str) -> bool:
    """Whether `query` is an INSERT into `table` that returns what it wrote."""
    insert = re.match(rf'\s*(/\*.*?\*/\s*)?INSERT\s+INTO\s+"?{table}"?\s', query, re.IGNORECASE)
    return insert is not None and re.search(r"\bRETURNING\b", query, re.IGNORECASE) is not None


class Script:
    """The pgbench commands of captured statements."""

    def __init__(self, identities: Sequence[Identity]) -> None:
        self.identities = {identity.value: identity for identity in identities}
        self._token = re.compile(
            "(?<![0-9])(" + "|".join(str(value) for value in self.identities) + ")(?![0-9])"
        )

    def value(self, value: object, type_name: str) -> str:
        """`value` as an SQL expression of the parameter's type, its identities variables
        (within a text too: a key that carries the appointment's id)."""
        if value is None:
            return f"CAST(NULL AS {type_name})"
        if isinstance(value, int) and not isinstance(value, bool) and value in self.identities:
            return f"CAST(:{self.identities[value].variable} AS {type_name})"
        pieces = [
            f":{self.identities[int(part)].variable}" if index % 2 else _literal(part)
            for index, part in enumerate(self._token.split(_text(value)))
            if index % 2 or part
        ]
        return f"CAST({' || '.join(pieces) or _literal('')} AS {type_name})"

    def command(self, query: str, args: Sequence[Any], types: Sequence[str]) -> str:
        """`query` with its parameters written in, ending as pgbench wants it."""
        if _COLON_NAME.search(query):
            raise ValueError(f"pgbench would read a variable in: {query}")
        text = query.strip().removesuffix(";")
        if ";" in text:
            raise ValueError(f"several statements in one: {query}")
        written = _PARAMETER.sub(
            lambda found: self.value(args[int(found[1]) - 1], types[int(found[1]) - 1]), text
        )
        for identity in self.identities.values():
            if identity.made_in is not None and _inserts_into(query, identity.made_in):
                # `RETURNING id` sets pgbench's variable <prefix>id for the commands after
                return f"{written}\n\\gset {identity.variable.removesuffix('id')}"
        return written + ";"


async def _parameter_types(connection: asyncpg.Connection, query: str) -> list[str]:
    if not _PARAMETER.search(query):
        return []
    prepared = await connection.prepare(query)
    return [f'{kind.schema}."{kind.name}"' for kind in prepared.get_parameters()]


async def pgbench_script(
    database: str, statements: Sequence[Statement], header: Sequence[str]
) -> str:
    """The pgbench script of `statements` after the `header` lines (its \\set commands)."""
    script = Script(IDENTITIES)
    lines = list(header)
    connection = await _connect(database)
    try:
        for statement in statements:
            types = await _parameter_types(connection, statement.query)
            if statement.batched:
                lines.append("\\startpipeline")
                lines += [script.command(statement.query, row, types) for row in statement.args]
                lines.append("\\endpipeline")
            else:
                lines.append(script.command(statement.query, statement.args, types))
    finally:
        await connection.close()
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class SlotBlock:
    """Free slots for the replay, one after another: slot `first_slot + k` belongs to
    psychologist `first_psychologist + k % psychologists`."""

    first_slot: int
    size: int
    first_psychologist: int
    psychologists: int


_SLOT_BLOCK_SQL = """
INSERT INTO slots (id, psychologist_id, starts_at, duration_min, status, created_at)
SELECT $1 + k, $2 + k % $3, CAST($4 AS timestamptz) + make_interval(hours => k / $3), 60,
       'free', now()
FROM generate_series(0, $5 - 1) AS k
"""


async def add_slot_block(database: str, size: int) -> SlotBlock:
    """`size` free slots, far ahead, over the seeded psychologists (ids one after another)."""
    connection = await _connect(database)
    try:
        low, high, count = await connection.fetchrow(
            "SELECT MIN(id), MAX(id), COUNT(*) FROM psychologists WHERE id < $1",
            PSYCHOLOGIST_ID,
        )
        if high - low + 1 != count:
            raise RuntimeError("the seeded psychologists' ids have gaps")
        first = await connection.fetchval("SELECT MAX(id) + 1 FROM slots")
        ahead = utcnow() + timedelta(days=60)
        await connection.execute(_SLOT_BLOCK_SQL, first, low, count, ahead, size)
    finally:
        await connection.close()
    return SlotBlock(first, size, low, count)


def script_header(
    block: SlotBlock, clients: int, first_client: int, first_telegram_id: int
) -> list[str]:
    """pgbench client c's n-th booking takes slot `first_slot + c + clients * n` for the
    registered client `first_client + c` (n counts from 0: `-D n=0`)."""
    booking = f"(:client_id + {clients} * :n)"
    return [
        f"\\set telegram_id {first_telegram_id} + :client_id",
        f"\\set client {first_client} + :client_id",
        f"\\set slot {block.first_slot} + {booking}",
        f"\\set psychologist {block.first_psychologist} + {booking} % {block.psychologists}",
        "\\set n :n + 1",
    ]


def run_pgbench_script(database: str, script: str, clients: int, seconds: int) -> PgbenchRun:
    """`pgbench -n -M prepared -f script` with `clients` connections on `database`; `-D n=0`
    starts each client's booking counter."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql", prefix="booking_") as file:
        file.write(script)
        file.flush()
        return pgbench(
            database, "-n", "-M", "prepared", "-f", file.name, "-D", "n=0",
            clients=clients, seconds=seconds,
        )  # fmt: skip

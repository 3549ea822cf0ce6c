"""The demo: what it holds (DESIGN 10.2), that it goes only into an empty database and only
once, that the bot's matching finds it, and `python main.py demo` as a person runs it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from db.enums import Actor, AppointmentStatus, SlotStatus
from db.models import Appointment, AuditLog, Client, Education, Psychologist, Slot
from domain.booking import board, catalogue
from domain.demo import cast, filling
from domain.demo.filling import Outcome
from domain.people.access import role_of
from domain.timerules import MSK, utcnow
from tests.harness.bot_users import Person, register
from tests.harness.builders import make_client
from tests.harness.processes import ROOT, bare_env

ANKETA_FIELDS = ("about", "age", "main_modal", "additional_modals", "skills", "queries")


async def _counts() -> dict[str, int]:
    return {
        model.__name__: await model.all().count()
        for model in (Psychologist, Slot, Appointment, Client, AuditLog)
    }


async def test_the_demo_holds_what_a_newcomer_needs(database: str) -> None:
    now = utcnow()
    filled = await filling.fill(now=now)
    assert filled.outcome == Outcome.FILLED

    people = await Psychologist.all().order_by("id")
    assert len(people) >= 5
    for psychologist in people:
        for name in ANKETA_FIELDS:
            assert getattr(psychologist, name), f"{psychologist.name} has no {name}"
        assert psychologist.min_price and psychologist.max_price >= psychologist.min_price
        assert await Education.filter(psychologist_id=psychologist.id).exists()
        assert psychologist.secret_hash, "saved as /psychologist-form saves an anketa"
    assert len({tuple(sorted(p.queries)) for p in people}) == len(people)
    assert len({p.min_price for p in people}) == len(people)
    assert any(p.help_hand_mode for p in people)

    for psychologist in people:
        starts = [
            s.starts_at.astimezone(MSK)
            for s in await Slot.filter(psychologist_id=psychologist.id, status=SlotStatus.FREE)
        ]
        assert starts, f"{psychologist.name} has no free time"
        assert all(now < s <= now + timedelta(days=filling.DAYS_AHEAD + 1) for s in starts)
        assert all(9 <= s.hour < 21 and s.minute == 0 for s in starts), "working hours"
        weeks = {((s.date() - now.astimezone(MSK).date()).days - 1) // 7 for s in starts}
        assert weeks == {0, 1, 2}, f"{psychologist.name} is free in each of the 3 weeks"

    assert len(await catalogue.list_services()) >= 3

    columns = await board.board(*board.board_range(None, None))
    cards = [card for column in columns.values() for card in column]
    assert {card.client.name for card in cards} == {b.client.name for b in cast.BOOKINGS}
    assert columns[AppointmentStatus.CONFIRMED], "not every card waits in the first column"
    persona = await Psychologist.get(telegram_id=cast.PERSONA_PSYCHOLOGIST.telegram_id)
    assert not await Appointment.filter(psychologist_id=persona.id).exists()

    assert await role_of(cast.MANAGER.telegram_id, admin_ids=[]) == Actor.MANAGER
    assert not await Client.filter(telegram_id=cast.CLIENT.telegram_id).exists()


async def test_the_demo_goes_in_once_and_only_into_an_empty_database(database: str) -> None:
    await make_client(name="Настоящий клиент")
    before = await _counts()
    assert (await filling.fill()).outcome == Outcome.NOT_EMPTY
    assert await _counts() == before

    await Client.all().delete()
    assert (await filling.fill()).outcome == Outcome.FILLED
    filled = await _counts()
    assert (await filling.fill()).outcome == Outcome.PRESENT
    assert await _counts() == filled


async def test_the_sandbox_manager_persona_is_a_manager_without_the_demo(database: str) -> None:
    await make_client(name="Настоящий клиент")
    personas = await filling.sandbox_personas()
    assert personas.psychologist is None
    assert await role_of(personas.manager.telegram_id, admin_ids=[]) == Actor.MANAGER
    again = await filling.sandbox_personas()
    assert again == personas


async def test_the_bots_matching_finds_demo_psychologists(person: Callable[..., Person]) -> None:
    await filling.fill()
    anna = person("ru")
    await register(anna)
    await anna.click("📅 Записаться на сессию")
    await anna.expect("С чем вы хотели бы поработать?")
    offered = {b["text"] for b in anna.buttons()}
    every_query = {q for item in cast.PSYCHOLOGISTS for q in item.anketa["queries"]}
    assert every_query <= offered, "each demo request is offered as a topic"
    await anna.click("Выгорание")
    await anna.click("Готово ▶")
    await anna.click("До 3500 руб")
    await anna.expect("Вам подходят эти психологи:")
    await anna.expect("Мария Соколова")
    await anna.expect("Елена Морозова")
    shown = " ".join(anna.texts())
    assert "Ольга Смирнова" not in shown, "she works with other requests"


def _run_main(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        cwd=cwd,
        env=bare_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _rows(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {
            table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


def test_help_names_the_demo_command(tmp_path: Path) -> None:
    done = _run_main(tmp_path, "--help")
    assert done.returncode == 0
    assert "fill the demo into an empty database" in done.stdout


def test_main_demo_is_refused_with_a_bot_token(tmp_path: Path) -> None:
    done = _run_main(tmp_path, "demo", BOT_TOKEN="123456:real-token")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("demo: refused: BOT_TOKEN is set")
    assert not (tmp_path / "data").exists(), "a refused command touched nothing"


def test_main_demo_fills_once(tmp_path: Path) -> None:
    first = _run_main(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    assert "filled the demo: 6 psychologists" in first.stderr
    database = tmp_path / "data" / "app.sqlite3"
    rows = _rows(database)
    assert rows["psychologists"] == len(cast.PSYCHOLOGISTS)

    second = _run_main(tmp_path, "demo")
    assert second.returncode == 0, second.stderr
    assert "the database already holds the demo; nothing changed" in second.stderr
    assert "filled the demo" not in second.stderr
    assert _rows(database) == rows


def test_main_demo_leaves_a_database_with_other_data_alone(tmp_path: Path) -> None:
    assert _run_main(tmp_path, "migrate").returncode == 0
    database = tmp_path / "data" / "app.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute(
            "INSERT INTO managers (telegram_id, name, role, is_active, created_at) "
            "VALUES (42, 'Ольга', 'manager', 1, '2026-01-01 00:00:00')"
        )
    rows = _rows(database)
    done = _run_main(tmp_path, "demo")
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("demo: the database already holds other data")
    )
    assert _rows(database) == rows

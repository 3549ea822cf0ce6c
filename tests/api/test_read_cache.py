"""The read cache never shows a change late: after a slot is added, held, booked, moved or
cancelled through any path, the very next read of every cached answer (slots of one
psychologist, everyone's slots of one day, the weekly schedule text, the board) equals what
the database says, on the instance that made the change and on another one (which hears of
it only through Redis)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from config import load_settings
from db.models import Psychologist, Slot
from domain.booking import appointments
from domain.followup import jobs
from domain.timerules import MSK, utcnow
from services import Services
from tests.harness.api_callers import Api
from tests.harness.builders import future_slot
from tests.harness.cached_reads import Reads
from tests.harness.integrations import add_slots, automatch, fill_anketa, next_monday, slot_at
from webapp.app import create_app
from webapp.keys import SERVICES


@pytest.fixture(params=["one instance", "two instances"])
async def readers(
    request: pytest.FixtureRequest, api: Api, tmp_path: Path
) -> AsyncIterator[list[TestClient]]:
    """The instance that makes the changes, and (with Redis) another one on the same
    database whose change feed hears nothing of them: only Redis can tell it."""
    if request.param == "one instance":
        yield [api.http]
        return
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("two instances share their cache generation through Redis: needs REDIS_URL")
    settings = load_settings(
        database_url=api.settings.database_url,
        redis_url=redis_url,
        data_dir=tmp_path / "other",
        jwt_secret=api.settings.jwt_secret.get_secret_value(),
        rate_limit_per_min=100_000,
    )
    other = create_app(Services(settings=settings), own_database=False)
    async with TestClient(TestServer(other)) as second:
        yield [api.http, second]


def msk_day(slot: Slot) -> date:
    return slot.starts_at.astimezone(MSK).date()


async def test_slots_added_and_removed_through_the_legacy_api(
    api: Api, readers: list[TestClient], token_headers: dict[str, str]
) -> None:
    psy = await fill_anketa(api.http, token_headers, "Анна Каренина", 5001)
    monday = next_monday()
    first_id, _ = await add_slots(api.http, psy, slot_at(monday, 10), slot_at(monday, 12))
    reads = Reads(api, await Psychologist.get(telegram_id=5001), monday)

    before = await reads.warm(readers)
    (third,) = await add_slots(api.http, psy, slot_at(monday, 14))
    await reads.assert_seen(readers, before)
    assert third in [slot["id"] for slot in (await reads.truth())["slots of one"]]

    before = await reads.warm(readers)
    removed = await api.http.post(
        "/delete-slot", json={"secret": psy.secret, "slot": slot_at(monday, 10)}
    )
    assert removed.status == 200, await removed.text()
    await reads.assert_seen(readers, before)
    assert first_id not in [slot["id"] for slot in (await reads.truth())["slots of one"]]


async def test_a_hold_hides_the_slot_until_it_runs_out(
    api: Api, readers: list[TestClient]
) -> None:
    slot = await future_slot()
    reads = Reads(api, await Psychologist.get(id=slot.psychologist_id), msk_day(slot))
    client, client_auth = await api.client(name="Вера")

    before = await reads.warm(readers)
    held = await api.http.post(f"/api/v1/slots/{slot.id}/hold", headers=client_auth)
    assert held.status == 200, await held.text()
    await reads.assert_seen(readers, before)
    # the client who holds it still sees it as theirs to book
    mine = await api.http.get(
        "/api/v1/slots/available",
        params={"psychologist_id": slot.psychologist_id},
        headers=client_auth,
    )
    assert slot.id in [row["id"] for row in await mine.json()]

    # a hold that runs out in a moment: nothing announces its end, the answers know it
    await appointments.release_hold(client.id)
    almost_over = utcnow() - appointments.HOLD_TTL + timedelta(seconds=1.5)
    await appointments.hold_slot(client.id, slot.id, now=almost_over)
    before = await reads.warm(readers)
    assert slot.id not in [row["id"] for row in before["slots of one"]]
    deadline = almost_over + appointments.HOLD_TTL
    while utcnow() <= deadline:
        await asyncio.sleep(0.1)
    await reads.assert_seen(readers, before)
    assert slot.id in [row["id"] for row in (await reads.truth())["slots of one"]]


async def test_booked_moved_and_cancelled_through_the_api(
    api: Api, readers: list[TestClient]
) -> None:
    slot = await future_slot()
    psychologist = await Psychologist.get(id=slot.psychologist_id)
    later = await future_slot(psychologist, hours_ahead=74)
    reads = Reads(api, psychologist, msk_day(slot))
    _, client_auth = await api.client(name="Вера")
    manager = await api.manager()

    before = await reads.warm(readers)
    booked = await api.http.post(
        "/api/v1/appointments", json={"slot_id": slot.id}, headers=client_auth
    )
    assert booked.status == 201, await booked.text()
    appointment = await booked.json()
    await reads.assert_seen(readers, before)

    before = await reads.warm(readers)
    moved = await api.http.patch(
        f"/api/v1/appointments/{appointment['id']}/reschedule",
        json={"slot_id": later.id},
        headers=manager,
    )
    assert moved.status == 200, await moved.text()
    await reads.assert_seen(readers, before)

    before = await reads.warm(readers)
    cancelled = await api.http.patch(
        f"/api/v1/appointments/{appointment['id']}/status",
        json={"status": "cancelled", "reason": "болезнь"},
        headers=manager,
    )
    assert cancelled.status == 200, await cancelled.text()
    await reads.assert_seen(readers, before)


async def test_booked_by_automatch_through_the_legacy_api(
    api: Api, readers: list[TestClient], token_headers: dict[str, str]
) -> None:
    psy = await fill_anketa(api.http, token_headers, "Анна Каренина", 5001)
    monday = next_monday()
    await add_slots(api.http, psy, slot_at(monday, 10), slot_at(monday, 12))
    reads = Reads(api, await Psychologist.get(telegram_id=5001), monday)

    before = await reads.warm(readers)
    status, answer = await automatch(
        api.http, token_headers, [psy.name], [slot_at(monday, 12)], telegram_id=777_001
    )
    assert status == 200, answer
    await reads.assert_seen(readers, before)


async def test_a_session_completed_by_the_status_job(api: Api, readers: list[TestClient]) -> None:
    slot = await future_slot()
    reads = Reads(api, await Psychologist.get(id=slot.psychologist_id), msk_day(slot))
    _, client_auth = await api.client(name="Вера")
    booked = await api.http.post(
        "/api/v1/appointments", json={"slot_id": slot.id}, headers=client_auth
    )
    assert booked.status == 201, await booked.text()

    before = await reads.warm(readers)
    after_the_session = slot.starts_at + timedelta(minutes=slot.duration_min + 1)
    assert await jobs.complete_finished_sessions(now=after_the_session) == 1
    await reads.assert_seen(readers, before)
    statuses = [
        card["status"]
        for column in (await reads.truth())["board"]["columns"].values()
        for card in column
    ]
    assert statuses == ["completed"]


async def test_an_instance_answers_uncached_while_its_redis_is_unreachable(
    api: Api, tmp_path: Path
) -> None:
    """Redis down: the cache cannot know of other instances' changes, so it steps aside."""
    settings = load_settings(
        database_url=api.settings.database_url,
        redis_url="redis://127.0.0.1:1/0",  # nothing listens there
        data_dir=tmp_path / "other",
        jwt_secret=api.settings.jwt_secret.get_secret_value(),
        rate_limit_per_min=0,
    )
    app = create_app(Services(settings=settings), own_database=False)
    slot = await future_slot()
    reads = Reads(api, await Psychologist.get(id=slot.psychologist_id), msk_day(slot))
    async with TestClient(TestServer(app)) as cut_off:
        assert cut_off.app[SERVICES].redis is not None
        before = await reads.truth()
        assert await reads.through(cut_off) == before
        await Slot.filter(id=slot.id).delete()  # a change no feed of this instance hears
        after = await reads.truth()
        assert after != before
        assert await reads.through(cut_off) == after

"""The schedule editor's JSON routes: who may call them, local times in the psychologist's
zone, refusals with their reasons."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient

from db.enums import Actor, SlotStatus
from db.models import Slot
from domain.people import psychologists
from domain.timerules import utcnow, week_start
from tests.harness.api_callers import bearer
from tests.harness.builders import make_psychologist

ZONE = ZoneInfo("Asia/Novosibirsk")


async def test_a_psychologist_adds_lists_and_removes_slots_in_local_time(
    web_client: TestClient,
) -> None:
    psychologist = await make_psychologist(timezone=ZONE.key)
    auth = bearer(web_client, Actor.PSYCHOLOGIST, psychologist.telegram_id)
    monday = week_start(utcnow().astimezone(ZONE).date()) + timedelta(days=7)

    added = await web_client.post(
        "/api/v1/editor/slots", json={"local": f"{monday}T09:30"}, headers=auth
    )
    assert added.status == 201
    slot = await added.json()
    assert (slot["local"], slot["status"]) == (f"{monday}T09:30", "free")
    stored = await Slot.get(id=slot["id"])
    assert stored.starts_at == datetime(monday.year, monday.month, monday.day, 9, 30, tzinfo=ZONE)

    week = await (
        await web_client.get(f"/api/v1/editor/week?week_start={monday}", headers=auth)
    ).json()
    assert week["psychologist"]["timezone"] == ZONE.key
    assert week["days"][0] == str(monday)
    assert [s["local"] for s in week["slots"]] == [f"{monday}T09:30"]

    again = await web_client.post(
        "/api/v1/editor/slots", json={"local": f"{monday}T09:30"}, headers=auth
    )
    assert (again.status, (await again.json())["error"]) == (409, "slot_exists")

    removed = await web_client.delete(f"/api/v1/editor/slots/{slot['id']}", headers=auth)
    assert removed.status == 200
    assert not await Slot.exists(id=slot["id"])


async def test_refusals_name_the_reason(web_client: TestClient) -> None:
    psychologist = await make_psychologist()
    other = await make_psychologist()
    auth = bearer(web_client, Actor.PSYCHOLOGIST, psychologist.telegram_id)
    booked = await Slot.create(
        psychologist=psychologist,
        starts_at=utcnow() + timedelta(days=3),
        status=SlotStatus.BOOKED,
    )
    foreign = await Slot.create(psychologist=other, starts_at=utcnow() + timedelta(days=3))

    anonymous = await web_client.get("/api/v1/editor/week")
    assert anonymous.status == 401
    as_client = await web_client.get(
        "/api/v1/editor/week", headers=bearer(web_client, Actor.CLIENT, 1)
    )
    assert as_client.status == 403
    wrong_secret = await web_client.get(
        "/api/v1/editor/week", headers={"X-Schedule-Secret": "nope"}
    )
    assert wrong_secret.status == 401

    malformed = await web_client.post(
        "/api/v1/editor/slots", json={"local": "25.12 10:00"}, headers=auth
    )
    assert (malformed.status, (await malformed.json())["field"]) == (400, "local")
    past = await web_client.post(
        "/api/v1/editor/slots", json={"local": "2020-01-01T10:00"}, headers=auth
    )
    assert (past.status, (await past.json())["error"]) == (409, "slot_in_past")

    refused = await web_client.delete(f"/api/v1/editor/slots/{booked.id}", headers=auth)
    assert refused.status == 409
    assert "booked and cannot be removed" in (await refused.json())["reason"]
    nobody = await web_client.get(f"/api/v1/editor/slots/{booked.id}/booking", headers=auth)
    assert (nobody.status, (await nobody.json())["reason"]) == (
        404,
        "nobody is booked in this slot",
    )
    not_mine = await web_client.delete(f"/api/v1/editor/slots/{foreign.id}", headers=auth)
    assert not_mine.status == 404
    assert await Slot.exists(id=foreign.id)


async def test_the_editor_link_secret_is_a_caller(web_client: TestClient) -> None:
    psychologist = await make_psychologist()
    psychologist.secret_hash = psychologists.hash_secret("s3cret-of-the-link")
    await psychologist.save(update_fields=["secret_hash"])
    week = await web_client.get(
        "/api/v1/editor/week", headers={"X-Schedule-Secret": "s3cret-of-the-link"}
    )
    assert week.status == 200
    assert (await week.json())["psychologist"]["name"] == psychologist.name

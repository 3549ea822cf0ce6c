"""The schedule editor's extras: copying last week's pattern and adding a range of slots, over
the API (reports of what was added and skipped, refusals naming the field) and in Chromium."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient
from playwright.sync_api import Page, expect

from db.enums import Actor
from db.models import Psychologist, Slot
from domain.timerules import utcnow, week_start
from tests.harness.api_callers import bearer
from tests.harness.builders import make_psychologist
from tests.harness.mini_apps import Screen, Site

ZONE = ZoneInfo("Asia/Novosibirsk")


def this_monday() -> date:
    return week_start(utcnow().astimezone(ZONE).date())


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


async def local_slots(psychologist: Psychologist) -> list[str]:
    found = await Slot.filter(psychologist_id=psychologist.id).order_by("starts_at")
    return [s.starts_at.astimezone(ZONE).strftime("%Y-%m-%dT%H:%M") for s in found]


async def test_copying_last_week_repeats_its_slots_and_reports_the_skipped(
    web_client: TestClient,
) -> None:
    psychologist = await make_psychologist(timezone=ZONE.key)
    auth = bearer(web_client, Actor.PSYCHOLOGIST, psychologist.telegram_id)
    target = this_monday() + timedelta(days=14)
    source = target - timedelta(days=7)
    for starts_at in (local(source, 9), local(source + timedelta(days=2), 14, 30)):
        await Slot.create(psychologist=psychologist, starts_at=starts_at)
    # already in the target week: a duplicate of Monday 9:00
    await Slot.create(psychologist=psychologist, starts_at=local(target, 9))

    answer = await web_client.post(
        "/api/v1/editor/copy-week",
        json={"week_start": str(target + timedelta(days=3))},
        headers=auth,
    )

    assert answer.status == 200
    report = await answer.json()
    wednesday = target + timedelta(days=2)
    assert report["added"] == [f"{wednesday}T14:30"]
    assert [(s["slot"], s["error"]) for s in report["skipped"]] == [
        (f"{target}T09:00", "slot_exists")
    ]
    assert f"{wednesday}T14:30" in await local_slots(psychologist)


async def test_copying_into_the_current_week_skips_the_past(web_client: TestClient) -> None:
    psychologist = await make_psychologist(timezone=ZONE.key)
    auth = bearer(web_client, Actor.PSYCHOLOGIST, psychologist.telegram_id)
    last_week = utcnow() - timedelta(days=7)
    past, future = last_week - timedelta(hours=2), last_week + timedelta(hours=2)
    for starts_at in (past, future):
        await Slot.create(psychologist=psychologist, starts_at=starts_at.replace(microsecond=0))
    fmt = "%Y-%m-%dT%H:%M"
    past_copy = (past + timedelta(days=7)).astimezone(ZONE).strftime(fmt)
    future_copy = (future + timedelta(days=7)).astimezone(ZONE).strftime(fmt)
    # both copies fall into the week of their own day; copy each one's week
    reports = []
    for copy in sorted({past_copy[:10], future_copy[:10]}):
        answer = await web_client.post(
            "/api/v1/editor/copy-week", json={"week_start": copy}, headers=auth
        )
        assert answer.status == 200
        reports.append(await answer.json())

    added = [slot for report in reports for slot in report["added"]]
    skipped = [(s["slot"], s["error"]) for report in reports for s in report["skipped"]]
    assert future_copy in added
    assert (past_copy, "slot_in_past") in skipped
    assert past_copy not in await local_slots(psychologist)


async def test_bulk_add_fills_a_range_and_skips_overlaps(web_client: TestClient) -> None:
    psychologist = await make_psychologist(timezone=ZONE.key)
    auth = bearer(web_client, Actor.PSYCHOLOGIST, psychologist.telegram_id)
    day = this_monday() + timedelta(days=8)
    await Slot.create(psychologist=psychologist, starts_at=local(day, 11, 30))

    answer = await web_client.post(
        "/api/v1/editor/bulk",
        json={"date": str(day), "start": "10:00", "end": "14:00"},
        headers=auth,
    )

    assert answer.status == 200
    report = await answer.json()
    assert report["added"] == [f"{day}T10:00", f"{day}T13:00"]
    assert [(s["slot"], s["error"]) for s in report["skipped"]] == [
        (f"{day}T11:00", "slot_overlap"),
        (f"{day}T12:00", "slot_overlap"),
    ]
    assert await local_slots(psychologist) == [f"{day}T10:00", f"{day}T11:30", f"{day}T13:00"]

    again = await web_client.post(
        "/api/v1/editor/bulk",
        json={"date": str(day), "start": "10:00", "end": "10:30", "step_min": 15},
        headers=auth,
    )
    assert [(s["slot"], s["error"]) for s in (await again.json())["skipped"]] == [
        (f"{day}T10:00", "slot_exists"),
        (f"{day}T10:15", "slot_overlap"),
    ]


async def test_bad_input_is_refused_naming_the_field(web_client: TestClient) -> None:
    psychologist = await make_psychologist(timezone=ZONE.key)
    auth = bearer(web_client, Actor.PSYCHOLOGIST, psychologist.telegram_id)
    day = str(this_monday() + timedelta(days=8))
    cases = [
        ("/api/v1/editor/copy-week", {"week_start": "next week"}, "week_start"),
        ("/api/v1/editor/copy-week", {}, "week_start"),
        ("/api/v1/editor/bulk", {"date": "31.12", "start": "10:00", "end": "12:00"}, "date"),
        ("/api/v1/editor/bulk", {"date": day, "start": "25:00", "end": "12:00"}, "start"),
        ("/api/v1/editor/bulk", {"date": day, "start": "10:00+03:00", "end": "12:00"}, "start"),
        (
            "/api/v1/editor/bulk",
            {"date": day, "start": "10:00", "end": "12:00", "step_min": 10},
            "step_min",
        ),
    ]
    for path, body, field in cases:
        answer = await web_client.post(path, json=body, headers=auth)
        assert (answer.status, (await answer.json())["field"]) == (400, field), body
    # A range that ends where it starts, or before, holds no slot: nothing to add
    for start, end in (("12:00", "10:00"), ("10:00", "10:00")):
        empty = await web_client.post(
            "/api/v1/editor/bulk", json={"date": day, "start": start, "end": end}, headers=auth
        )
        assert (empty.status, await empty.json()) == (200, {"added": [], "skipped": []})
    assert await Slot.filter(psychologist_id=psychologist.id).count() == 0
    # A whole day is the most one call adds (at the shortest step, MAX_BULK_SLOTS)
    whole_day = await web_client.post(
        "/api/v1/editor/bulk",
        json={"date": day, "start": "00:00", "end": "23:59", "step_min": 30},
        headers=auth,
    )
    report = await whole_day.json()
    # every half hour: the hour-long slots that would overlap the one before are skipped
    assert (whole_day.status, len(report["added"]), len(report["skipped"])) == (200, 24, 24)


async def test_the_extras_need_a_psychologist(web_client: TestClient) -> None:
    day = str(this_monday() + timedelta(days=8))
    for path, body in (
        ("/api/v1/editor/copy-week", {"week_start": day}),
        ("/api/v1/editor/bulk", {"date": day, "start": "10:00", "end": "12:00"}),
    ):
        anonymous = await web_client.post(path, json=body)
        assert anonymous.status == 401
        wrong_secret = await web_client.post(
            path, json=body, headers={"X-Schedule-Secret": "nope"}
        )
        assert wrong_secret.status == 401
    assert await Slot.all().count() == 0


async def test_copy_last_week_in_the_page_opens_the_copied_cells(
    site: Site, screen: Screen
) -> None:
    psychologist = await make_psychologist(name="Анна Смирнова", timezone=ZONE.key)
    token = site.token(Actor.PSYCHOLOGIST, psychologist.telegram_id)
    target = this_monday() + timedelta(days=7)
    source = this_monday()
    # this week's slots may be past already; the copies next week never are
    for starts_at in (local(source, 10), local(source + timedelta(days=4), 15)):
        await Slot.create(psychologist=psychologist, starts_at=starts_at)
    copies = [f"{target}T10:00", f"{target + timedelta(days=4)}T15:00"]

    def copy_last_week(page: Page) -> None:
        page.goto(site.url("/app/editor?lang=ru") + f"#token={token}")
        expect(page.locator(".cell").first).to_be_visible()
        page.click("#next-week")
        for copy in copies:
            expect(page.locator(f'.cell[data-slot="{copy}"]')).to_have_attribute(
                "data-status", "empty"
            )
        page.get_by_role("button", name="Скопировать прошлую неделю").click()
        for copy in copies:
            expect(page.locator(f'.cell[data-slot="{copy}"]')).to_have_attribute(
                "data-status", "free"
            )
        expect(page.locator("#toast")).to_contain_text("Добавлено слотов: 2, пропущено: 0.")

    await screen.run(copy_last_week)
    assert await local_slots(psychologist) == [
        f"{source}T10:00",
        f"{source + timedelta(days=4)}T15:00",
        *copies,
    ]
    await screen.screenshot("editor-week-copied")

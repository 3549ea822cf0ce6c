"""Weekly slots in the schedule editor: the routes (a weekly add, the rules in the week, removing
a rule) and the page (tick "Repeat weekly", tap a cell, see the rule and its weeks, remove it)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiohttp.test_utils import TestClient
from playwright.sync_api import Page, expect

from db.enums import Actor, SlotStatus
from db.models import Psychologist, Slot, SlotRule
from domain.timerules import utcnow, week_start
from tests.harness.api_callers import bearer
from tests.harness.builders import make_psychologist
from tests.harness.mini_apps import Screen, Site

ZONE = ZoneInfo("Europe/Berlin")


def next_monday() -> date:
    return week_start(utcnow().astimezone(ZONE).date()) + timedelta(days=7)


async def rule_slots(psychologist: Psychologist) -> list[datetime]:
    found = await Slot.filter(psychologist_id=psychologist.id, rule_id__isnull=False).order_by(
        "starts_at"
    )
    return [slot.starts_at.astimezone(ZONE) for slot in found]


async def test_a_weekly_slot_makes_a_rule_listed_with_the_week_and_removable(
    web_client: TestClient,
) -> None:
    psychologist = await make_psychologist(timezone=ZONE.key)
    auth = bearer(web_client, Actor.PSYCHOLOGIST, psychologist.telegram_id)
    monday = next_monday()

    added = await web_client.post(
        "/api/v1/editor/slots", json={"local": f"{monday}T10:00", "weekly": True}, headers=auth
    )
    assert added.status == 201
    answer = await added.json()
    assert (answer["local"], answer["status"]) == (f"{monday}T10:00", "free")
    rule = answer["rule"]
    assert rule == {
        "id": rule["id"],
        "weekday": 0,
        "time": "10:00",
        "duration_min": 60,
        "timezone": ZONE.key,
    }
    assert answer["rule_id"] == rule["id"]
    # Mondays at 10:00 from that one on, up to four weeks from now.
    starts = await rule_slots(psychologist)
    assert starts[0] == datetime(monday.year, monday.month, monday.day, 10, tzinfo=ZONE)
    assert {s.strftime("%a %H:%M") for s in starts} == {"Mon 10:00"}
    assert len(starts) in (3, 4)
    assert [b - a for a, b in zip(starts, starts[1:], strict=False)] == [timedelta(days=7)] * (
        len(starts) - 1
    )

    one_off = await web_client.post(
        "/api/v1/editor/slots", json={"local": f"{monday}T12:00"}, headers=auth
    )
    assert (await one_off.json())["rule"] is None
    week = await (
        await web_client.get(f"/api/v1/editor/week?week_start={monday}", headers=auth)
    ).json()
    assert week["rules"] == [rule]
    assert [(s["local"], s["rule_id"]) for s in week["slots"]] == [
        (f"{monday}T10:00", rule["id"]),
        (f"{monday}T12:00", None),
    ]

    again = await web_client.post(
        "/api/v1/editor/slots",
        json={"local": f"{monday + timedelta(days=35)}T10:00", "weekly": True},
        headers=auth,
    )
    assert (again.status, (await again.json())["error"]) == (409, "rule_exists")

    booked = (await Slot.filter(rule_id=rule["id"]).order_by("starts_at"))[1]
    booked.status = SlotStatus.BOOKED
    await booked.save(update_fields=["status"])
    removed = await web_client.delete(f"/api/v1/editor/rules/{rule['id']}", headers=auth)
    assert removed.status == 200
    assert await removed.json() == {"removed_slots": len(starts) - 1, "kept_slots": 1}
    assert not await SlotRule.exists(id=rule["id"])
    left = await Slot.filter(psychologist_id=psychologist.id)
    assert {s.id for s in left} == {booked.id, (await one_off.json())["id"]}
    week = await (await web_client.get("/api/v1/editor/week", headers=auth)).json()
    assert week["rules"] == []


async def test_weekly_refusals_name_the_field_and_rules_are_the_owners_alone(
    web_client: TestClient,
) -> None:
    owner = await make_psychologist(timezone=ZONE.key)
    intruder = await make_psychologist()
    rule = await SlotRule.create(psychologist=owner, weekday=2, minute=9 * 60)
    auth = bearer(web_client, Actor.PSYCHOLOGIST, intruder.telegram_id)

    not_theirs = await web_client.delete(f"/api/v1/editor/rules/{rule.id}", headers=auth)
    assert not_theirs.status == 404
    assert await SlotRule.exists(id=rule.id)
    nothing = await web_client.delete("/api/v1/editor/rules/987654", headers=auth)
    assert nothing.status == 404

    for bad in ("yes", 1, None):
        refused = await web_client.post(
            "/api/v1/editor/slots",
            json={"local": f"{next_monday()}T10:00", "weekly": bad},
            headers=auth,
        )
        assert (refused.status, (await refused.json())["field"]) == (400, "weekly")
    assert not await SlotRule.filter(psychologist_id=intruder.id).exists()
    past = await web_client.post(
        "/api/v1/editor/slots", json={"local": "2020-01-06T10:00", "weekly": True}, headers=auth
    )
    assert (past.status, (await past.json())["error"]) == (409, "slot_in_past")
    assert not await SlotRule.filter(psychologist_id=intruder.id).exists()


def cell(local: str) -> str:
    return f'.cell[data-slot="{local}"]'


async def test_repeat_weekly_in_the_editor(site: Site, screen: Screen) -> None:
    psychologist = await make_psychologist(name="Анна Смирнова", timezone=ZONE.key)
    token = site.token(Actor.PSYCHOLOGIST, psychologist.telegram_id)
    monday = next_monday()
    local = f"{monday}T10:00"
    later = f"{monday + timedelta(days=7)}T10:00"

    def add_weekly(page: Page) -> None:
        page.goto(site.url("/app/editor?lang=ru") + f"#token={token}")
        expect(page.locator(".cell").first).to_be_visible()
        expect(page.locator("#rules")).to_contain_text("Пока нет")
        page.click("#next-week")
        expect(page.locator(cell(local))).to_be_visible()
        page.check("#weekly")
        page.click(cell(local))
        expect(page.locator(cell(local))).to_have_attribute("data-status", "free")
        expect(page.locator(cell(local))).to_have_attribute("data-rule-id", re.compile(r"^\d+$"))
        expect(page.locator("#rules li span")).to_have_text(["Каждую неделю: понедельник 10:00"])
        page.click("#next-week")
        expect(page.locator(cell(later))).to_have_attribute("data-status", "free")
        expect(page.locator(cell(later))).to_have_attribute(
            "title", re.compile(r"\(повторяется каждую неделю\)$")
        )

    await screen.run(add_weekly)
    assert len(await rule_slots(psychologist)) >= 3
    await screen.screenshot("editor-weekly-rule")

    def remove_rule(page: Page) -> None:
        page.locator("#rules .remove-rule").click()
        page.locator("dialog.confirm button.primary").click()
        expect(page.locator("#toast")).to_contain_text("Удалено открытых слотов")
        expect(page.locator("#rules li")).to_have_count(0)
        expect(page.locator(cell(later))).to_have_attribute("data-status", "empty")

    await screen.run(remove_rule)
    assert await Slot.filter(psychologist_id=psychologist.id).count() == 0
    assert not await SlotRule.filter(psychologist_id=psychologist.id).exists()

"""The board's staff tab in Chromium: an admin deactivates a manager after confirming and
makes an invite link; a manager never sees the tab."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.sync_api import Page, expect

from db.enums import Actor, ManagerRole
from db.models import AuditLog, Invite, Manager
from tests.harness.bots import bot_on_emulator
from tests.harness.builders import make_psychologist
from tests.harness.mini_apps import Screen, Site
from webapp.keys import SERVICES

ADMIN = 7100
INVITE_LINK = re.compile(r"^https://t\.me/sandbox_bot\?start=mgr_[\w-]{22}$")


@pytest.fixture
async def bot_site(site: Site) -> AsyncIterator[Site]:
    """The site with a bot on an emulator: invite links name it."""
    async with bot_on_emulator(site.server.app[SERVICES]):
        yield site


def row(kind: str, staff_id: int) -> str:
    return f'.staff-row[data-staff-kind="{kind}"][data-staff-id="{staff_id}"]'


def open_staff_tab(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#board")).to_have_attribute("data-loaded", "true")
    page.get_by_role("tab", name="Staff").click()
    expect(page.locator("#staff-view")).to_be_visible()
    expect(page.locator("#board")).to_be_hidden()
    expect(page.locator("#filters")).to_be_hidden()


async def test_an_admin_deactivates_a_manager_after_confirming_and_invites_a_psychologist(
    bot_site: Site, screen: Screen
) -> None:
    await Manager.create(telegram_id=ADMIN, name="Вера Админова", role=ManagerRole.ADMIN)
    nina = await Manager.create(telegram_id=7101, name="Нина Петрова")
    anna = await make_psychologist(name="Анна Смирнова")
    token = bot_site.token(Actor.ADMIN, ADMIN)
    await screen.run(open_staff_tab, bot_site.url("/app/board?lang=en") + f"#token={token}")

    def sees_the_team(page: Page) -> None:
        expect(page.locator(row("manager", nina.id))).to_contain_text("Нина Петрова")
        expect(page.locator(row("manager", nina.id))).to_contain_text("manager")
        expect(page.locator(row("manager", nina.id))).to_have_attribute("data-active", "true")
        expect(page.locator(row("psychologist", anna.id))).to_contain_text("active")
        expect(page.locator(".staff-row")).to_have_count(3)

    await screen.run(sees_the_team)

    def dismisses_then_confirms(page: Page) -> None:
        toggle = page.locator(row("manager", nina.id) + " .toggle")
        question = page.get_by_role("alertdialog")
        toggle.click()
        expect(question).to_have_text(
            "Deactivate Нина Петрова? They lose access to the board at once. "
            "You can activate them again later.NoYes"
        )
        question.get_by_role("button", name="No").click()
        expect(question).to_have_count(0)
        expect(page.locator(row("manager", nina.id))).to_have_attribute("data-active", "true")

        toggle.click()
        question.get_by_role("button", name="Yes").click()
        deactivated = page.locator(row("manager", nina.id))
        expect(deactivated).to_have_attribute("data-active", "false")
        expect(deactivated).to_contain_text("deactivated")
        expect(deactivated.locator(".toggle")).to_have_text("Activate")
        expect(page.locator("#toast")).to_contain_text("Нина Петрова is deactivated.")

    await screen.run(dismisses_then_confirms)
    assert not (await Manager.get(id=nina.id)).is_active
    assert await AuditLog.filter(action="manager.deactivated", entity_id=nina.id).count() == 1
    await screen.screenshot("staff-deactivated")

    def invites_a_psychologist(page: Page) -> str:
        page.locator("#invite-form select[name=role]").select_option("psychologist")
        page.get_by_role("button", name="Create an invite link").click()
        link = page.locator("#invite-form input[name=link]")
        expect(link).to_be_visible()
        expect(link).to_have_value(INVITE_LINK)
        expect(page.locator(".invite-link .hint")).to_contain_text(
            "Send this link to the new psychologist. It works once, until"
        )
        page.get_by_role("button", name="Copy").click()
        expect(page.locator("#toast")).to_contain_text("The link is copied.")
        return link.input_value()

    link = await screen.run(invites_a_psychologist)
    invite = await Invite.get()
    assert (invite.role, invite.created_by, invite.used_at) == ("psychologist", ADMIN, None)
    assert link.endswith(f"mgr_{invite.code}")
    await screen.screenshot("staff-invite")


async def test_a_manager_does_not_see_the_staff_tab(site: Site, screen: Screen) -> None:
    url = site.url("/app/board?lang=en") + f"#token={await site.manager_token()}"

    def board_without_staff_tab(page: Page) -> None:
        page.goto(url)
        expect(page.locator("#board")).to_have_attribute("data-loaded", "true")
        expect(page.get_by_role("tab", name="Calendar")).to_be_visible()
        expect(page.locator('[data-view="staff"]')).to_be_hidden()
        expect(page.locator("#staff-view")).to_be_hidden()

    await screen.run(board_without_staff_tab)

"""Managers: an admin's single-use invite link (`/start mgr_<code>`), and the one-time link
that opens the board in a plain browser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import jwt

from db.enums import Actor, ManagerRole
from db.models import AuditLog, Invite, Manager
from domain.people import invites
from domain.timerules import utcnow
from sandbox import BotApiEmulator
from services import Services
from tests.harness.bot_users import Person
from tests.harness.bots import TOKEN


async def _invite_link(admin: Person) -> str:
    await admin.send_text("/invite manager")
    answer = await admin.expect("Send this link to the new manager")
    return answer["text"].rsplit("\n", 1)[-1]


async def test_an_admin_invites_a_manager_with_a_single_use_link(
    person: Callable[..., Person], services: Services, emulator: BotApiEmulator
) -> None:
    admin = person("en", "Boss")
    services.settings.admin_ids = [admin.id]
    link = await _invite_link(admin)
    assert link.startswith("https://t.me/sandbox_bot?start=mgr_")
    code = link.removeprefix("https://t.me/sandbox_bot?start=mgr_")

    nina = person("en", "Nina")
    await nina.send_text(f"/start mgr_{code}")
    welcome = await nina.expect("Welcome to the team! You are now a manager.")
    assert "Manager's menu" in welcome["text"]
    board = next(b for b in nina.buttons(welcome) if "web_app" in b)
    assert board["web_app"]["url"] == "http://127.0.0.1:8080/app/board"
    assert emulator.menu_button(TOKEN, nina.id)["web_app"]["url"].endswith("/app/board")
    manager = await Manager.get(telegram_id=nina.id)
    assert (manager.role, manager.is_active, manager.name) == (ManagerRole.MANAGER, True, "Nina")
    assert await AuditLog.filter(action="invite.accepted", entity_id=manager.id).exists()

    # The same link a second time, by someone else: refused, nobody new on the team.
    oleg = person("en", "Oleg")
    await oleg.send_text(f"/start mgr_{code}")
    await oleg.expect("This invite link has already been used. Please ask an admin for a new one.")
    assert not await Manager.filter(telegram_id=oleg.id).exists()
    invite = await Invite.get(code=code)
    assert (invite.used_by, invite.created_by) == (nina.id, admin.id)

    # A made-up code and an expired one.
    await oleg.send_text("/start mgr_madeUpCode123")
    await oleg.expect("This invite link is not valid.")
    stale = await invites.create_invite(
        admin.id, [admin.id], now=utcnow() - invites.INVITE_TTL - timedelta(minutes=1)
    )
    await oleg.send_text(f"/start mgr_{stale.code}")
    await oleg.expect("This invite link has expired.")
    assert not await Manager.filter(telegram_id=oleg.id).exists()

    # A manager is not an admin: no invites from her.
    await nina.send_text("/invite")
    await nina.expect("Sorry, only admins can invite new staff.")
    assert await Invite.filter(created_by=nina.id).count() == 0


async def test_a_manager_with_role_admin_invites_in_russian(
    person: Callable[..., Person],
) -> None:
    chief = person("ru", "Вера")
    await Manager.create(telegram_id=chief.id, name="Вера", role=ManagerRole.ADMIN)
    await chief.send_text("/invite менеджер")
    answer = await chief.expect("Отправьте эту ссылку новому менеджеру")
    code = answer["text"].rsplit("mgr_", 1)[-1]

    ivan = person("ru", "Иван")
    await ivan.send_text(f"/start mgr_{code}")
    await ivan.expect("Добро пожаловать в команду! Теперь вы менеджер.")
    assert (await Manager.get(telegram_id=ivan.id)).role == ManagerRole.MANAGER


async def test_a_manager_gets_a_one_time_browser_link_to_the_board(
    person: Callable[..., Person], services: Services
) -> None:
    olga = person("en", "Olga")
    await Manager.create(telegram_id=olga.id, name="Olga")
    await olga.send_text("/start")
    await olga.expect("Manager's menu")
    await olga.click("🖥 Open the board in a browser")
    shown = await olga.expect("Your link to the board in a browser")
    link = shown["text"].rsplit("\n", 1)[-1]
    prefix = "http://127.0.0.1:8080/app/board#token="
    assert link.startswith(prefix)
    claims = jwt.decode(
        link.removeprefix(prefix),
        services.settings.jwt_secret.get_secret_value(),
        algorithms=["HS256"],
    )
    assert (claims["sub"], claims["role"], claims["purpose"]) == (
        str(olga.id),
        Actor.MANAGER.value,
        "login",
    )
    assert claims["exp"] - claims["iat"] == 600 and claims["jti"]

    await olga.send_text("/login")
    again = await olga.expect("It works once and for 10 minutes")
    assert again["text"].rsplit("\n", 1)[-1] != link  # a fresh link each time

    # A client has no such command.
    anna = person("en")
    await anna.send_text("/login")
    assert not any("board in a browser" in text for text in anna.texts())

"""Staff administration over HTTP: admins list managers and psychologists, invite new ones
(the link works in the real bot against the emulator), deactivate and reactivate them; every
change audited; nobody else gets in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest
from aiogram import Bot
from aiohttp.test_utils import TestClient, TestServer

from db.enums import Actor, AppointmentStatus, ManagerRole
from db.models import AuditLog, Invite, Manager, Psychologist, Slot
from domain.audit import Initiator
from domain.booking import appointments
from domain.timerules import MSK, utcnow
from sandbox import BotApiEmulator
from services import Services
from tests.harness.api_callers import Api
from tests.harness.bot_users import Person
from tests.harness.bots import TOKEN
from tests.harness.builders import future_slot, make_client, make_psychologist
from webapp.app import create_app

ADMIN = 9001
LINK_PREFIX = "https://t.me/sandbox_bot?start=mgr_"


@pytest.fixture
async def staff_api(services: Services, running_bot: Bot) -> AsyncIterator[Api]:
    """The web app sharing the running bot's services: invite links name the emulator's bot,
    and the person who opens one talks to the real dispatcher."""
    services.settings.admin_ids = [ADMIN]
    async with TestClient(TestServer(create_app(services, own_database=False))) as http:
        yield Api(http)


def admin(api: Api, telegram_id: int = ADMIN) -> dict[str, str]:
    return api.auth(Actor.ADMIN, telegram_id)


async def invite(api: Api, role: str) -> dict[str, str]:
    answer = await api.http.post("/api/v1/staff/invites", json={"role": role}, headers=admin(api))
    assert answer.status == 201, await answer.text()
    return await answer.json()


async def actions(entity: str, entity_id: int) -> list[str]:
    rows = AuditLog.filter(entity=entity, entity_id=entity_id).order_by("id")
    return await rows.values_list("action", flat=True)  # type: ignore[return-value]


async def test_an_admin_lists_every_manager_and_psychologist(staff_api: Api) -> None:
    chief = await Manager.create(telegram_id=9100, name="Вера", role=ManagerRole.ADMIN)
    listed_admin = await Manager.create(telegram_id=ADMIN, name="Борис")
    gone = await Manager.create(telegram_id=9101, name="Глеб", is_active=False)
    anna = await make_psychologist(name="Анна Смирнова", telegram_id=9200)
    oleg = await make_psychologist(name="Олег Петров", telegram_id=None, is_active=False)

    answer = await staff_api.http.get("/api/v1/staff", headers=admin(staff_api, 9100))

    assert answer.status == 200
    assert await answer.json() == {
        "managers": [
            {
                "id": listed_admin.id,
                "telegram_id": ADMIN,
                "name": "Борис",
                "role": "admin",
                "active": True,
            },
            {"id": chief.id, "telegram_id": 9100, "name": "Вера", "role": "admin", "active": True},
            {
                "id": gone.id,
                "telegram_id": 9101,
                "name": "Глеб",
                "role": "manager",
                "active": False,
            },
        ],
        "psychologists": [
            {"id": anna.id, "telegram_id": 9200, "name": "Анна Смирнова", "active": True},
            {"id": oleg.id, "telegram_id": None, "name": "Олег Петров", "active": False},
        ],
    }


async def test_a_psychologist_invite_makes_its_opener_a_psychologist_in_the_bot(
    staff_api: Api, person: Callable[..., Person], emulator: BotApiEmulator
) -> None:
    issued = await invite(staff_api, "psychologist")
    assert issued["link"] == LINK_PREFIX + issued["code"]
    expires = datetime.fromisoformat(issued["expires_at"])
    assert timedelta(hours=23, minutes=59) < expires - utcnow() <= timedelta(hours=24)

    await make_psychologist(name="Мария Белова")  # her namesake is here already
    maria = person("ru", "Мария Белова")
    await maria.send_text(f"/start mgr_{issued['code']}")
    welcome = await maria.expect("Добро пожаловать в команду! Теперь вы один из наших психологов.")
    assert "редактор расписания" in welcome["text"]
    assert "Здравствуйте, Мария Белова 2!" in welcome["text"]
    editor = next(button for button in maria.buttons(welcome) if "web_app" in button)
    assert editor["web_app"]["url"].endswith("/app/editor")
    assert emulator.menu_button(TOKEN, maria.id)["web_app"]["url"].endswith("/app/editor")

    joined = await Psychologist.get(telegram_id=maria.id)
    assert (joined.name, joined.is_active, joined.language) == ("Мария Белова 2", True, "ru")
    assert not await Manager.filter(telegram_id=maria.id).exists()
    listed = await (await staff_api.http.get("/api/v1/staff", headers=admin(staff_api))).json()
    entry = {"id": joined.id, "telegram_id": maria.id, "name": "Мария Белова 2", "active": True}
    assert entry in listed["psychologists"]
    assert await actions("psychologist", joined.id) == ["invite.accepted"]
    created = await AuditLog.get(action="invite.created")
    assert (created.actor_ref, created.source, created.data) == (
        str(ADMIN),
        "api",
        {"role": "psychologist"},
    )

    # The link is spent.
    ivan = person("en", "Ivan")
    await ivan.send_text(f"/start mgr_{issued['code']}")
    await ivan.expect("This invite link has already been used.")
    assert not await Psychologist.filter(telegram_id=ivan.id).exists()


async def test_a_psychologist_invite_brings_back_a_deactivated_one_and_spares_an_active_one(
    staff_api: Api, person: Callable[..., Person]
) -> None:
    issued = await invite(staff_api, "psychologist")
    nina = person("en", "Nina")
    await make_psychologist(name="Nina Orlova", telegram_id=nina.id, language="en")

    await nina.send_text(f"/start mgr_{issued['code']}")
    await nina.expect("You are already one of our psychologists.")
    assert (await Invite.get(code=issued["code"])).used_at is None  # left for someone else

    lev = person("en", "Lev")
    await make_psychologist(name="Lev Gromov", telegram_id=lev.id, language="en", is_active=False)
    await lev.send_text(f"/start mgr_{issued['code']}")
    welcome = await lev.expect("Welcome to the team! You are now one of our psychologists.")
    assert "Hello, Lev Gromov!" in welcome["text"]
    assert (await Psychologist.get(telegram_id=lev.id)).is_active


async def test_a_manager_invite_makes_its_opener_a_manager_in_the_bot(
    staff_api: Api, person: Callable[..., Person]
) -> None:
    issued = await invite(staff_api, "manager")
    assert issued["link"] == LINK_PREFIX + issued["code"]

    pavel = person("en", "Pavel")
    await pavel.send_text(f"/start mgr_{issued['code']}")
    welcome = await pavel.expect("Welcome to the team! You are now a manager.")
    assert "Manager's menu" in welcome["text"]
    manager = await Manager.get(telegram_id=pavel.id)
    assert (manager.role, manager.is_active, manager.name) == (ManagerRole.MANAGER, True, "Pavel")
    listed = await (await staff_api.http.get("/api/v1/staff", headers=admin(staff_api))).json()
    assert listed["managers"] == [
        {
            "id": manager.id,
            "telegram_id": pavel.id,
            "name": "Pavel",
            "role": "manager",
            "active": True,
        }
    ]


async def test_an_admin_deactivates_and_reactivates_a_manager(
    staff_api: Api, person: Callable[..., Person]
) -> None:
    vera = person("en", "Vera")
    manager = await Manager.create(telegram_id=vera.id, name="Vera", role=ManagerRole.ADMIN)
    await vera.send_text("/invite manager")  # an invite she handed out as an admin
    code = (await vera.expect("Send this link")).get("text", "").rsplit("mgr_", 1)[-1]
    path = f"/api/v1/staff/managers/{manager.id}"

    off = await staff_api.http.patch(path, json={"active": False}, headers=admin(staff_api))

    assert off.status == 200
    assert await off.json() == {
        "id": manager.id,
        "telegram_id": vera.id,
        "name": "Vera",
        "role": "admin",
        "active": False,
    }
    await vera.send_text("/start")  # the bot no longer knows her as staff
    await vera.expect("share your phone number")
    gleb = person("en", "Gleb")
    await gleb.send_text(f"/start mgr_{code}")  # her invite died with her rights
    await gleb.expect("This invite link has expired.")
    again = await staff_api.http.patch(path, json={"active": False}, headers=admin(staff_api))
    assert (await again.json())["active"] is False

    on = await staff_api.http.patch(path, json={"active": True}, headers=admin(staff_api))

    assert on.status == 200
    assert (await on.json())["active"] is True
    await vera.send_text("/start")
    await vera.expect("Manager's menu")
    # one row per change; repeating a state is no change
    assert await actions("manager", manager.id) == ["manager.deactivated", "manager.reactivated"]
    deactivated = await AuditLog.get(action="manager.deactivated")
    assert (deactivated.actor, deactivated.actor_ref) == (Actor.ADMIN, str(ADMIN))
    assert deactivated.data == {"telegram_id": vera.id, "revoked_invites": 1}


async def test_a_deactivated_psychologist_keeps_booked_sessions_but_takes_no_new_ones(
    staff_api: Api,
) -> None:
    psychologist = await make_psychologist(name="Анна Смирнова")
    assert psychologist.telegram_id is not None
    booked = await future_slot(psychologist, hours_ahead=48)
    free = await future_slot(psychologist, hours_ahead=72)
    held = await future_slot(psychologist, hours_ahead=96)
    past = await future_slot(psychologist, hours_ahead=-48)
    client, client_auth = await staff_api.client()
    appointment = await appointments.book(
        client.id, booked.id, Initiator(Actor.SYSTEM), require_own_hold=False
    )
    _, other_auth = await staff_api.client()
    hold = await staff_api.http.post(f"/api/v1/slots/{held.id}/hold", headers=other_auth)
    assert hold.status == 200
    own_auth = staff_api.auth(Actor.PSYCHOLOGIST, psychologist.telegram_id)
    path = f"/api/v1/staff/psychologists/{psychologist.id}"

    off = await staff_api.http.patch(path, json={"active": False}, headers=admin(staff_api))

    assert off.status == 200
    assert await off.json() == {
        "id": psychologist.id,
        "telegram_id": psychologist.telegram_id,
        "name": "Анна Смирнова",
        "active": False,
    }
    mine = await (await staff_api.http.get("/api/v1/appointments/my", headers=client_auth)).json()
    assert [(row["id"], row["status"]) for row in mine] == [(appointment.id, "new")]
    available = await staff_api.http.get("/api/v1/slots/available", headers=other_auth)
    assert await available.json() == []
    # Times shown before (a bot button, an open page) book nobody now, held or not.
    for slot in (held, free):
        late = await staff_api.http.post(
            "/api/v1/appointments", json={"slot_id": slot.id}, headers=other_auth
        )
        assert late.status == 404, await late.text()
    editor = await staff_api.http.get("/api/v1/editor/week", headers=own_auth)
    assert editor.status == 401  # the token's role is no longer theirs
    assert {slot.id for slot in await Slot.filter(psychologist_id=psychologist.id)} == {
        booked.id,
        past.id,
    }
    deactivated = await AuditLog.get(action="psychologist.deactivated")
    assert (deactivated.actor, deactivated.actor_ref) == (Actor.ADMIN, str(ADMIN))
    assert deactivated.data == {
        "telegram_id": psychologist.telegram_id,
        "removed_slots": 2,
        "upcoming_sessions": 1,
    }

    on = await staff_api.http.patch(path, json={"active": True}, headers=admin(staff_api))

    assert (await on.json())["active"] is True
    opened = await staff_api.http.post(
        "/api/v1/editor/slots",
        json={"local": free.starts_at.astimezone(MSK).strftime("%Y-%m-%dT%H:%M")},
        headers=own_auth,
    )
    assert opened.status == 201, await opened.text()
    available = await staff_api.http.get("/api/v1/slots/available", headers=other_auth)
    assert [row["starts_at"] for row in await available.json()] == [free.starts_at.isoformat()]
    await appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NEW
    assert await actions("psychologist", psychologist.id) == [
        "psychologist.deactivated",
        "psychologist.reactivated",
    ]


async def test_an_admin_cannot_deactivate_themselves_nor_an_admin_by_settings(
    staff_api: Api,
) -> None:
    chief = await Manager.create(telegram_id=9100, name="Вера", role=ManagerRole.ADMIN)
    listed = await Manager.create(telegram_id=ADMIN, name="Борис")

    own = await staff_api.http.patch(
        f"/api/v1/staff/managers/{chief.id}",
        json={"active": False},
        headers=admin(staff_api, 9100),
    )
    assert own.status == 409
    assert await own.json() == {
        "error": "self_deactivation",
        "reason": "you cannot deactivate yourself; ask another admin",
        "field": "active",
    }
    by_settings = await staff_api.http.patch(
        f"/api/v1/staff/managers/{listed.id}",
        json={"active": False},
        headers=admin(staff_api, 9100),
    )
    assert by_settings.status == 409
    assert "ADMIN_IDS" in (await by_settings.json())["reason"]
    assert await Manager.filter(is_active=True).count() == 2
    assert not await AuditLog.exists()


async def test_only_admins_administer_staff(staff_api: Api) -> None:
    manager = await Manager.create(telegram_id=9300, name="Нина")
    psychologist = await make_psychologist(telegram_id=9301)
    client = await make_client(telegram_id=9302)
    calls = [
        ("GET", "/api/v1/staff", None),
        ("POST", "/api/v1/staff/invites", {"role": "manager"}),
        ("PATCH", f"/api/v1/staff/managers/{manager.id}", {"active": False}),
        ("PATCH", f"/api/v1/staff/psychologists/{psychologist.id}", {"active": False}),
    ]
    callers = {
        "manager": (staff_api.auth(Actor.MANAGER, 9300), 403),
        "psychologist": (staff_api.auth(Actor.PSYCHOLOGIST, 9301), 403),
        "client": (staff_api.auth(Actor.CLIENT, 9302), 403),
        # a token that says admin, for someone the database does not know as one
        "former admin": (staff_api.auth(Actor.ADMIN, client.telegram_id or 0), 401),
    }
    for method, path, body in calls:
        anonymous = await staff_api.http.request(method, path, json=body)
        assert anonymous.status == 401, (method, path)
        assert (await anonymous.json())["error"] == "unauthorized"
        for who, (headers, status) in callers.items():
            answer = await staff_api.http.request(method, path, json=body, headers=headers)
            assert answer.status == status, (method, path, who)
            assert (await answer.json())["reason"]
    assert (await Manager.get(id=manager.id)).is_active
    assert not await Invite.exists()
    assert not await AuditLog.exists()


async def test_unknown_staff_and_bad_bodies_are_refused_naming_the_field(staff_api: Api) -> None:
    manager = await Manager.create(telegram_id=9300, name="Нина")
    headers = admin(staff_api)
    for kind in ("managers", "psychologists"):
        missing = await staff_api.http.patch(
            f"/api/v1/staff/{kind}/999999", json={"active": False}, headers=headers
        )
        assert missing.status == 404
        assert (await missing.json())["field"] == "id"
    refusals = [
        ("PATCH", f"/api/v1/staff/managers/{manager.id}", {}, "active"),
        ("PATCH", f"/api/v1/staff/managers/{manager.id}", {"active": "no"}, "active"),
        ("PATCH", f"/api/v1/staff/managers/{manager.id}", {"active": 0}, "active"),
        ("PATCH", f"/api/v1/staff/managers/{manager.id}", {"active": False, "x": 1}, "x"),
        ("PATCH", "/api/v1/staff/managers/99999999999", {"active": False}, "id"),
        ("PATCH", f"/api/v1/staff/managers/{manager.id}", None, "body"),
        ("POST", "/api/v1/staff/invites", {"role": "admin"}, "role"),
        ("POST", "/api/v1/staff/invites", {}, "role"),
        ("POST", "/api/v1/staff/invites", ["manager"], None),
    ]
    for method, path, body, field in refusals:
        answer = await staff_api.http.request(method, path, json=body, headers=headers)
        assert answer.status == 400, (path, body)
        assert (await answer.json())["field"] == field, (path, body)
    assert (await Manager.get(id=manager.id)).is_active
    assert not await Invite.exists()


async def test_without_a_bot_no_invite_link_is_made(api: Api) -> None:
    api.settings.admin_ids = [ADMIN]
    answer = await api.http.post(
        "/api/v1/staff/invites", json={"role": "manager"}, headers=admin(api)
    )
    assert answer.status == 503
    assert (await answer.json())["reason"] == (
        "the bot is out of reach, so no invite link can be made"
    )
    assert not await Invite.exists()

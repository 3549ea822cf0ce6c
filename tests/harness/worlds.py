"""A small world for the robustness tests: two psychologists, two clients, one booking, a
manager and an admin (rows in the database), and a caller of every kind with its credentials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from db.enums import Actor, ManagerRole
from db.models import Branch, Manager, Series, Service, SlotRule
from domain.audit import Initiator
from domain.booking import appointments
from domain.people.psychologists import hash_secret
from tests.harness.api_callers import Api
from tests.harness.builders import future_slot, make_client, make_psychologist

OWN_SECRET = "first-psychologist-schedule-secret"
OTHER_SECRET = "second-psychologist-schedule-secret"
ROLES = (
    "anonymous",
    "client",
    "other_client",
    "psychologist",
    "other_secret",
    "manager",
    "admin",
    "integration",
)


@dataclass
class World:
    """Ids of the records the routes are called on, and each caller's headers."""

    appointment_id: int  # the first client's, with the first psychologist
    client_id: int  # the first client
    booked_slot_id: int
    free_slot_id: int  # the first psychologist's
    other_slot_id: int  # the second psychologist's
    rule_id: int  # the first psychologist's weekly rule
    service_id: int
    branch_id: int
    manager_id: int
    psychologist_id: int  # the first
    client_telegram_id: int
    psychologist_telegram_id: int
    series_id: int  # the first client's weekly series with the first psychologist
    headers: dict[str, dict[str, str]]
    texts: dict[str, str]  # times and dates as the routes take them


async def build_world(api: Api) -> World:
    """The world's rows in the database, and the callers' headers for the app `api` calls."""
    first = await make_psychologist(secret_hash=hash_secret(OWN_SECRET))
    second = await make_psychologist(secret_hash=hash_secret(OTHER_SECRET))
    booked = await future_slot(first, hours_ahead=72)
    free = await future_slot(first, hours_ahead=96)
    other = await future_slot(second, hours_ahead=150)
    rule = await SlotRule.create(psychologist=first, weekday=6, minute=8 * 60)
    client = await make_client(phone="+79990000001")
    other_client = await make_client(phone="+79990000002")
    appointment = await appointments.book(
        client.id, booked.id, Initiator(Actor.SYSTEM), require_own_hold=False
    )
    branch = await Branch.create(name="Онлайн")
    service = await Service.create(name="Сессия", price=3000, duration_min=50)
    weekly = await Series.create(client=client, psychologist=first, weeks=2)
    # Roles are read from the database: the manager and the admin are real staff rows.
    manager = await Manager.create(telegram_id=7001, role=ManagerRole.MANAGER)
    await Manager.create(telegram_id=7002, role=ManagerRole.ADMIN)
    assert client.telegram_id is not None and other_client.telegram_id is not None
    assert first.telegram_id is not None
    integration = api.settings.integration_token.get_secret_value()
    msk = free.starts_at + timedelta(hours=3)
    next_monday = (msk + timedelta(days=7 - msk.weekday())).date()
    return World(
        appointment_id=appointment.id,
        client_id=client.id,
        booked_slot_id=booked.id,
        free_slot_id=free.id,
        other_slot_id=other.id,
        rule_id=rule.id,
        service_id=service.id,
        branch_id=branch.id,
        manager_id=manager.id,
        psychologist_id=first.id,
        client_telegram_id=client.telegram_id,
        psychologist_telegram_id=first.telegram_id,
        series_id=weekly.id,
        headers={
            "anonymous": {},
            "client": api.auth(Actor.CLIENT, client.telegram_id),
            "other_client": api.auth(Actor.CLIENT, other_client.telegram_id),
            "psychologist": api.auth(Actor.PSYCHOLOGIST, first.telegram_id),
            "other_secret": {"X-Schedule-Secret": OTHER_SECRET},
            "manager": api.auth(Actor.MANAGER, 7001),
            "admin": api.auth(Actor.ADMIN, 7002),
            "integration": {"Authorization": f"Bearer {integration}"},
        },
        texts={
            "free_slot_text": msk.strftime("%d.%m %H:%M"),
            "free_slot_date": msk.strftime("%d.%m"),
            "free_slot_time": msk.strftime("%H:%M"),
            "free_slot_local_next_day": (msk + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "psychologist_name": first.name,
            "today": msk.date().isoformat(),
            "in_a_month": (msk + timedelta(days=30)).date().isoformat(),
            "week_start": (next_monday + timedelta(days=7)).isoformat(),
            "next_week_day": (next_monday + timedelta(days=2)).isoformat(),
        },
    )

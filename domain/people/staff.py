"""Staff administration: an admin lists the managers and psychologists, invites new ones
(domain/people/invites.py spends the invite), and deactivates or reactivates them.

A deactivated manager loses every staff right (roles count active managers only), and the
invites they made as an admin stop working. A deactivated psychologist keeps their booked
sessions, with their reminders; they vanish from matching, availability, schedules, help-hand
requests and the schedule editor (everything that reads `Psychologist.is_active`), and their
future open slots, held ones included, are removed: booking checks the slot, not its
psychologist, so a time button shown before (in the bot, on the board) would otherwise still
book them. Reactivating gives back every right but the removed slots (the psychologist opens
new ones in the editor) and the dead invites.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from tortoise.transactions import in_transaction

from db.enums import Actor, InviteRole, SlotStatus
from db.models import Appointment, Invite, Manager, Psychologist, Slot
from domain import audit
from domain.audit import Initiator
from domain.changes import data_changed
from domain.errors import Conflict, Forbidden, NotFound
from domain.people import invites
from domain.people.access import role_for, role_of
from domain.statuses import ACTIVE
from domain.timerules import utcnow


@dataclass(frozen=True, slots=True)
class ManagerEntry:
    """A manager row; `role` is admin for an admin manager or one listed in ADMIN_IDS."""

    id: int
    telegram_id: int
    name: str
    role: Actor
    active: bool


@dataclass(frozen=True, slots=True)
class PsychologistEntry:
    id: int
    telegram_id: int | None
    name: str
    active: bool


@dataclass(frozen=True, slots=True)
class StaffList:
    managers: list[ManagerEntry]
    psychologists: list[PsychologistEntry]


@dataclass(frozen=True, slots=True)
class TeamMember:
    """Someone who is or was on the team, with the role they have now (a client once
    deactivated)."""

    telegram_id: int
    role: Actor


@dataclass(frozen=True, slots=True)
class IssuedInvite:
    code: str
    link: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Admin:
    """Who administers: the acting admin's Telegram id, and ADMIN_IDS (who are admins by the
    settings whatever their rows say)."""

    telegram_id: int
    admin_ids: frozenset[int]
    source: str = "api"

    @classmethod
    def of(cls, telegram_id: int, admin_ids: Iterable[int], source: str = "api") -> Admin:
        return cls(telegram_id, frozenset(admin_ids), source)

    def initiator(self) -> Initiator:
        return Initiator(Actor.ADMIN, ref=str(self.telegram_id), source=self.source)


class SelfDeactivation(Conflict):
    code = "self_deactivation"


class AdminBySettings(Conflict):
    code = "admin_by_settings"


async def _require_admin(admin: Admin) -> None:
    # The web layer checks the token's role too; the rule lives here, read from the rows.
    if await role_of(admin.telegram_id, admin.admin_ids) != Actor.ADMIN:
        raise Forbidden("only admins manage staff")


def _manager_entry(manager: Manager, admin_ids: frozenset[int]) -> ManagerEntry:
    return ManagerEntry(
        id=manager.id,
        telegram_id=manager.telegram_id,
        name=manager.name,
        role=role_for(manager.telegram_id, admin_ids, manager.role, is_psychologist=False),
        active=manager.is_active,
    )


def _psychologist_entry(psychologist: Psychologist) -> PsychologistEntry:
    return PsychologistEntry(
        id=psychologist.id,
        telegram_id=psychologist.telegram_id,
        name=psychologist.name,
        active=psychologist.is_active,
    )


async def list_staff(admin: Admin) -> StaffList:
    """Every manager and psychologist, active or not, by name. Admins by ADMIN_IDS alone
    (without a manager row) are not listed: the settings, not this list, make them."""
    await _require_admin(admin)
    managers = await Manager.all().order_by("name", "id")
    psychologists = await Psychologist.all().order_by("name", "id")
    return StaffList(
        managers=[_manager_entry(manager, admin.admin_ids) for manager in managers],
        psychologists=[_psychologist_entry(psychologist) for psychologist in psychologists],
    )


async def team_roles(admin_ids: Iterable[int]) -> list[TeamMember]:
    """Every Telegram id with a manager or psychologist row, active or not, and every one in
    ADMIN_IDS, with the role each has now (by `role_for`), by Telegram id. For what the
    adapters show each role; a service's own view, so no admin is asked for."""
    admins = frozenset(admin_ids)
    managers = {m.telegram_id: m.role for m in await Manager.filter(is_active=True)}
    every_manager = set(await Manager.all().values_list("telegram_id", flat=True))
    psychologists = await Psychologist.exclude(telegram_id=None).values_list(
        "telegram_id", "is_active"
    )
    active_psychologists = {telegram_id for telegram_id, active in psychologists if active}
    everyone = admins | every_manager | {telegram_id for telegram_id, _ in psychologists}
    return [
        TeamMember(
            telegram_id,
            role_for(
                telegram_id,
                admins,
                managers.get(telegram_id),
                is_psychologist=telegram_id in active_psychologists,
            ),
        )
        for telegram_id in sorted(everyone)
    ]


async def invite(admin: Admin, role: InviteRole, bot_username: str) -> IssuedInvite:
    """A single-use invite for `role` and the bot link that spends it."""
    created = await invites.create_invite(
        admin.telegram_id, admin.admin_ids, role=role, source=admin.source
    )
    return IssuedInvite(
        code=created.code,
        link=invites.deep_link(bot_username, created.code),
        expires_at=created.expires_at,
    )


async def set_manager_active(
    admin: Admin, manager_id: int, active: bool, *, now: datetime | None = None
) -> ManagerEntry:
    """Deactivate or reactivate a manager. Refused (409) for the admin themselves, who would
    lock themselves out, and for an admin by ADMIN_IDS, whom only the settings can demote.
    Setting the state a manager already has changes nothing."""
    now = now or utcnow()
    await _require_admin(admin)
    async with in_transaction():
        manager = await Manager.filter(id=manager_id).select_for_update().first()
        if manager is None:
            raise NotFound("no such manager", field="manager_id")
        if manager.is_active == active:
            return _manager_entry(manager, admin.admin_ids)
        revoked = 0
        if not active:
            if manager.telegram_id == admin.telegram_id:
                raise SelfDeactivation(
                    "you cannot deactivate yourself; ask another admin", field="active"
                )
            if manager.telegram_id in admin.admin_ids:
                raise AdminBySettings(
                    "this person is an admin by the ADMIN_IDS setting; remove them there",
                    field="active",
                )
            # What they handed out as an admin must not outlive their rights.
            revoked = await Invite.filter(
                created_by=manager.telegram_id, used_at=None, expires_at__gt=now
            ).update(expires_at=now)
        manager.is_active = active
        await manager.save(update_fields=["is_active"])
        await audit.record(
            admin.initiator(),
            "manager.reactivated" if active else "manager.deactivated",
            "manager",
            manager.id,
            telegram_id=manager.telegram_id,
            revoked_invites=revoked,
        )
    await data_changed("staff.changed")
    return _manager_entry(manager, admin.admin_ids)


async def set_psychologist_active(
    admin: Admin, psychologist_id: int, active: bool, *, now: datetime | None = None
) -> PsychologistEntry:
    """Deactivate or reactivate a psychologist (see the module's docstring for what that
    hides and what it keeps). Setting the state they already have changes nothing."""
    now = now or utcnow()
    await _require_admin(admin)
    async with in_transaction():
        psychologist = await Psychologist.filter(id=psychologist_id).select_for_update().first()
        if psychologist is None:
            raise NotFound("no such psychologist", field="psychologist_id")
        if psychologist.is_active == active:
            return _psychologist_entry(psychologist)
        removed = 0
        if not active:
            removed = await Slot.filter(
                psychologist_id=psychologist.id,
                starts_at__gt=now,
                status__in=(SlotStatus.FREE, SlotStatus.HELD),
            ).delete()
        psychologist.is_active = active
        await psychologist.save(update_fields=["is_active", "updated_at"])
        kept = await Appointment.filter(
            psychologist_id=psychologist.id, status__in=ACTIVE, starts_at__gt=now
        ).count()
        await audit.record(
            admin.initiator(),
            "psychologist.reactivated" if active else "psychologist.deactivated",
            "psychologist",
            psychologist.id,
            telegram_id=psychologist.telegram_id,
            removed_slots=removed,
            upcoming_sessions=kept,
        )
    # One announcement covers the removed slots too: every change drops the read caches.
    await data_changed("staff.changed")
    return _psychologist_entry(psychologist)

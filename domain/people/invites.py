"""Staff invites: an admin's single-use, expiring code that makes whoever opens the bot's
deep link `mgr_<code>` a manager, an admin or a psychologist."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from db.enums import Actor, InviteRole, ManagerRole
from db.models import Invite, Manager, Psychologist
from domain import audit
from domain.audit import Initiator
from domain.changes import data_changed
from domain.errors import Conflict, Forbidden, NotFound
from domain.i18n import pick_language
from domain.people.access import role_of
from domain.timerules import utcnow

INVITE_TTL = timedelta(hours=24)
# The prefix predates psychologist invites; links already sent keep working.
PAYLOAD_PREFIX = "mgr_"
# 16 random bytes, URL-safe: 22 characters of [A-Za-z0-9_-], all allowed in a /start payload.
CODE_BYTES = 16
NAME_LENGTH = 200  # Psychologist.name


class InviteUsed(Conflict):
    """The code has already been spent."""


class InviteExpired(Conflict):
    """The code is older than INVITE_TTL, or its admin has been deactivated since."""


class AlreadyMember(Conflict):
    """The opener already is what the invite would make them; the code stays unspent."""


def deep_link(bot_username: str, code: str) -> str:
    """The bot link whose /start payload spends the invite `code`."""
    return f"https://t.me/{bot_username}?start={PAYLOAD_PREFIX}{code}"


async def create_invite(
    admin_telegram_id: int,
    admin_ids: Iterable[int],
    *,
    role: InviteRole = InviteRole.MANAGER,
    source: str = "bot",
    now: datetime | None = None,
) -> Invite:
    """A new invite code from an admin (ADMIN_IDS or an active manager with role admin);
    Forbidden for anyone else."""
    now = now or utcnow()
    if await role_of(admin_telegram_id, admin_ids) != Actor.ADMIN:
        raise Forbidden("only admins invite staff")
    async with in_transaction():
        invite = await Invite.create(
            code=secrets.token_urlsafe(CODE_BYTES),
            role=role,
            created_by=admin_telegram_id,
            expires_at=now + INVITE_TTL,
        )
        await audit.record(
            Initiator(Actor.ADMIN, ref=str(admin_telegram_id), source=source),
            "invite.created",
            "invite",
            invite.id,
            role=role.value,
        )
    return invite


async def accept_invite(
    code: str,
    telegram_id: int,
    *,
    name: str = "",
    language: str | None = None,
    source: str = "bot",
    now: datetime | None = None,
) -> Manager | Psychologist:
    """Spend the invite `code` on `telegram_id`, who becomes an active manager (with the
    invite's role) or an active psychologist (named `name`, reading `language`). A conditional
    UPDATE claims the code, so of two people opening one link at once exactly one wins.
    NotFound for an unknown code; InviteUsed, InviteExpired; AlreadyMember for an active
    psychologist opening a psychologist invite (the code is left for someone else)."""
    now = now or utcnow()
    async with in_transaction():
        claimed = await Invite.filter(code=code, used_at=None, expires_at__gt=now).update(
            used_by=telegram_id, used_at=now
        )
        if not claimed:
            invite = await Invite.filter(code=code).first()
            if invite is None:
                raise NotFound("no such invite", field="code")
            if invite.used_at is not None:
                raise InviteUsed("this invite has already been used", field="code")
            raise InviteExpired("this invite has expired", field="code")
        invite = await Invite.get(code=code)
        joined: Manager | Psychologist
        if invite.role == InviteRole.PSYCHOLOGIST:
            joined = await _join_as_psychologist(telegram_id, name, language)
            initiator = Initiator(Actor.PSYCHOLOGIST, ref=str(telegram_id), source=source)
            entity, role = "psychologist", invite.role.value
        else:
            joined = await _join_as_manager(telegram_id, name, ManagerRole(invite.role))
            initiator = Initiator(Actor.MANAGER, ref=str(telegram_id), source=source)
            entity, role = "manager", joined.role.value
        await audit.record(
            initiator,
            "invite.accepted",
            entity,
            joined.id,
            invite_id=invite.id,
            invited_by=invite.created_by,
            role=role,
        )
    await data_changed("staff.changed")
    return joined


async def _join_as_manager(telegram_id: int, name: str, role: ManagerRole) -> Manager:
    manager = await Manager.filter(telegram_id=telegram_id).first()
    if manager is None:
        return await Manager.create(telegram_id=telegram_id, name=name, role=role)
    # A returning manager is reactivated; an invite never lowers an admin's role.
    if not manager.is_active or role == ManagerRole.ADMIN:
        manager.role = role
    manager.is_active = True
    manager.name = manager.name or name
    await manager.save(update_fields=["role", "is_active", "name"])
    return manager


async def _join_as_psychologist(telegram_id: int, name: str, language: str | None) -> Psychologist:
    psychologist = await Psychologist.filter(telegram_id=telegram_id).first()
    if psychologist is None:
        # The anketa (saved by telegram id) fills in the rest, the name included.
        return await Psychologist.create(
            telegram_id=telegram_id,
            name=await _free_name(name.strip() or str(telegram_id)),
            language=pick_language(language),
        )
    if psychologist.is_active:
        raise AlreadyMember("you are already one of our psychologists", field="code")
    psychologist.is_active = True
    await psychologist.save(update_fields=["is_active", "updated_at"])
    return psychologist


async def _free_name(wanted: str) -> str:
    """`wanted`, or "wanted 2", "wanted 3"...: psychologists' names are unique (clients and the
    legacy API tell psychologists apart by name)."""
    wanted = wanted[:NAME_LENGTH]
    base = wanted[: NAME_LENGTH - 6]  # room for a number
    taken = set(await Psychologist.filter(name__startswith=base).values_list("name", flat=True))
    if wanted not in taken:
        return wanted
    number = 2
    while f"{base} {number}" in taken:
        number += 1
    return f"{base} {number}"

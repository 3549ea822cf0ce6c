"""Manager invites: an admin's single-use, expiring code that makes whoever opens the bot's
deep link `mgr_<code>` a manager."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from db.enums import Actor, InviteRole, ManagerRole
from db.models import Invite, Manager
from domain import audit
from domain.access import role_of
from domain.audit import Initiator
from domain.errors import Conflict, Forbidden, NotFound
from domain.timerules import utcnow

INVITE_TTL = timedelta(hours=24)
PAYLOAD_PREFIX = "mgr_"
# 16 random bytes, URL-safe: 22 characters of [A-Za-z0-9_-], all allowed in a /start payload.
CODE_BYTES = 16


class InviteUsed(Conflict):
    """The code has already made someone a manager."""


class InviteExpired(Conflict):
    """The code is older than INVITE_TTL."""


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
        raise Forbidden("only admins invite managers")
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
    source: str = "bot",
    now: datetime | None = None,
) -> Manager:
    """Spend the invite `code` on `telegram_id`, who becomes an active manager (with the
    invite's role). A conditional UPDATE claims the code, so of two people opening one link at
    once exactly one wins. NotFound for an unknown code; InviteUsed, InviteExpired."""
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
        manager = await Manager.filter(telegram_id=telegram_id).first()
        if manager is None:
            manager = await Manager.create(
                telegram_id=telegram_id, name=name, role=ManagerRole(invite.role)
            )
        else:
            # A returning manager is reactivated; an invite never lowers an admin's role.
            if not manager.is_active or invite.role == ManagerRole.ADMIN:
                manager.role = ManagerRole(invite.role)
            manager.is_active = True
            manager.name = manager.name or name
            await manager.save(update_fields=["role", "is_active", "name"])
        await audit.record(
            Initiator(Actor.MANAGER, ref=str(telegram_id), source=source),
            "invite.accepted",
            "manager",
            manager.id,
            invite_id=invite.id,
            invited_by=invite.created_by,
            role=manager.role.value,
        )
    return manager

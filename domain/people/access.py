"""Who someone is to the service, by Telegram id: the role their panel tokens carry; and the
one-time login links that open the board in a plain browser."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

import jwt
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from db.enums import Actor, ManagerRole
from db.models import Manager, Psychologist, UsedLoginToken
from domain import audit
from domain.audit import Initiator
from domain.errors import Forbidden
from domain.timerules import utcnow

# Panel and login tokens are HS256 JWTs signed with JWT_SECRET.
JWT_ALGORITHM = "HS256"
LOGIN_PURPOSE = "login"
LOGIN_LINK_TTL = timedelta(minutes=10)
BOARD_PATH = "/app/board"
STAFF_ROLES = frozenset({Actor.MANAGER, Actor.ADMIN})


def role_for(
    telegram_id: int,
    admin_ids: Iterable[int],
    manager_role: ManagerRole | None,
    is_psychologist: bool,
) -> Actor:
    """The role rule: ADMIN_IDS are admins; then an active manager's own role (`manager_role`,
    None for no active manager); then an active psychologist; else a client."""
    if telegram_id in set(admin_ids) or manager_role == ManagerRole.ADMIN:
        return Actor.ADMIN
    if manager_role is not None:
        return Actor.MANAGER
    return Actor.PSYCHOLOGIST if is_psychologist else Actor.CLIENT


async def role_of(telegram_id: int, admin_ids: Iterable[int]) -> Actor:
    """The role of a Telegram user, by `role_for`."""
    manager = await Manager.filter(telegram_id=telegram_id, is_active=True).first()
    is_psychologist = await Psychologist.filter(telegram_id=telegram_id, is_active=True).exists()
    return role_for(
        telegram_id, admin_ids, manager.role if manager is not None else None, is_psychologist
    )


async def login_link(
    base_url: str,
    jwt_secret: str,
    telegram_id: int,
    admin_ids: Iterable[int],
    *,
    now: datetime | None = None,
) -> str:
    """A link that opens the board in a plain browser as this manager or admin: its fragment
    carries a login token (purpose "login", a unique jti) valid for LOGIN_LINK_TTL and
    exchanged once for a session. Forbidden for anyone but staff."""
    now = now or utcnow()
    role = await role_of(telegram_id, admin_ids)
    if role not in STAFF_ROLES:
        raise Forbidden("only managers and admins open the board in a browser")
    claims = {
        "sub": str(telegram_id),
        "role": role.value,
        "purpose": LOGIN_PURPOSE,
        "jti": secrets.token_urlsafe(16),
        "iat": now,
        "exp": now + LOGIN_LINK_TTL,
    }
    token = jwt.encode(claims, jwt_secret, algorithm=JWT_ALGORITHM)
    return f"{base_url.rstrip('/')}{BOARD_PATH}#token={token}"


async def redeem_login(
    jti: str, telegram_id: int, role: Actor, expires_at: datetime, *, now: datetime | None = None
) -> bool:
    """Mark a login link used; False when it had been used before (the unique jti decides
    between two tabs racing with one link)."""
    now = now or utcnow()
    try:
        async with in_transaction():
            used = await UsedLoginToken.create(
                jti=jti, telegram_id=telegram_id, expires_at=expires_at, used_at=now
            )
            await audit.record(
                Initiator(role, ref=str(telegram_id), source="browser"),
                "login.link_used",
                "login",
                used.id,
            )
    except IntegrityError:
        return False
    return True

"""Who a Telegram user is to the service: their client and psychologist profiles and their
role; the language they chose; joining as a client (by their own contact) or as staff (by an
invite)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from db.enums import Actor, ManagerRole
from db.models import Client, Manager, Psychologist
from db.plain_sql import fetch
from domain.changes import data_changed
from domain.i18n import pick_language
from domain.people import clients, invites
from domain.people.access import role_for
from domain.people.profiles import ClientProfile, PsychologistProfile, client_profile


@dataclass(frozen=True, slots=True)
class TelegramUser:
    """A Telegram user as the service knows them; either profile may be missing."""

    telegram_id: int
    role: Actor
    client: ClientProfile | None = None
    psychologist: PsychologistProfile | None = None

    @property
    def language(self) -> str | None:
        """The language the person chose and we stored, if any."""
        profile = self.psychologist or self.client
        return profile.language if profile is not None else None

    @property
    def is_staff(self) -> bool:
        return self.role in {Actor.MANAGER, Actor.ADMIN}


# One round trip for the lookup every update makes: the three rows side by side (each table
# holds a Telegram id once), NULLs where one is missing (db/plain_sql.py says why plain SQL).
_PERSON_SQL = """
SELECT c.id, c.name, c.language, c.timezone,
       p.id, p.name, p.language, p.timezone, p.about, CAST(p.queries AS TEXT),
       p.min_price, p.max_price, p.help_hand_mode,
       m.role
FROM (SELECT CAST($1 AS BIGINT) AS telegram_id) AS who
LEFT JOIN clients AS c ON c.telegram_id = who.telegram_id
LEFT JOIN psychologists AS p ON p.telegram_id = who.telegram_id AND p.is_active
LEFT JOIN managers AS m ON m.telegram_id = who.telegram_id AND m.is_active
"""


async def telegram_user(telegram_id: int, admin_ids: Iterable[int]) -> TelegramUser:
    """The client and psychologist profiles of a Telegram user, and their role."""
    (row,) = await fetch(_PERSON_SQL, telegram_id)
    client_id, *client_columns = row[:4]  # name, language, time zone
    psychologist_id, name, language, zone, about, queries, low, high, help_hand = row[4:13]
    manager_role = ManagerRole(row[13]) if row[13] is not None else None
    client = psychologist = None
    if client_id is not None:
        client = ClientProfile(client_id, telegram_id, *client_columns)
    if psychologist_id is not None:
        psychologist = PsychologistProfile(
            id=psychologist_id,
            telegram_id=telegram_id,
            name=name,
            language=language,
            timezone=zone,
            about=about,
            queries=tuple(str(query) for query in json.loads(queries or "[]")),
            min_price=low,
            max_price=high,
            help_hand_mode=bool(help_hand),  # SQLite answers 0 or 1
        )
    return TelegramUser(
        telegram_id,
        role_for(telegram_id, admin_ids, manager_role, psychologist is not None),
        client,
        psychologist,
    )


async def set_language(telegram_id: int, language: str) -> str:
    """Store the language a person chose on their client and psychologist rows."""
    chosen = pick_language(language)
    async with in_transaction():
        clients_changed = await Client.filter(telegram_id=telegram_id).update(language=chosen)
        psychologists_changed = await Psychologist.filter(telegram_id=telegram_id).update(
            language=chosen
        )
    if clients_changed:
        await data_changed("client.updated")
    if psychologists_changed:
        await data_changed("psychologist.updated")
    return chosen


async def register_by_own_contact(
    telegram_id: int, *, name: str, username: str | None, phone: str, language: str
) -> ClientProfile:
    """The client of a Telegram user who shared their own contact (Telegram vouches for the
    number, so it may link a record a manager made for this phone), reading `language`."""
    client, _created = await clients.sign_in(
        telegram_id, name=name, username=username, phone=phone, phone_verified=True
    )
    chosen = await set_language(telegram_id, language)
    client.language = chosen
    return client_profile(client)


async def join_by_invite(code: str, telegram_id: int, *, name: str, language: str | None) -> Actor:
    """Spend an invite (domain.people.invites.accept_invite): answers whom it made of the
    person, a manager (Actor.MANAGER, admins too) or a psychologist."""
    joined = await invites.accept_invite(code, telegram_id, name=name, language=language)
    return Actor.MANAGER if isinstance(joined, Manager) else Actor.PSYCHOLOGIST

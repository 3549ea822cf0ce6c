"""Who a Telegram user is to the service: their client and psychologist profiles and their
role; the language they chose; joining as a client (by their own contact) or as staff (by an
invite)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from db.enums import Actor
from db.models import Client, Manager, Psychologist
from domain.i18n import pick_language
from domain.people import clients, invites
from domain.people.access import role_for
from domain.people.profiles import (
    ClientProfile,
    PsychologistProfile,
    client_profile,
    psychologist_profile,
)


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


async def telegram_user(telegram_id: int, admin_ids: Iterable[int]) -> TelegramUser:
    """The client and psychologist profiles of a Telegram user, and their role."""
    client = await Client.filter(telegram_id=telegram_id).first()
    psychologist = await Psychologist.filter(telegram_id=telegram_id, is_active=True).first()
    manager = await Manager.filter(telegram_id=telegram_id, is_active=True).first()
    return TelegramUser(
        telegram_id,
        role_for(telegram_id, admin_ids, manager, psychologist is not None),
        client_profile(client) if client is not None else None,
        psychologist_profile(psychologist) if psychologist is not None else None,
    )


async def set_language(telegram_id: int, language: str) -> str:
    """Store the language a person chose on their client and psychologist rows."""
    chosen = pick_language(language)
    async with in_transaction():
        await Client.filter(telegram_id=telegram_id).update(language=chosen)
        await Psychologist.filter(telegram_id=telegram_id).update(language=chosen)
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

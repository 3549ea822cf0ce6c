"""Clients: phone numbers in one form (E.164), and finding or registering a client by phone
and Telegram id without ever making two profiles of one person."""

from __future__ import annotations

import phonenumbers
from tortoise.transactions import in_transaction

from db.enums import ClientSource
from db.models import Appointment, Client, Outbox, Slot, Ticket
from domain.changes import data_changed
from domain.errors import Conflict, InvalidInput

DEFAULT_REGION = "RU"


def parse_phone(raw: str) -> str | None:
    """`raw` as E.164 (+79161234567), or None when it is not a possible phone number.

    Russian habits are understood: 8 instead of +7, spaces, dashes, brackets."""
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone(raw: str, field: str = "phone") -> str:
    """`raw` as E.164; InvalidInput naming `field` when it is not a phone number."""
    phone = parse_phone(raw)
    if phone is None:
        raise InvalidInput(f"{raw!r} is not a valid phone number", field=field)
    return phone


async def _merge(kept: Client, absorbed: Client) -> None:
    """Move everything of `absorbed` to `kept` and remove `absorbed` (one person, two rows)."""
    await Appointment.filter(client_id=absorbed.id).update(client_id=kept.id)
    await Ticket.filter(client_id=absorbed.id).update(client_id=kept.id)
    await Outbox.filter(client_id=absorbed.id).update(client_id=kept.id)
    await Slot.filter(held_by_id=absorbed.id).update(held_by_id=None, held_until=None)
    await absorbed.delete()


async def register(
    phone: str,
    telegram_id: int | None,
    *,
    name: str = "",
    username: str | None = None,
    source: ClientSource = ClientSource.BOT,
) -> tuple[Client, bool]:
    """Find the client by Telegram id or phone, or register one; returns (client, created).

    A phone already on another Telegram account is refused; a profile found by phone alone
    (an imported one) gains the Telegram id; two profiles found (by id, by phone) are merged.
    """
    e164 = normalise_phone(phone)
    async with in_transaction():
        by_telegram = (
            await Client.filter(telegram_id=telegram_id).select_for_update().first()
            if telegram_id is not None
            else None
        )
        by_phone = await Client.filter(phone=e164).select_for_update().first()
        if (
            by_phone
            and telegram_id is not None
            and by_phone.telegram_id not in {None, telegram_id}
        ):
            raise Conflict("this phone number belongs to another Telegram account", field="phone")
        if by_telegram is None and by_phone is None:
            client = await Client.create(
                phone=e164, telegram_id=telegram_id, name=name, username=username, source=source
            )
            return client, True
        client = by_telegram or by_phone
        assert client is not None
        if by_telegram and by_phone and by_telegram.id != by_phone.id:
            client.name = client.name or by_phone.name
            await _merge(client, by_phone)
        client.phone = e164
        client.telegram_id = telegram_id if telegram_id is not None else client.telegram_id
        client.name = name or client.name
        client.username = username or client.username
        await client.save()
    await data_changed("client.updated")
    return client, False


async def by_telegram_id(telegram_id: int) -> Client | None:
    return await Client.filter(telegram_id=telegram_id).first()

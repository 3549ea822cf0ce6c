"""Clients: phone numbers in one form (E.164), and finding or registering a client by Telegram
id or by a phone staff entered, without ever making two profiles of one person nor letting a
typed phone reach someone else's record."""

from __future__ import annotations

import re

import phonenumbers
from tortoise.transactions import in_transaction

from db.enums import ClientSource
from db.models import Appointment, Client, Outbox, Slot, Ticket
from db.plain_sql import fetch
from domain.changes import data_changed
from domain.errors import InvalidInput, NotFound
from domain.timerules import known_zones

DEFAULT_REGION = "RU"
# What people write in a phone number: digits, a leading +, spaces, dashes, brackets, dots.
# libphonenumber reads more (letters as on a keypad, extensions, a trailing "*"), none of which
# belongs in a client's number: such a text is refused, not quietly shortened.
PHONE_CHARACTERS = re.compile(r"\s*\+?[\d\s().\-]+")


def parse_phone(raw: str) -> str | None:
    """`raw` as E.164 (+79161234567), or None when it is not a possible phone number.

    Russian habits are understood: 8 instead of +7, spaces, dashes, brackets."""
    if not PHONE_CHARACTERS.fullmatch(raw):
        return None
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


async def sign_in(
    telegram_id: int,
    *,
    name: str = "",
    username: str | None = None,
    phone: str | None = None,
    phone_verified: bool = False,
    source: ClientSource = ClientSource.BOT,
) -> tuple[Client, bool]:
    """The client of a Telegram user, registered when new; returns (client, created).

    Only a phone Telegram vouched for (`phone_verified`: the user's own contact) finds another
    record: an imported or phone-booked client is linked to this user (their two records
    merged), and a phone that moved to this user's Telegram account leaves its old record.
    A phone the user only typed stays on their own record as `unverified_phone`: it never
    finds, links or merges anything, and the answer is the same whoever else holds it.
    """
    if phone is not None and phone_verified and not phone.startswith("+"):
        phone = "+" + phone  # Telegram's numbers are international, often without the "+"
    e164 = normalise_phone(phone) if phone is not None else None
    async with in_transaction():
        client = await Client.filter(telegram_id=telegram_id).select_for_update().first()
        if client is None:
            client = Client(telegram_id=telegram_id, source=source)
        if e164 is not None and phone_verified:
            client = await _take_verified_phone(client, e164)
        elif e164 is not None and client.phone is None:
            client.unverified_phone = e164
        # A name staff wrote (or the first one Telegram gave) stays; Telegram's fills blanks.
        client.name = client.name or name
        client.username = username or client.username
        created = client.id is None
        await client.save()
    await data_changed("client.updated")
    return client, created


async def _take_verified_phone(client: Client, e164: str) -> Client:
    """`client` (maybe not saved yet) holding `e164`, which Telegram says is theirs."""
    holder = await Client.filter(phone=e164).select_for_update().first()
    if holder is not None and holder.id != client.id:
        if holder.telegram_id is None:
            # An imported or phone-booked record of this very person: one record from now on.
            if client.id is not None:
                await _merge(holder, client)
            holder.telegram_id = client.telegram_id
            holder.name = holder.name or client.name
            holder.username = holder.username or client.username
            holder.language = client.language if client.id is not None else holder.language
            client = holder
        else:
            # Another Telegram account had this number once; Telegram gives it to one at a time.
            await Client.filter(id=holder.id).update(phone=None, phone_verified=False)
    client.phone = e164
    client.phone_verified = True
    client.unverified_phone = None
    return client


async def by_staff_phone(phone: str, *, name: str, source: ClientSource) -> Client:
    """The client a manager or an import names by phone, registered when new (without a
    Telegram account until the person links it with a verified phone)."""
    e164 = normalise_phone(phone)
    async with in_transaction():
        client = await Client.filter(phone=e164).select_for_update().first()
        if client is None:
            client = await Client.create(phone=e164, name=name, source=source)
        elif name and not client.name:
            client.name = name
            await client.save(update_fields=["name"])
    await data_changed("client.updated")
    return client


async def by_telegram_id(telegram_id: int) -> Client | None:
    return await Client.filter(telegram_id=telegram_id).first()


async def id_by_telegram_id(telegram_id: int) -> int | None:
    """The id of the Telegram user's client record, if they have one: the one column a
    request that acts for them needs, read without building the record."""
    rows = await fetch("SELECT id FROM clients WHERE telegram_id = $1", telegram_id)
    return rows[0][0] if rows else None


async def set_timezone(client_id: int, zone: str) -> Client:
    """Keep `zone` (an IANA name the tz database knows) as the client's zone: every time they
    read from now on is in it. InvalidInput naming `timezone` otherwise."""
    key = zone.strip()
    if key not in known_zones():
        raise InvalidInput(f"unknown time zone {zone[:64]!r}", field="timezone")
    client = await Client.filter(id=client_id).first()
    if client is None:
        raise NotFound("client not found", field="client_id")
    client.timezone = key
    await client.save(update_fields=["timezone"])
    await data_changed("client.updated")
    return client

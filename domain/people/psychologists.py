"""Psychologists: the anketa (upsert by telegram id, read back), the schedule-editor secret,
name lookups.

The secret is shown once and stored only as its sha256; a caller is recognised by hashing
what it presents and comparing the digests in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from db.models import Education, Psychologist
from domain import audit
from domain.audit import Initiator
from domain.changes import data_changed
from domain.errors import Conflict, NotFound

SECRET_BYTES = 24
NAME_MAX_LENGTH = Psychologist._meta.fields_map["name"].max_length  # type: ignore[attr-defined]
NAMES_SHOWN = 20  # unknown names listed in a refusal; a long list says how many more
EDITOR_PATH = "/app/editor"
# The columns an anketa fills in (save_anketa's `profile`, AnketaRecord's `profile`).
ANKETA_COLUMNS = (
    "name",
    "about",
    "age",
    "sex_client",
    "min_client_age",
    "max_client_age",
    "personal_therapy_type",
    "personal_therapy_duration",
    "main_modal",
    "additional_modals",
    "skills",
    "queries",
    "telegram_link",
    "site_link",
    "vk_link",
    "min_price",
    "max_price",
    "is_married",
    "has_children",
    "all_with_price_mode",
    "first_free_mode",
    "help_hand_mode",
)


@dataclass(frozen=True, slots=True)
class EducationItem:
    program_title: str
    title: str
    kind: str
    year: int | None


@dataclass(frozen=True, slots=True)
class SavedAnketa:
    psychologist: Psychologist
    secret: str | None  # None when the old secret was kept (save_anketa's `new_secret`)
    created: bool


@dataclass(frozen=True, slots=True)
class AnketaRecord:
    """A psychologist's anketa as saved: the ANKETA_COLUMNS by name, the education in order."""

    profile: dict[str, Any]
    education: tuple[EducationItem, ...]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def editor_url(base_url: str, secret: str) -> str:
    """The schedule-editor mini-app link; the secret rides in the fragment, kept out of logs."""
    return f"{base_url.rstrip('/')}{EDITOR_PATH}#secret={secret}"


async def by_secret(secret: str | None) -> Psychologist | None:
    """The active psychologist whose schedule secret this is, or None."""
    if not secret:
        return None
    digest = hash_secret(secret)
    found = await Psychologist.filter(secret_hash=digest, is_active=True).first()
    if found is None or not hmac.compare_digest(found.secret_hash or "", digest):
        return None
    return found


async def by_name(name: str) -> Psychologist:
    found = await Psychologist.filter(name=name.strip(), is_active=True).first()
    if found is None:
        raise NotFound(f"no psychologist named {name.strip()!r}", field="name")
    return found


async def by_names(names: Iterable[str]) -> list[Psychologist]:
    """Every named active psychologist in the order named; any unknown name is a 404."""
    wanted = list(dict.fromkeys(name.strip() for name in names if name.strip()))
    # A name longer than the column holds names nobody (and the ORM refuses to query it).
    storable = [name for name in wanted if len(name) <= NAME_MAX_LENGTH]
    found = {p.name: p for p in await Psychologist.filter(name__in=storable, is_active=True)}
    missing = [name for name in wanted if name not in found]
    if missing:
        shown = ", ".join(name[:NAME_MAX_LENGTH] for name in missing[:NAMES_SHOWN])
        more = f" and {len(missing) - NAMES_SHOWN} more" if len(missing) > NAMES_SHOWN else ""
        raise NotFound(f"unknown psychologists: {shown}{more}", field="names")
    return [found[name] for name in wanted]


async def save_anketa(
    telegram_id: int,
    profile: dict[str, Any],
    education: list[EducationItem],
    initiator: Initiator,
    *,
    new_secret: bool = True,
) -> SavedAnketa:
    """Create or update the psychologist with this telegram id from the anketa.

    The outside form's every submission issues a new editor secret (the old link stops
    working): that form is how a psychologist gets the link, and the secret cannot be shown
    again from its hash. A psychologist editing their own anketa in the mini app is signed in
    already and keeps their link (`new_secret=False`).
    """
    secret = secrets.token_urlsafe(SECRET_BYTES) if new_secret else None
    keys = {"secret_hash": hash_secret(secret)} if secret is not None else {}
    name = profile["name"]
    async with in_transaction():
        namesake = await Psychologist.filter(name=name).exclude(telegram_id=telegram_id).first()
        if namesake is not None:
            raise Conflict(f"another psychologist is already named {name!r}", field="name")
        psychologist = (
            await Psychologist.filter(telegram_id=telegram_id).select_for_update().first()
        )
        created = psychologist is None
        if psychologist is None:
            psychologist = await Psychologist.create(telegram_id=telegram_id, **keys, **profile)
        else:
            psychologist.update_from_dict({**profile, **keys})
            await psychologist.save()
            await Education.filter(psychologist_id=psychologist.id).delete()
        await Education.bulk_create(
            [
                Education(
                    psychologist_id=psychologist.id,
                    position=position,
                    program_title=item.program_title,
                    title=item.title,
                    kind=item.kind,
                    year=item.year,
                )
                for position, item in enumerate(education)
            ]
        )
        await audit.record(
            initiator,
            "psychologist.created" if created else "psychologist.updated",
            "psychologist",
            psychologist.id,
            telegram_id=telegram_id,
        )
    await data_changed("psychologist.updated")
    return SavedAnketa(psychologist, secret, created)


async def anketa_of(telegram_id: int) -> AnketaRecord:
    """The anketa of the active psychologist with this telegram id, as save_anketa keeps it."""
    found = await Psychologist.filter(telegram_id=telegram_id, is_active=True).first()
    if found is None:
        raise NotFound("no active psychologist has this Telegram account", field="telegram_id")
    rows = await Education.filter(psychologist_id=found.id).order_by("position", "id")
    return AnketaRecord(
        profile={column: getattr(found, column) for column in ANKETA_COLUMNS},
        education=tuple(
            EducationItem(row.program_title, row.title, row.kind, row.year) for row in rows
        ),
    )

"""What the service shows and uses of a client and of a psychologist, as plain values."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Client, Psychologist


@dataclass(frozen=True, slots=True)
class ClientProfile:
    id: int
    telegram_id: int | None
    name: str
    language: str
    timezone: str


@dataclass(frozen=True, slots=True)
class PsychologistProfile:
    """A psychologist's card: who they are, what they work with, their prices."""

    id: int
    telegram_id: int | None
    name: str
    language: str
    timezone: str
    about: str
    queries: tuple[str, ...]
    min_price: int | None
    max_price: int | None
    help_hand_mode: bool


def client_profile(client: Client) -> ClientProfile:
    return ClientProfile(
        id=client.id,
        telegram_id=client.telegram_id,
        name=client.name,
        language=client.language,
        timezone=client.timezone,
    )


def psychologist_profile(psychologist: Psychologist) -> PsychologistProfile:
    return PsychologistProfile(
        id=psychologist.id,
        telegram_id=psychologist.telegram_id,
        name=psychologist.name,
        language=psychologist.language,
        timezone=psychologist.timezone,
        about=psychologist.about,
        queries=tuple(str(query) for query in psychologist.queries or ()),
        min_price=psychologist.min_price,
        max_price=psychologist.max_price,
        help_hand_mode=psychologist.help_hand_mode,
    )

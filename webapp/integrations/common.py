"""What the integration routes share: who the caller is, and the shapes of their inputs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from aiohttp import web
from pydantic import BeforeValidator, Field, StringConstraints, WithJsonSchema

from db.enums import Actor
from domain.audit import Initiator
from domain.entities import LEAD_NUMBER_MAX_LENGTH, USERNAME_MAX_LENGTH, Psychologist
from domain.people import psychologists
from domain.tickets.leads import split_list
from domain.timerules import MSK, format_slot
from webapp import patterns
from webapp.auth import Unauthorized, require_integration
from webapp.integrations.timetext import MAX_OFFSET_HOURS, MIN_OFFSET_HOURS

INTEGRATION = Initiator(Actor.INTEGRATION, ref="integration", source="legacy")


def _digits_only(value: object) -> object:
    # Telegram ids arrive as strings (the CRM) or numbers; a bool is neither.
    if isinstance(value, bool):
        raise ValueError("expected a telegram id")
    if isinstance(value, str):
        digits = value.strip()
        if not (digits.isascii() and digits.isdigit()):
            raise ValueError("expected a telegram id of digits")
        return int(digits)
    return value


def _number_schema(maximum: int) -> WithJsonSchema:
    """A whole number from 1 to `maximum`, as a JSON number or as a text of digits."""
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": maximum},
                {
                    "type": "string",
                    "pattern": patterns.stripped(patterns.whole_number(maximum), python=True),
                },
            ]
        },
        mode="validation",
    )


TelegramId = Annotated[
    int, BeforeValidator(_digits_only), Field(gt=0, lt=2**63), _number_schema(2**63 - 1)
]
RecordId = Annotated[
    int, BeforeValidator(_digits_only), Field(gt=0, lt=2**31), _number_schema(2**31 - 1)
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Secret = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Texts kept in (or looked up by) a column are no longer than it: a longer lookup value could
# name nothing, and the ORM refuses to run it (a 500 before).
LeadText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=LEAD_NUMBER_MAX_LENGTH)
]
LeadNumber = Annotated[LeadText, StringConstraints(min_length=1)]
Username = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=USERNAME_MAX_LENGTH,
    ),
]
ListText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
]
# "DD.MM HH:mm" (MSK) items separated by `;`, blanks skipped (timetext.parse_slot_list)
SLOT_LIST = patterns.separated(patterns.SLOT, ";")
SlotList = Annotated[ListText, StringConstraints(pattern=SLOT_LIST)]
# Hours from MSK (webapp.integrations.timetext.parse_offset): "2", "-1", "2.5" or "2,5"
OFFSET = patterns.hours_offset(int(MIN_OFFSET_HOURS), int(MAX_OFFSET_HOURS))


def integration(request: web.Request) -> Initiator:
    """The integration behind the request; 401 without the integration token."""
    require_integration(request)
    return INTEGRATION


async def psychologist_by_secret(secret: str | None) -> Psychologist:
    """The psychologist whose schedule secret is given; 401 otherwise."""
    psychologist = await psychologists.by_secret(secret)
    if psychologist is None:
        raise Unauthorized("the schedule secret is missing or unknown")
    return psychologist


def as_psychologist(psychologist: Psychologist) -> Initiator:
    return Initiator(Actor.PSYCHOLOGIST, ref=str(psychologist.telegram_id or ""), source="legacy")


def names(text: str) -> list[str]:
    """Psychologists' names from a list separated by commas or semicolons (both occur)."""
    return split_list(text.replace(";", ","), ",")


def slot_text(instant: datetime) -> str:
    """An instant as the integration API writes slots: "DD.MM HH:mm" in MSK."""
    return format_slot(instant, MSK)

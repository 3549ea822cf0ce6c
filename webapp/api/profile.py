"""The psychologist's own anketa (the profile mini app): read and saved in the words and by the
rules of the outside form /psychologist-form, through the same use case."""

from __future__ import annotations

from aiohttp import web

from db.enums import Actor
from domain.people import psychologists
from domain.people.psychologists import AnketaRecord
from webapp.api.anketa import ANKETA_FIELDS, Anketa, EducationIn
from webapp.auth import require_role
from webapp.errors import wire_fields
from webapp.openapi import documented
from webapp.validation import parse_body

routes = web.RouteTableDef()
TAGS = ("psychologist profile",)


class ProfileOut(Anketa):
    """The caller's anketa as saved. The name the bot took from Telegram when the psychologist
    joined may be shorter than an anketa's, until the anketa is first saved."""

    name: str

    @classmethod
    def of(cls, record: AnketaRecord) -> ProfileOut:
        # As saved: not judged again (the rules judge what is saved next)
        return cls.model_construct(
            **{field: record.profile[column] for field, column in ANKETA_FIELDS.items()},
            education=[
                EducationIn.model_construct(
                    educationItemProgramTitle=item.program_title,
                    educationItemTitle=item.title,
                    educationItemType=item.kind,
                    educationItemYear=item.year,
                )
                for item in record.education
            ],
        )


def _answer(anketa: Anketa) -> web.Response:
    return web.json_response(anketa.model_dump(mode="json"))


@routes.get("/api/v1/editor/profile")
@documented(
    "The caller's own anketa (a psychologist), in the fields of /psychologist-form's anketa",
    responses={200: ProfileOut, 403: "not a psychologist"},
    tags=TAGS,
    secured=True,
)
async def get_profile(request: web.Request) -> web.Response:
    principal = require_role(request, Actor.PSYCHOLOGIST.value)
    with wire_fields(telegram_id="token"):
        record = await psychologists.anketa_of(principal.telegram_id)
    return _answer(ProfileOut.of(record))


@routes.put("/api/v1/editor/profile")
@documented(
    "Save the caller's own anketa (a psychologist), by the rules of /psychologist-form; "
    "the schedule editor's link stays as it is",
    body=Anketa,
    responses={
        200: Anketa,
        403: "not a psychologist",
        409: "the name belongs to another psychologist",
    },
    tags=TAGS,
    secured=True,
)
async def put_profile(request: web.Request) -> web.Response:
    principal = require_role(request, Actor.PSYCHOLOGIST.value)
    body = await parse_body(request, Anketa)
    await psychologists.save_anketa(
        principal.telegram_id,
        body.profile(),
        body.education_items(),
        principal.initiator(),
        new_secret=False,
    )
    return _answer(body)

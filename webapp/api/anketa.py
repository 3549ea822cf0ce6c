"""The psychologist's anketa as the APIs take it: the `anketa` of the outside form
/psychologist-form and the body of the psychologist's own /api/v1/editor/profile, one model with
one set of rules for both."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, model_validator

from domain.people.psychologists import EducationItem
from webapp.api.schemas import Text

LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Link = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Kind = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
ClientAge = Annotated[int, Field(ge=0, le=120)]
Price = Annotated[int, Field(ge=0, le=1_000_000)]


class EducationIn(BaseModel):
    educationItemProgramTitle: Link = ""
    educationItemTitle: Link = ""
    educationItemType: Kind = ""
    educationItemYear: int | None = Field(default=None, ge=1900, le=2100)


class Anketa(BaseModel):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
    about: LongText = ""
    age: int | None = Field(default=None, ge=18, le=100)
    sexClient: ShortText = ""
    minClientAge: ClientAge | None = None
    maxClientAge: ClientAge | None = Field(
        default=None, description="below minClientAge, the two are read the other way round"
    )
    psychologistPersonalTherapyType: Text = ""
    psychologistPersonalTherapyDuration: Text = ""
    mainModal: Text = ""
    additionalModals: list[Text] = Field(default_factory=list, max_length=50)
    skills: list[Text] = Field(default_factory=list, max_length=100)
    queries: list[Text] = Field(default_factory=list, max_length=100)
    telegram_link: Link = ""
    site_link: Link = ""
    vk_link: Link = ""
    minPrice: Price | None = None
    maxPrice: Price | None = Field(
        default=None, description="below minPrice, the two are read the other way round"
    )
    isMarried: bool = False
    hasChildren: bool = False
    allWithPriceMode: bool = False
    firstFreeMode: bool = False
    helpHandMode: bool = False
    education: list[EducationIn] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _ranges_in_order(self) -> Anketa:
        # A range written high to low is the same range. JSON Schema cannot compare two
        # fields, so the document could not say that such an anketa is refused.
        for low, high in (("minClientAge", "maxClientAge"), ("minPrice", "maxPrice")):
            first, second = getattr(self, low), getattr(self, high)
            if first is not None and second is not None and second < first:
                setattr(self, low, second)
                setattr(self, high, first)
        return self

    def profile(self) -> dict[str, object]:
        """The psychologist's columns, by the model's names."""
        return {column: getattr(self, field) for field, column in ANKETA_FIELDS.items()}

    def education_items(self) -> list[EducationItem]:
        return [
            EducationItem(
                program_title=item.educationItemProgramTitle,
                title=item.educationItemTitle,
                kind=item.educationItemType,
                year=item.educationItemYear,
            )
            for item in self.education
        ]


# The anketa's fields by the psychologist's columns they fill (psychologists.ANKETA_COLUMNS).
ANKETA_FIELDS = {
    "name": "name",
    "about": "about",
    "age": "age",
    "sexClient": "sex_client",
    "minClientAge": "min_client_age",
    "maxClientAge": "max_client_age",
    "psychologistPersonalTherapyType": "personal_therapy_type",
    "psychologistPersonalTherapyDuration": "personal_therapy_duration",
    "mainModal": "main_modal",
    "additionalModals": "additional_modals",
    "skills": "skills",
    "queries": "queries",
    "telegram_link": "telegram_link",
    "site_link": "site_link",
    "vk_link": "vk_link",
    "minPrice": "min_price",
    "maxPrice": "max_price",
    "isMarried": "is_married",
    "hasChildren": "has_children",
    "allWithPriceMode": "all_with_price_mode",
    "firstFreeMode": "first_free_mode",
    "helpHandMode": "help_hand_mode",
}

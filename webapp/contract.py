"""The JSON Schemas of requests and answers as the OpenAPI document states them.

pydantic's own schema describes types loosely: a `str_strip_whitespace` model checks lengths
after stripping, a `time` takes "10:00" where JSON Schema's `time` format wants seconds and an
offset, PostgreSQL refuses NUL in any text. `ContractSchema` states what the server takes, and
the server checks input against that very schema (webapp.schema_check, webapp.validation), so
the document and the server cannot drift apart. Answers are described as pydantic serialises
them. Routes declare only their pydantic models; every route gets this for free.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from phonenumbers import PhoneMetadata
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema
from typing_extensions import TypeAliasType

from webapp import patterns
from webapp.schema_check import LENIENT_PATTERN, check

# Free-form JSON a request may carry (e.g. a lead's `ticket_info`), stored as it is: any JSON,
# but NUL-free in keys and texts at every depth (PostgreSQL's jsonb refuses \u0000).
JsonData = TypeAliasType(
    "JsonData", "list[JsonData] | dict[str, JsonData] | str | bool | int | float | None"
)

# Record ids are 32-bit integers in the database.
RECORD_ID_MAX = 2**31 - 1
# No query value is longer (webapp.validation refuses longer ones before reading the query).
MAX_QUERY_VALUE = 1000
# pydantic leaves these names in the schema when a constraint follows a plain validator.
_NUMERIC_KEYWORDS = {
    "gt": "exclusiveMinimum",
    "ge": "minimum",
    "lt": "exclusiveMaximum",
    "le": "maximum",
}
# What pydantic's `time` takes, less what JSON Schema's own `time` format would demand.
TIME = (
    f"^{patterns.HOUR_MINUTE}(?::[0-5][0-9](?:\\.[0-9]{{1,6}})?)?"
    "(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?$"
)


# A Russian mobile number (+7, 7 or 8, then the ten digits libphonenumber calls valid): the
# form the document shows for a `phone`. The server takes any number valid in its country in
# any spelling (domain.people.clients.parse_phone), more than a pattern could list.
_RU_MOBILE = PhoneMetadata.metadata_for_region("RU").mobile.national_number_pattern  # type: ignore[union-attr]
PHONE = {
    "pattern": patterns.stripped("(?:\\+7|7|8)" + _RU_MOBILE.replace("\\d", "[0-9]")),
    LENIENT_PATTERN: "any number valid in its country, e.g. +1 650 253 0000, 8 (916) 123-45-67",
}


def _document_phone(prop: dict[str, Any]) -> None:
    """A request's `phone` is a phone number, whatever model declares it (clients, manual
    bookings, staff): the document shows its usual form, so that valid requests are written."""
    for branch in [prop, *prop.get("anyOf", ())]:
        if branch.get("type") == "string" and "pattern" not in branch:
            # a pattern of its own (not in allOf): fuzzers then skip it when they build texts
            # past maxLength, which no phone number reaches
            branch.update(PHONE)
            branch["description"] = "a phone number, " + PHONE[LENIENT_PATTERN]


def _raw_pattern(pattern: str) -> str:
    """A pattern pydantic applies to the stripped text, as it applies to the text sent."""
    if pattern.startswith(f"^{patterns.SPACE}*"):  # written for the text sent already
        return pattern
    if pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$"):
        return patterns.stripped(pattern[1:-1])
    return pattern


class ContractSchema(GenerateJsonSchema):
    """pydantic's JSON Schema, with input ("validation" mode) described as the server takes it."""

    @property
    def _for_input(self) -> bool:
        return self.mode == "validation"

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        json_schema = super().str_schema(schema)
        if not self._for_input:
            return json_schema
        strip = bool(schema.get("strip_whitespace") or self._config.str_strip_whitespace)
        json_schema["not"] = {
            "pattern": patterns.NUL,
            "x-reason": "the text contains a NUL character",
        }
        minimum = json_schema.get("minLength", 0)
        if strip and minimum:
            # pydantic checks the stripped length; the maxLength it also checks there is kept
            # as it stands, enforced on the text sent (webapp.schema_check): stricter by the
            # whitespace around a text only
            del json_schema["minLength"]
            json_schema["allOf"] = [
                {
                    "not": {
                        "pattern": patterns.shorter_than(minimum),
                        "x-reason": f"at least {minimum} characters, whitespace aside",
                    }
                }
            ]
        if strip and "pattern" in json_schema:
            json_schema["pattern"] = _raw_pattern(json_schema["pattern"])
        return json_schema

    def model_fields_schema(self, schema: core_schema.ModelFieldsSchema) -> JsonSchemaValue:
        json_schema = super().model_fields_schema(schema)
        phone = json_schema.get("properties", {}).get("phone")
        if self._for_input and phone is not None:
            _document_phone(phone)
        return json_schema

    def date_schema(self, schema: core_schema.DateSchema) -> JsonSchemaValue:
        json_schema = super().date_schema(schema)
        if self._for_input:
            json_schema["pattern"] = f"^{patterns.ISO_DATE}$"
        return json_schema

    def time_schema(self, schema: core_schema.TimeSchema) -> JsonSchemaValue:
        if self._for_input:
            return {"type": "string", "pattern": TIME}
        return super().time_schema(schema)

    def generate(
        self, schema: core_schema.CoreSchema, mode: Any = "validation"
    ) -> JsonSchemaValue:
        return _standard_keywords(super().generate(schema, mode))

    def generate_definitions(self, inputs: Any) -> Any:
        refs, definitions = super().generate_definitions(inputs)
        return refs, _standard_keywords(definitions)


def _standard_keywords(value: Any) -> Any:
    """`value` with pydantic's leftover constraint names turned into JSON Schema keywords."""
    if isinstance(value, list):
        return [_standard_keywords(item) for item in value]
    if not isinstance(value, dict):
        return value
    if value.get("type") in ("integer", "number"):
        value = {_NUMERIC_KEYWORDS.get(key, key): item for key, item in value.items()}
    return {key: _standard_keywords(item) for key, item in value.items()}


@lru_cache(maxsize=256)
def request_schema(model: type[BaseModel]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schema of `model` as input, and the definitions its refs point to."""
    schema = model.model_json_schema(
        schema_generator=ContractSchema, mode="validation", ref_template="#/$defs/{model}"
    )
    return schema, schema.pop("$defs", {})


def query_form(schema: dict[str, Any]) -> dict[str, Any]:
    """A query model's schema as a query can carry it: a parameter is sent or not, never null
    (an optional field's `null` branch and `null` default are dropped), and no text is longer
    than MAX_QUERY_VALUE."""
    properties = {name: _sendable(prop) for name, prop in schema.get("properties", {}).items()}
    return {**schema, "properties": properties}


def _sendable(prop: dict[str, Any]) -> dict[str, Any]:
    branches = [_bounded(b) for b in prop.get("anyOf", ()) if b != {"type": "null"}]
    rest = {k: v for k, v in prop.items() if k != "anyOf" and (k, v) != ("default", None)}
    if not branches:
        return _bounded(rest)
    return {**rest, **branches[0]} if len(branches) == 1 else {**rest, "anyOf": branches}


def _bounded(schema: dict[str, Any]) -> dict[str, Any]:
    if schema.get("type") != "string":
        return schema
    return {**schema, "maxLength": min(schema.get("maxLength", MAX_QUERY_VALUE), MAX_QUERY_VALUE)}


@lru_cache(maxsize=256)
def _query_schema(model: type[BaseModel]) -> tuple[dict[str, Any], dict[str, Any]]:
    schema, defs = request_schema(model)
    return query_form(schema), defs


def check_input(value: object, model: type[BaseModel], *, query: bool = False) -> None:
    """Raise schema_check.Violation unless `value` is valid input for `model` (as a JSON body,
    or as a query whose texts webapp.validation has read as the schema's types)."""
    schema, defs = _query_schema(model) if query else request_schema(model)
    check(value, schema, defs)


def query_types(model: type[BaseModel]) -> dict[str, set[str]]:
    """The JSON types each query field may take, to read its text as."""
    schema, defs = _query_schema(model)
    found: dict[str, set[str]] = {}
    for name, prop in schema.get("properties", {}).items():
        types: set[str] = set()
        for branch in [prop, *prop.get("anyOf", ())]:
            target = (
                defs.get(branch["$ref"].rsplit("/", 1)[-1], {}) if "$ref" in branch else branch
            )
            kind = target.get("type")
            types.update([kind] if isinstance(kind, str) else kind or ())
        found[name] = types
    return found

"""Catalogs: Russian first and complete, English second, compiled files in step with sources."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from domain.i18n import LOCALES_DIR, pick_language, translate

POT = LOCALES_DIR / "messages.pot"


def _catalog(path: Path):  # noqa: ANN202 - babel's Catalog
    with path.open("rb") as source:
        return read_po(source)


def test_every_message_has_a_russian_translation() -> None:
    ids = {m.id for m in _catalog(POT) if m.id}
    ru = {m.id: m.string for m in _catalog(LOCALES_DIR / "ru/LC_MESSAGES/messages.po") if m.id}
    assert ids <= set(ru)
    assert [i for i in ids if not ru[i]] == []


def _compiled(mo: io.BufferedIOBase) -> tuple[object, list[tuple[str, str, str]]]:
    """What a compiled catalog tells gettext: its plural rule and its messages. Not its bytes:
    they name the Babel version that wrote them, which differs between machines."""
    catalog = read_mo(mo)
    messages = sorted((m.context or "", repr(m.id), repr(m.string)) for m in catalog if m.id)
    return catalog.plural_forms, messages


@pytest.mark.parametrize("language", ["ru", "en"])
def test_compiled_catalogs_match_their_sources(language: str) -> None:
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    fresh = io.BytesIO()
    write_mo(fresh, _catalog(folder / "messages.po"))
    fresh.seek(0)
    with (folder / "messages.mo").open("rb") as committed:
        assert _compiled(committed) == _compiled(fresh), (
            "run: pybabel compile -d domain/locales -D messages"
        )


def test_translate_by_language_with_russian_default() -> None:
    message = "Reason: {reason}"
    assert translate("ru", message, reason="болезнь") == "Причина: болезнь"
    assert translate("en-GB", message, reason="ill") == "Reason: ill"
    assert translate(None, message, reason="x") == "Причина: x"
    assert pick_language("de") == "ru"

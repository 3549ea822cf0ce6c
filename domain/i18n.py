"""Texts for people, through the gettext catalogs in `domain/locales/` (Russian first, English
second).

Message ids are English and marked with `N_` where they are defined (see
domain/messaging/texts.py); `translate` renders one in the recipient's language at the moment a
message is written.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from pathlib import Path
from typing import Any

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a message id for extraction; translated later by `translate`."""
    return message


def pick_language(code: str | None) -> str:
    """A supported language for a Telegram language code ("en-US" -> "en"); Russian otherwise."""
    short = (code or "").split("-")[0].lower()
    return short if short in LANGUAGES else DEFAULT_LANGUAGE


@lru_cache(maxsize=len(LANGUAGES))
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALES_DIR, languages=[language], fallback=True)


def translate(language: str | None, message: str, **values: Any) -> str:
    """`message` in `language`, with `{name}` placeholders filled from `values`."""
    text = _catalog(pick_language(language)).gettext(message)
    return text.format(**values) if values else text

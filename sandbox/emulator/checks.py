"""What Telegram checks in a message a bot sends: its text or caption, and its keyboards.

Each check raises the ``ApiError`` Telegram answers; messages.py and bot_settings.py run them.
"""

from __future__ import annotations

import itertools
from typing import Any
from urllib.parse import urlsplit

from sandbox.emulator.state import ApiError, JsonDict, Params, button_label
from sandbox.formatting import EntityParseError, parse_text

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
_INLINE_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


def reply_markup(params: Params, *, inline_only: bool = False) -> JsonDict | None:
    """The call's reply_markup, checked; editing methods take an inline keyboard only."""
    markup = params.obj("reply_markup", "reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"])
        return markup
    if inline_only:
        raise ApiError(400, "Bad Request: inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise ApiError(400, 'Bad Request: field "keyboard" must be an Array')
        for button in itertools.chain.from_iterable(rows):
            if not button_label(button):
                raise ApiError(400, "Bad Request: can't parse keyboard button: text is empty")
        return markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")


def _check_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise ApiError(400, 'Bad Request: field "inline_keyboard" must be an Array')
    for button in itertools.chain.from_iterable(rows):
        if not isinstance(button, dict) or not button.get("text"):
            raise ApiError(400, "Bad Request: can't parse inline keyboard button: text is empty")
        if not _INLINE_ACTIONS & button.keys():
            raise ApiError(
                400,
                "Bad Request: can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard",
            )
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        for key in ("url",):
            if key in button:
                check_url(button[key], f"inline keyboard button URL '{button[key]}'")
        if "web_app" in button:
            web_app = button["web_app"]
            if not isinstance(web_app, dict) or "url" not in web_app:
                raise ApiError(400, "Bad Request: BUTTON_TYPE_INVALID")
            check_url(web_app["url"], f"Web App URL '{web_app['url']}'")


def formatted_text(
    params: Params, text_field: str, entities_field: str, *, caption: bool = False
) -> tuple[str, list[JsonDict]]:
    """A text or caption with its parse_mode or entities, as plain text and entities."""
    text = params.text(text_field, "") or ""
    entities = params.obj(entities_field)
    try:
        plain, parsed = parse_text(text, params.text("parse_mode"), entities)
    except EntityParseError as exc:
        raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
    if caption:
        if len(plain) > MAX_CAPTION_LENGTH:
            raise ApiError(400, "Bad Request: message caption is too long")
        return plain, parsed
    if not plain:
        raise ApiError(400, "Bad Request: message text is empty")
    if len(plain) > MAX_TEXT_LENGTH:
        raise ApiError(400, "Bad Request: message is too long")
    return plain, parsed


def check_url(url: Any, what: str) -> None:
    """A button's or a Web App's URL: http(s) with a host, or tg://."""
    split = urlsplit(str(url))
    web_url = split.scheme in {"http", "https"} and bool(split.hostname)
    if not web_url and split.scheme != "tg":
        raise ApiError(400, f"Bad Request: {what} is invalid: Wrong HTTP URL")

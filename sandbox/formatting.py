"""Telegram text formatting: parse_mode parsing into plain text + entities, as the Bot API does.

The emulator stores what a person would see (plain text and entities with UTF-16 offsets), and
answers "can't parse entities" for markup Telegram rejects, so formatting bugs show up in tests.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "EntityParseError",
    "detect_entities",
    "parse_text",
    "utf16_len",
]

Entity = dict[str, Any]


class EntityParseError(ValueError):
    """Markup Telegram would reject; the message is Telegram's description after the prefix."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


# ---------------------------------------------------------------------------------------------
# HTML

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
}
_SUPPORTED_TAGS = {*_SIMPLE_TAGS, "a", "span", "blockquote", "tg-emoji", "tg-time"}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_CHAR_REF = re.compile(r"&(#[xX][0-9a-fA-F]{1,8}|#[0-9]{1,10}|[a-zA-Z]{2,8});")
_TAG_NAME = re.compile(r"[a-zA-Z0-9-]*")
_ATTR_NAME = re.compile(r"[a-zA-Z0-9_-]+")
_TEXT_MENTION = re.compile(r"tg://user\?id=(\d+)$")


def _decode_char_ref(ref: str) -> str | None:
    if ref[0] != "#":
        return _NAMED_ENTITIES.get(ref)
    code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _parse_attrs(text: str, pos: int, tag_start: int) -> tuple[dict[str, str], int]:
    """Read attributes up to '>'; return them and the index after '>'."""
    attrs: dict[str, str] = {}
    size = len(text)
    while True:
        while pos < size and text[pos].isspace():
            pos += 1
        if pos >= size:
            raise EntityParseError(
                f"Unclosed start tag at byte offset {_byte_offset(text, tag_start)}"
            )
        if text[pos] == ">":
            return attrs, pos + 1
        match = _ATTR_NAME.match(text, pos)
        if match is None:
            raise EntityParseError(
                f"Empty attribute name in the tag at byte offset {_byte_offset(text, tag_start)}"
            )
        name = match.group().lower()
        pos = match.end()
        while pos < size and text[pos].isspace():
            pos += 1
        if pos < size and text[pos] == "=":
            pos += 1
            while pos < size and text[pos].isspace():
                pos += 1
            if pos >= size:
                raise EntityParseError(
                    f"Unclosed start tag at byte offset {_byte_offset(text, tag_start)}"
                )
            quote = text[pos]
            if quote in "\"'":
                end = text.find(quote, pos + 1)
                if end < 0:
                    raise EntityParseError(
                        f"Unclosed start tag at byte offset {_byte_offset(text, tag_start)}"
                    )
                raw = text[pos + 1 : end]
                pos = end + 1
            else:
                end = pos
                while end < size and not text[end].isspace() and text[end] != ">":
                    end += 1
                raw = text[pos:end]
                pos = end
            attrs[name] = _CHAR_REF.sub(lambda m: _decode_char_ref(m.group(1)) or m.group(), raw)
        else:
            attrs[name] = ""


def _html_entity(name: str, attrs: dict[str, str], offset: int, length: int) -> Entity | None:
    """The entity a closed tag makes, or None for tags that add nothing."""
    entity: Entity = {"offset": offset, "length": length}
    if name in _SIMPLE_TAGS:
        entity["type"] = _SIMPLE_TAGS[name]
        if name == "pre" and attrs.get("language"):
            entity["language"] = attrs["language"]
    elif name == "span":
        entity["type"] = "spoiler"
    elif name == "a":
        href = attrs.get("href", "")
        mention = _TEXT_MENTION.match(href)
        if mention:
            entity["type"] = "text_mention"
            entity["user"] = {"id": int(mention.group(1)), "is_bot": False, "first_name": ""}
        elif href:
            entity["type"] = "text_link"
            entity["url"] = href
        else:
            return None
    elif name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in attrs else "blockquote"
    elif name == "tg-emoji":
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    elif name == "tg-time":
        entity["type"] = "date_time"
        try:
            entity["unix_time"] = int(attrs.get("unix", ""))
        except ValueError:
            raise EntityParseError("Invalid unix time in the tg-time tag") from None
        if attrs.get("format"):
            entity["date_time_format"] = attrs["format"]
    return entity


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Telegram's HTML parse mode: supported tags only, four named entities, strict nesting."""
    out: list[str] = []
    position = 0  # UTF-16 offset of the text produced so far
    stack: list[tuple[str, dict[str, str], int, int]] = []  # name, attrs, offset, index
    entities: list[Entity] = []
    size = len(text)
    i = 0
    while i < size:
        lt = text.find("<", i)
        amp = text.find("&", i)
        stop = min(x for x in (lt, amp, size) if x >= 0)
        if stop > i:
            chunk = text[i:stop]
            out.append(chunk)
            position += utf16_len(chunk)
            i = stop
            continue
        if text[i] == "&":
            match = _CHAR_REF.match(text, i)
            decoded = _decode_char_ref(match.group(1)) if match else None
            if match is not None and decoded is not None:
                out.append(decoded)
                position += utf16_len(decoded)
                i = match.end()
            else:
                out.append("&")
                position += 1
                i += 1
            continue
        # text[i] == "<"
        tag_start = i
        if i + 1 < size and text[i + 1] == "/":
            match = _TAG_NAME.match(text, i + 2)
            assert match is not None  # the pattern matches the empty string
            name = match.group().lower()
            j = match.end()
            while j < size and text[j].isspace():
                j += 1
            if j >= size or text[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(text, i)}")
            if not stack:
                raise EntityParseError(
                    f"Unexpected end tag at byte offset {_byte_offset(text, i)}"
                )
            open_name, attrs, offset, _ = stack.pop()
            if name != open_name:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, i)}, "
                    f'expected "</{open_name}>", found "</{name}>"'
                )
            i = j + 1
            if position > offset:
                entity = _html_entity(open_name, attrs, offset, position - offset)
                if entity is not None:
                    entities.append(entity)
            continue
        match = _TAG_NAME.match(text, i + 1)
        assert match is not None
        name = match.group().lower()
        if name not in _SUPPORTED_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, tag_start)}'
            )
        attrs, i = _parse_attrs(text, match.end(), tag_start)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError('Tag "span" must have class "tg-spoiler"')
        if name == "code" and stack and stack[-1][0] == "pre":
            # <pre><code class="language-x"> names the pre block's language
            language = attrs.get("class") or attrs.get("language") or ""
            if language.startswith("language-"):
                stack[-1][1]["language"] = language.removeprefix("language-")
        stack.append((name, attrs, position, tag_start))
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    _drop_pre_code(entities)
    return "".join(out), entities


def _drop_pre_code(entities: list[Entity]) -> None:
    """A <pre><code class="language-x"> pair is one pre entity (its language is on the pre)."""
    pre_spans = {(e["offset"], e["length"]) for e in entities if e["type"] == "pre"}
    if pre_spans:
        entities[:] = [
            e
            for e in entities
            if e["type"] != "code" or (e["offset"], e["length"]) not in pre_spans
        ]


# ---------------------------------------------------------------------------------------------
# MarkdownV2 and legacy Markdown

_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def _push(entities: list[Entity], kind: str, offset: int, end: int, **extra: Any) -> None:
    if end > offset:
        entities.append({"type": kind, "offset": offset, "length": end - offset, **extra})


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    """Telegram's MarkdownV2: reserved characters must be escaped outside markup."""
    out: list[str] = []
    position = 0
    entities: list[Entity] = []
    # kind, offset, byte index of the opening token, extra
    stack: list[tuple[str, int, int, dict[str, Any]]] = []
    quote_start: int | None = None
    size = len(text)
    i = 0

    def emit(chunk: str) -> None:
        nonlocal position
        out.append(chunk)
        position += utf16_len(chunk)

    while i < size:
        c = text[i]
        top = stack[-1][0] if stack else None
        if c == "\\" and i + 1 < size and 0 < ord(text[i + 1]) <= 126:
            emit(text[i + 1])
            i += 2
            continue
        if top in ("code", "pre"):
            closes = text.startswith("```", i) if top == "pre" else c == "`"
            if not closes:
                emit(c)
                i += 1
                continue
        if c == "\n" and quote_start is not None and not text.startswith(">", i + 1):
            _push(entities, "blockquote", quote_start, position)
            quote_start = None
        if c not in _V2_RESERVED:
            emit(c)
            i += 1
            continue
        if c == ">" and (i == 0 or text[i - 1] == "\n") and not stack:
            if quote_start is None:
                quote_start = position
            i += 1
            continue
        closing = {
            "bold": c == "*",
            "italic": c == "_" and not text.startswith("__", i),
            "underline": text.startswith("__", i),
            "strikethrough": c == "~",
            "spoiler": text.startswith("||", i),
            "code": c == "`",
            "pre": text.startswith("```", i),
            "text_link": c == "]",
            "custom_emoji": c == "]",
        }
        if top is not None and closing.get(top, False):
            kind, offset, _, extra = stack.pop()
            if kind in ("underline", "spoiler"):
                i += 2
            elif kind == "pre":
                i += 3
            else:
                i += 1
            if kind in ("text_link", "custom_emoji"):
                if i >= size or text[i] != "(":
                    if kind == "custom_emoji":
                        raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
                    continue  # "[text]" without a URL stays plain text
                end = i + 1
                url: list[str] = []
                while end < size and text[end] != ")":
                    if text[end] == "\\" and end + 1 < size:
                        end += 1
                    url.append(text[end])
                    end += 1
                if end >= size:
                    raise EntityParseError(
                        f"Can't find end of a url at byte offset {_byte_offset(text, i)}"
                    )
                i = end + 1
                target = "".join(url)
                if kind == "custom_emoji":
                    extra["custom_emoji_id"] = target.rpartition("id=")[2]
                else:
                    mention = _TEXT_MENTION.match(target)
                    if mention:
                        kind = "text_mention"
                        extra["user"] = {
                            "id": int(mention.group(1)),
                            "is_bot": False,
                            "first_name": "",
                        }
                    else:
                        extra["url"] = target
            _push(entities, kind, offset, position, **extra)
            continue
        start = i
        extra: dict[str, Any] = {}
        if c == "_" and text.startswith("__", i):
            kind, i = "underline", i + 2
        elif c == "_":
            kind, i = "italic", i + 1
        elif c == "*":
            kind, i = "bold", i + 1
        elif c == "~":
            kind, i = "strikethrough", i + 1
        elif text.startswith("||", i):
            kind, i = "spoiler", i + 2
        elif c == "[":
            kind, i = "text_link", i + 1
        elif text.startswith("![", i):
            kind, i = "custom_emoji", i + 2
        elif text.startswith("```", i):
            kind, i = "pre", i + 3
            newline = text.find("\n", i)
            language = text[i:newline] if newline >= 0 else ""
            if newline >= 0 and language and not any(ch.isspace() for ch in language):
                extra["language"] = language
                i = newline + 1
            elif newline == i:
                i += 1
        elif c == "`":
            kind, i = "code", i + 1
        else:
            raise EntityParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        stack.append((kind, position, _byte_offset(text, start), extra))
    if stack:
        kind, _, byte_index, _ = stack[-1]
        name = {"text_link": "TextUrl", "custom_emoji": "CustomEmoji"}.get(kind, kind.title())
        raise EntityParseError(f"Can't find end of {name} entity at byte offset {byte_index}")
    if quote_start is not None:
        _push(entities, "blockquote", quote_start, position)
    return "".join(out), entities


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Telegram's legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url)."""
    out: list[str] = []
    position = 0
    entities: list[Entity] = []
    size = len(text)
    i = 0
    while i < size:
        c = text[i]
        if c == "\\" and i + 1 < size and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            position += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            position += utf16_len(c)
            i += 1
            continue
        start = i
        extra: dict[str, Any] = {}
        if text.startswith("```", i):
            kind, end_token = "pre", "```"
            i += 3
            newline = text.find("\n", i)
            language = text[i:newline] if newline >= 0 else ""
            if newline >= 0 and language and not any(ch.isspace() for ch in language):
                extra["language"] = language
                i = newline + 1
        else:
            kind = {"_": "italic", "*": "bold", "`": "code", "[": "text_link"}[c]
            end_token = "]" if c == "[" else c
            i += 1
        end = text.find(end_token, i)
        if end < 0:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, start)}"
            )
        inner = text[i:end]
        i = end + len(end_token)
        if kind == "text_link":
            if i < size and text[i] == "(":
                close = text.find(")", i)
                if close < 0:
                    raise EntityParseError(
                        f"Can't find end of a url at byte offset {_byte_offset(text, i)}"
                    )
                extra["url"] = text[i + 1 : close]
                i = close + 1
            else:
                out.append("[" + inner + "]")
                position += utf16_len(inner) + 2
                continue
        out.append(inner)
        inner_len = utf16_len(inner)
        _push(entities, kind, position, position + inner_len, **extra)
        position += inner_len
    return "".join(out), entities


# ---------------------------------------------------------------------------------------------
# Entities Telegram adds by itself, and the common entry point

_AUTO_PATTERNS = (
    ("bot_command", re.compile(r"(?<![\w/])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/])")),
    ("url", re.compile(r"(?<![\w@])https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")),
    ("mention", re.compile(r"(?<![\w@])@[a-zA-Z0-9_]{4,32}\b")),
)
_NO_AUTO_INSIDE = {"code", "pre", "text_link", "text_mention", "custom_emoji"}


def detect_entities(text: str, existing: list[Entity] | None = None) -> list[Entity]:
    """bot_command, url and mention entities that Telegram marks up without a parse mode."""
    if "/" not in text and "@" not in text:
        return []
    ascii_text = text.isascii()
    blocked = [
        (e["offset"], e["offset"] + e["length"])
        for e in existing or ()
        if e["type"] in _NO_AUTO_INSIDE
    ]
    found: list[Entity] = []
    for kind, pattern in _AUTO_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if not ascii_text:
                end = utf16_len(text[:end])
                start = utf16_len(text[:start])
            if any(a < end and start < b for a, b in blocked):
                continue
            found.append({"type": kind, "offset": start, "length": end - start})
    return found


def _strip(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Trim surrounding whitespace like Telegram and keep the entities on the same characters."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def parse_text(
    text: str,
    parse_mode: str | None = None,
    entities: list[Entity] | None = None,
) -> tuple[str, list[Entity]]:
    """Plain text and sorted entities for a message, or EntityParseError as Telegram answers."""
    mode = (parse_mode or "").lower()
    if entities:
        plain, parsed = text, [dict(e) for e in entities]
    elif mode == "html":
        plain, parsed = parse_html(text)
    elif mode == "markdownv2":
        plain, parsed = parse_markdown_v2(text)
    elif mode == "markdown":
        plain, parsed = parse_markdown(text)
    elif mode:
        raise EntityParseError(f"unsupported parse_mode {parse_mode!r}")
    else:
        plain, parsed = text, []
    plain, parsed = _strip(plain, parsed)
    parsed.extend(detect_entities(plain, parsed))
    parsed.sort(key=lambda e: (e["offset"], -e["length"]))
    return plain, parsed

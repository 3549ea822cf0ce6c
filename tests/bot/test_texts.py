"""No user-facing string in bot/ outside the gettext catalogs: every text the bot sends or
shows on a button goes through `_`/`__`/`N_`, and every such id has a Russian translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

from domain.i18n import LOCALES_DIR

BOT_DIR = Path(__file__).resolve().parents[2] / "bot"
MARKERS = {"_", "__", "N_"}
# Calls whose first argument, or `text=`, is what a person reads.
SHOWING_CALLS = {"answer", "edit_text", "send_message", "reply", "show"}
LETTERS = re.compile(r"[A-Za-zА-Яа-яЁё]")


def _parse_all() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in BOT_DIR.rglob("*.py")]


# Parsed at collection: CPython 3.11's parser can trip over threads other tests leave running.
SOURCES = _parse_all()


def _sources() -> list[tuple[Path, ast.Module]]:
    return SOURCES


def _literal_words(node: ast.AST) -> str:
    """The letters a person would read in a literal (f-string parts included)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_words(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) + _literal_words(node.right)
    return ""


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def test_every_shown_text_is_a_catalog_message() -> None:
    bare: list[str] = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node.func) in MARKERS:
                continue
            shown = [kw.value for kw in node.keywords if kw.arg == "text"]
            if _name(node.func) in SHOWING_CALLS and node.args:
                shown.append(node.args[0])
            for value in shown:
                words = _literal_words(value)
                if LETTERS.search(words):
                    bare.append(f"{path.relative_to(BOT_DIR.parent)}:{value.lineno}: {words!r}")
    assert bare == []


def test_every_bot_message_id_has_a_russian_translation() -> None:
    with (LOCALES_DIR / "ru/LC_MESSAGES/messages.po").open("rb") as source:
        russian = {m.id: m.string for m in read_po(source) if m.id}
    ids = {
        node.args[0].value
        for _path, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and _name(node.func) in MARKERS
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert len(ids) > 100
    assert sorted(i for i in ids if not russian.get(i)) == []


SAMPLE = ast.parse('message.answer("Hello there")\nInlineKeyboardButton(text=f"Go {x}")')


def test_the_check_finds_a_bare_text() -> None:
    tree = SAMPLE
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    found = [
        _literal_words(n.args[0] if n.args else n.keywords[0].value)
        for n in calls
        if _name(n.func) in SHOWING_CALLS or any(kw.arg == "text" for kw in n.keywords)
    ]
    assert found == ["Hello there", "Go "]

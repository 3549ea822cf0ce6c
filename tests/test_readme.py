"""README's first lines walk a newcomer through the sandbox by the labels they will see: each
label it quotes is one the product shows in Russian, so a renamed button cannot leave the
walk-through pointing at nothing."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def _try_it_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("\n## ", 1)[0]


def _russian_texts() -> list[str]:
    with (ROOT / "domain/locales/ru/LC_MESSAGES/messages.po").open("rb") as catalog:
        return [str(message.string) for message in read_po(catalog) if message.id]


def test_the_walk_through_quotes_labels_the_product_shows() -> None:
    quoted = [" ".join(label.split()) for label in re.findall(r"«([^»]+)»", _try_it_block())]
    assert len(quoted) >= 8, quoted
    texts = _russian_texts()
    missing = [label for label in quoted if not any(label in text for text in texts)]
    assert missing == [], f"README quotes labels no catalog holds: {missing}"


def test_the_walk_through_names_the_sandbox_and_its_personas() -> None:
    block = _try_it_block()
    assert "python main.py" in block
    assert "http://127.0.0.1:8080/sandbox" in block
    for persona in ("Клиент", "Менеджер", "Психолог"):
        assert f"**{persona}**" in block

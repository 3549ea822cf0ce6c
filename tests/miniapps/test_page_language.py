"""The pages' language: `?lang=`, then the cookie, then the browser's Accept-Language read
as a whole (every tag by its q-value), Russian when nothing there is ours."""

from __future__ import annotations

import pytest

from tests.harness.mini_apps import Site
from webapp.pages.views import accepted_language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "en"),
        ("fr, ru;q=0.5", "ru"),
        ("en-US,en;q=0.9", "en"),
        ("EN-gb", "en"),
        ("en;q=0.2, ru;q=0.9", "ru"),
        ("ru;q=0, en;q=0.1", "en"),
        ("de;q=0.9, en;q=notanumber", "ru"),
        ("en;q=1.5", "ru"),
        ("garbage", "ru"),
        (";;, ,;q=", "ru"),
        ("", "ru"),
    ],
)
def test_the_browsers_languages_are_negotiated_by_their_weights(
    header: str, language: str
) -> None:
    assert accepted_language(header) == language


async def test_a_page_speaks_the_best_language_the_browser_accepts_unless_one_was_chosen(
    site: Site,
) -> None:
    async def page_language(headers: dict[str, str], query: str = "") -> str:
        async with site.http.get(site.url(f"/app/book{query}"), headers=headers) as answer:
            assert answer.status == 200
            html = await answer.text()
        return html.split('<html lang="', 1)[1].split('"', 1)[0]

    german_english = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.8"}
    assert await page_language(german_english) == "en"
    assert await page_language({"Accept-Language": "fr, ru;q=0.5"}) == "ru"
    assert await page_language(german_english, "?lang=ru") == "ru"
    assert await page_language({**german_english, "Cookie": "lang=ru"}) == "ru"

"""The /sandbox chat page in headless Chromium, with a real aiogram bot behind the emulator."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.filters import CommandStart
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonWebApp,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    WebAppInfo,
)
from aiogram.utils.web_app import WebAppInitData, safe_parse_webapp_init_data
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.sync_api import Page, expect

from sandbox import SANDBOX_TOKEN, BotApiEmulator
from sandbox.chat import setup_sandbox_chat, sign_web_app_init_data
from tests.harness.browser import BrowserPage, ServeApp

TOKEN = SANDBOX_TOKEN
ANNA = 5001

# The mini app of the tests: it posts the launch parameters it got back to the test app, and
# sends data to the bot through the Telegram web client's postMessage channel.
MINI_APP_PAGE = """<!doctype html>
<html><body>
<p id="state">loading</p>
<button id="send-data">Send data</button>
<script>
const launch = new URLSearchParams(location.hash.slice(1));
fetch("/mini-app/seen", {
  method: "POST",
  headers: {"Content-Type": "application/json"},
  body: JSON.stringify({
    init_data: launch.get("tgWebAppData"),
    version: launch.get("tgWebAppVersion"),
    platform: launch.get("tgWebAppPlatform"),
  }),
}).then(() => { document.getElementById("state").textContent = "seen"; });
document.getElementById("send-data").addEventListener("click", () => {
  const event = {eventType: "web_app_data_send", eventData: {data: "picked 10:00"}};
  window.parent.postMessage(JSON.stringify(event), "*");
});
</script>
</body></html>
"""


async def cmd_start(message: Message, mini_app_url: str) -> None:
    keyboard = ReplyKeyboardMarkup(
        keyboard=[
            [KeyboardButton(text="Share my phone", request_contact=True)],
            [KeyboardButton(text="Pick a time", web_app=WebAppInfo(url=mini_app_url))],
        ],
        resize_keyboard=True,
    )
    await message.answer("Hello! Share your phone, please.", reply_markup=keyboard)


async def on_contact(message: Message) -> None:
    assert message.contact is not None
    await message.answer(
        f"Thanks, your phone is {message.contact.phone_number}",
        reply_markup=ReplyKeyboardRemove(),
    )


async def on_web_app_data(message: Message) -> None:
    assert message.web_app_data is not None
    await message.answer(f"The mini app sent: {message.web_app_data.data}")


async def on_text(message: Message, mini_app_url: str) -> None:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="Like", callback_data="like")],
            [InlineKeyboardButton(text="Open the app", web_app=WebAppInfo(url=mini_app_url))],
        ]
    )
    await message.answer(
        f"You said: <b>{html.escape(message.text or '')}</b>", reply_markup=keyboard
    )


async def on_like(query: CallbackQuery) -> None:
    assert isinstance(query.message, Message)
    await query.message.edit_text(f"{query.message.html_text} — liked")
    await query.answer("Liked!")


def echo_router() -> Router:
    """A small bot: a contact request, an echo with inline buttons, mini app buttons."""
    router = Router(name="echo")
    router.message.register(cmd_start, CommandStart())
    router.message.register(on_contact, F.contact)
    router.message.register(on_web_app_data, F.web_app_data)
    router.message.register(on_text, F.text)
    router.callback_query.register(on_like, F.data == "like")
    return router


@dataclass
class Sandbox:
    emulator: BotApiEmulator
    bot: Bot
    server: TestServer
    launches: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))


@pytest.fixture
async def sandbox(serve_app: ServeApp) -> AsyncIterator[Sandbox]:
    """The emulator, the chat page and a mini app on one loopback app; the echo bot polling."""
    emulator = BotApiEmulator()
    launches: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def mini_app(_request: web.Request) -> web.Response:
        return web.Response(text=MINI_APP_PAGE, content_type="text/html")

    async def mini_app_seen(request: web.Request) -> web.Response:
        launches.put_nowait(await request.json())
        return web.json_response({"ok": True})

    app = web.Application()
    emulator.attach(app)
    setup_sandbox_chat(app, emulator, TOKEN)
    app.router.add_get("/mini-app", mini_app)
    app.router.add_post("/mini-app/seen", mini_app_seen)
    server = await serve_app(app)
    emulator.base_url = str(server.make_url("")).rstrip("/")

    bot = emulator.make_bot(TOKEN, default=DefaultBotProperties(parse_mode="HTML"))
    mini_app_url = str(server.make_url("/mini-app"))
    await bot.set_chat_menu_button(
        menu_button=MenuButtonWebApp(text="App", web_app=WebAppInfo(url=mini_app_url))
    )
    dispatcher = Dispatcher(mini_app_url=mini_app_url)
    dispatcher.include_router(echo_router())
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    await emulator.wait_for(lambda: emulator.long_polling(TOKEN), what="the bot to poll")
    try:
        yield Sandbox(emulator, bot, server, launches)
    finally:
        await dispatcher.stop_polling()
        await polling
        await bot.session.close()


def bot_message(page: Page, text: str | re.Pattern[str]) -> Any:
    return (
        page.get_by_test_id("message")
        .filter(has_text=text)
        .and_(page.locator('[data-from="bot"]'))
    )


def open_as(page: Page, url: str, user_id: int) -> None:
    page.goto(url)
    page.get_by_test_id("user-picker").select_option(str(user_id))
    expect(page.get_by_test_id("chat")).to_have_attribute("data-state", "ready")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")


def send(page: Page, text: str) -> None:
    page.get_by_test_id("message-input").fill(text)
    page.get_by_test_id("send-button").click()


async def launched(sandbox: Sandbox) -> WebAppInitData:
    """The initData the mini app was opened with, checked as our web app checks it."""
    async with asyncio.timeout(10):
        launch = await sandbox.launches.get()
    assert (launch["version"], launch["platform"]) == ("7.0", "web")
    return safe_parse_webapp_init_data(TOKEN, launch["init_data"])


async def test_a_new_user_chats_presses_buttons_and_shares_the_contact(
    sandbox: Sandbox, page: BrowserPage, tmp_path: Path
) -> None:
    def create_user(page: Page) -> None:
        page.goto(sandbox.url("/sandbox"))
        # No user yet: the page asks for one.
        expect(page.get_by_test_id("user-form")).to_be_visible()
        page.get_by_test_id("user-id").fill("7007")
        page.get_by_test_id("user-first-name").fill("Мария")
        page.get_by_test_id("user-language").select_option("en")
        page.get_by_test_id("user-phone").fill("+79161234567")
        page.get_by_test_id("user-create").click()
        expect(page.get_by_test_id("user-picker")).to_have_value("7007")
        expect(page.get_by_test_id("connection")).to_have_attribute("data-state", "open")

    await page.run(create_user)
    assert sandbox.emulator.users() == [
        {"id": 7007, "is_bot": False, "first_name": "Мария", "language_code": "en"}
    ]

    def start_and_share_the_phone(page: Page) -> None:
        send(page, "/start")
        expect(bot_message(page, "Hello! Share your phone, please.")).to_be_visible()
        contact = page.get_by_test_id("contact-button")
        expect(contact).to_have_text("Share my phone")
        expect(page.get_by_test_id("reply-button")).to_have_text("Pick a time")
        page.screenshot(path=tmp_path / "sandbox-keyboard.png")
        contact.click()
        expect(bot_message(page, "Thanks, your phone is +79161234567")).to_be_visible()
        # ReplyKeyboardRemove took the keyboard away.
        expect(page.get_by_test_id("reply-keyboard")).to_be_hidden()

    await page.run(start_and_share_the_phone)
    shared = [m["contact"] for m in sandbox.emulator.messages(7007) if "contact" in m]
    assert shared == [{"phone_number": "+79161234567", "first_name": "Мария", "user_id": 7007}]

    def chat_and_like(page: Page) -> None:
        send(page, "hello <there>")
        reply = bot_message(page, "You said: hello <there>")
        expect(reply).to_be_visible()
        # The bot's HTML formatting arrives as entities and is drawn, not its markup.
        expect(reply.locator("b")).to_have_text("hello <there>")
        expect(page.get_by_test_id("message-input")).to_have_value("")
        reply.get_by_test_id("inline-button").filter(has_text="Like").click()
        expect(page.get_by_test_id("toast")).to_have_text("Liked!")
        edited = bot_message(page, "You said: hello <there> — liked")
        expect(edited.get_by_test_id("edited")).to_be_visible()
        # The edit dropped the inline keyboard.
        expect(edited.get_by_test_id("inline-button")).to_have_count(0)
        page.screenshot(path=tmp_path / "sandbox-chat.png")

    await page.run(chat_and_like)
    assert (tmp_path / "sandbox-chat.png").stat().st_size > 10_000
    texts = [m.get("text") for m in sandbox.emulator.sent(7007)]
    assert texts[-1] == "You said: hello <there> — liked"


async def test_web_app_buttons_open_the_mini_app_with_init_data_signed_for_the_user(
    sandbox: Sandbox, page: BrowserPage, tmp_path: Path
) -> None:
    sandbox.emulator.user(ANNA, "Анна", username="anna_k", language_code="ru")
    sandbox.emulator.user(ANNA + 1, "Борис")

    def open_inline_web_app(page: Page) -> None:
        open_as(page, sandbox.url("/sandbox"), ANNA)
        send(page, "hi")
        bot_message(page, "You said: hi").get_by_test_id("inline-button").filter(
            has_text="Open the app"
        ).click()
        expect(page.get_by_test_id("webapp-panel")).to_be_visible()
        frame = page.frame_locator('[data-testid="webapp-frame"]')
        expect(frame.locator("#state")).to_have_text("seen")
        page.screenshot(path=tmp_path / "sandbox-web-app.png")

    await page.run(open_inline_web_app)
    data = await launched(sandbox)
    assert data.user is not None
    assert (data.user.id, data.user.first_name, data.user.username) == (ANNA, "Анна", "anna_k")
    assert data.user.language_code == "ru"
    assert data.query_id  # an inline button's mini app can answer with answerWebAppQuery

    def open_menu_web_app(page: Page) -> str:
        page.get_by_test_id("webapp-close").click()
        expect(page.get_by_test_id("webapp-panel")).to_be_hidden()
        menu = page.get_by_test_id("menu-button")
        expect(menu).to_have_text("App")
        menu.click()
        frame = page.frame_locator('[data-testid="webapp-frame"]')
        expect(frame.locator("#state")).to_have_text("seen")
        return page.get_by_test_id("webapp-open-tab").get_attribute("href") or ""

    tab_url = await page.run(open_menu_web_app)
    data = await launched(sandbox)
    assert data.user is not None
    assert data.user.id == ANNA
    assert tab_url.startswith(sandbox.url("/mini-app") + "#tgWebAppData=")

    def send_data_from_reply_web_app(page: Page) -> None:
        send(page, "/start")
        page.get_by_test_id("reply-button").filter(has_text="Pick a time").click()
        frame = page.frame_locator('[data-testid="webapp-frame"]')
        expect(frame.locator("#state")).to_have_text("seen")
        frame.locator("#send-data").click()
        # sendData closes the mini app and reaches the bot as a web_app_data message.
        expect(page.get_by_test_id("webapp-panel")).to_be_hidden()
        expect(bot_message(page, "The mini app sent: picked 10:00")).to_be_visible()

    await page.run(send_data_from_reply_web_app)
    data = await launched(sandbox)
    assert data.user is not None
    assert data.user.id == ANNA
    assert data.query_id is None  # reply keyboard mini apps only send data

    # Another user gets initData of their own.
    def open_as_boris(page: Page) -> None:
        open_as(page, sandbox.url("/sandbox"), ANNA + 1)
        page.get_by_test_id("menu-button").click()
        expect(page.frame_locator('[data-testid="webapp-frame"]').locator("#state")).to_have_text(
            "seen"
        )

    await page.run(open_as_boris)
    data = await launched(sandbox)
    assert data.user is not None
    assert (data.user.id, data.user.first_name) == (ANNA + 1, "Борис")


async def test_the_page_follows_changes_live_and_after_a_reload(
    page: BrowserPage, sandbox: Sandbox
) -> None:
    # `page` before `sandbox`: the server shuts down while the page is still connected.
    sandbox.emulator.user(ANNA, "Анна", language_code="en")
    await page.run(open_as, sandbox.url(f"/sandbox?user={ANNA}"), ANNA)

    # Messages the bot sends on its own (a reminder) and their edits and deletion show up live.
    reminder = await sandbox.bot.send_message(ANNA, "Reminder: session at 10:00")

    def sees_reminder(page: Page) -> None:
        expect(bot_message(page, "Reminder: session at 10:00")).to_be_visible()

    await page.run(sees_reminder)
    await sandbox.bot.edit_message_text(
        "Reminder: session at 11:00", chat_id=ANNA, message_id=reminder.message_id
    )

    def sees_edit(page: Page) -> None:
        expect(bot_message(page, "Reminder: session at 11:00")).to_be_visible()
        expect(bot_message(page, "10:00")).to_have_count(0)

    await page.run(sees_edit)
    await sandbox.bot.delete_message(ANNA, reminder.message_id)

    def sees_deletion_and_keeps_history(page: Page) -> None:
        expect(bot_message(page, "Reminder")).to_have_count(0)
        # A person's message sent from elsewhere (a test) appears on the page too.
        expect(bot_message(page, "You said: from a script")).to_be_visible()
        page.reload()
        expect(page.get_by_test_id("user-picker")).to_have_value(str(ANNA))
        expect(page.get_by_test_id("message")).to_have_count(2)
        user_text = page.locator('[data-from="user"]').get_by_test_id("message-text")
        expect(user_text).to_have_text("from a script")

    sandbox.emulator.send_text(TOKEN, ANNA, "from a script")
    await sandbox.emulator.wait_for_sent(ANNA)
    await page.run(sees_deletion_and_keeps_history)

    def switches_labels_to_russian(page: Page) -> None:
        page.evaluate("localStorage.setItem('sandbox.lang', 'en')")
        page.reload()
        expect(page.get_by_test_id("send-button")).to_have_text("Send")
        page.get_by_test_id("ui-language").click()
        expect(page.get_by_test_id("send-button")).to_have_text("Отправить")

    await page.run(switches_labels_to_russian)


async def test_the_page_api_answers_bad_input_with_a_reason(sandbox: Sandbox) -> None:
    sandbox.emulator.user(ANNA, "Анна")
    api = sandbox.url("/sandbox/api")
    async with aiohttp.ClientSession() as http:
        async with http.get(sandbox.url("/sandbox?user=5"), allow_redirects=False) as response:
            assert response.status == 302
            assert response.headers["Location"] == "/sandbox/?user=5"
        async with http.post(f"{api}/chats/{ANNA}/text", json={"text": "   "}) as response:
            assert response.status == 400
            assert (await response.json())["field"] == "text"
        async with http.post(
            f"{api}/chats/{ANNA}/text",
            data=b"not json",
            headers={"Content-Type": "application/json"},
        ) as response:
            assert response.status == 400
        async with http.post(f"{api}/chats/999/text", json={"text": "hi"}) as response:
            assert response.status == 404
            assert (await response.json())["reason"] == "no user 999"
        async with http.post(
            f"{api}/chats/{ANNA}/click", json={"message_id": 1, "callback_data": "like"}
        ) as response:
            assert response.status == 400
            assert "no bot message 1" in (await response.json())["reason"]
        # Only web_app buttons the chat shows are signed: no initData for arbitrary URLs.
        body = {"source": "inline", "url": "https://example.org/", "message_id": 1}
        async with http.post(f"{api}/chats/{ANNA}/web-app", json=body) as response:
            assert response.status == 400
        async with http.post(
            f"{api}/users", json={"first_name": "X", "language_code": "de"}
        ) as response:
            assert response.status == 400
            assert (await response.json())["field"] == "language_code"
        async with http.post(f"{api}/users", json={"first_name": "Ира"}) as response:
            assert response.status == 201
            created = await response.json()
            assert created["id"] == ANNA + 1
            assert created["phone"].startswith("+7900")
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await http.ws_connect(
                f"{api}/chats/{ANNA}/updates", headers={"Origin": "http://evil.example"}
            )
        assert refused.value.status == 403


def test_signed_init_data_validates_only_with_the_same_token() -> None:
    user = {"id": 42, "first_name": "Анна", "language_code": "ru"}
    init_data = sign_web_app_init_data(TOKEN, user, query_id="AAQ", auth_date=1_700_000_000)
    parsed = safe_parse_webapp_init_data(TOKEN, init_data)
    assert parsed.user is not None
    assert (parsed.user.id, parsed.query_id, parsed.auth_date.timestamp()) == (
        42,
        "AAQ",
        1_700_000_000,
    )
    with pytest.raises(ValueError, match="Invalid init data signature"):
        safe_parse_webapp_init_data("1:other-token", init_data)

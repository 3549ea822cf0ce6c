"""The Bot API emulator, driven by a real aiogram Bot and Dispatcher over loopback HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import CommandObject, CommandStart
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    ChatFullInfo,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    LinkPreviewOptions,
    MenuButtonWebApp,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
    WebAppInfo,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from sandbox import SANDBOX_TOKEN, BotApiEmulator, SandboxError

TOKEN = SANDBOX_TOKEN
USER = 1001


@pytest.fixture
def emulator(emulator: BotApiEmulator) -> BotApiEmulator:
    """The suite's emulator, with Анна among its users."""
    emulator.user(USER, "Анна", username="anna")
    return emulator


@asynccontextmanager
async def polling(dp: Dispatcher, bot: Bot, emulator: BotApiEmulator) -> AsyncIterator[None]:
    """Run the dispatcher's long polling for the block."""
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    # start_polling asks getMe once it runs; stop_polling is refused before that
    await emulator.wait_for(lambda: emulator.requests("getMe"), what="the dispatcher to start")
    try:
        yield
    finally:
        await dp.stop_polling()
        await task


def inline(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=text, callback_data=data)] for text, data in pairs
        ]
    )


async def raw_call(
    emulator: BotApiEmulator, path: str, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as session:
        method = kwargs.pop("method", "POST")
        async with session.request(method, f"{emulator.base_url}{path}", **kwargs) as response:
            return response.status, await response.json()


# ---------------------------------------------------------------------------------------------
# Identity and transport


async def test_get_me_is_derived_from_the_token(emulator: BotApiEmulator, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.username) == (123456789, True, "sandbox_bot")

    other = emulator.make_bot("42:any-secret")
    try:
        other_me = await other.get_me()
    finally:
        await other.session.close()
    assert other_me.id == 42
    assert other_me.username == "sandbox42_bot"
    assert await bot.log_out() is True
    assert await bot.close() is True


async def test_attach_serves_the_api_from_another_app(emulator: BotApiEmulator) -> None:
    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_get("/healthz", healthz)  # the product's own routes live beside the API
    embedded = BotApiEmulator()
    embedded.attach(app)
    async with serve(app) as base:
        client = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
        try:
            embedded.user(USER)
            await client.send_message(USER, "из встроенного эмулятора")
        finally:
            await client.session.close()
    assert [m["text"] for m in embedded.sent(USER)] == ["из встроенного эмулятора"]
    assert emulator.sent(USER) == []  # emulators do not share state


async def test_unknown_method_and_bad_token_answer_like_telegram(emulator: BotApiEmulator) -> None:
    status, body = await raw_call(emulator, f"/bot{TOKEN}/noSuchMethod")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    status, body = await raw_call(emulator, "/botnot-a-token/getMe")
    assert (status, body["error_code"], body["description"]) == (401, 401, "Unauthorized")


async def test_json_query_and_urlencoded_bodies_are_accepted(emulator: BotApiEmulator) -> None:
    markup = {"inline_keyboard": [[{"text": "Да", "callback_data": "yes"}]]}
    status, body = await raw_call(
        emulator,
        f"/bot{TOKEN}/sendMessage",
        json={"chat_id": USER, "text": "json", "reply_markup": markup},
    )
    assert status == 200
    assert body["result"]["reply_markup"] == markup

    status, body = await raw_call(
        emulator,
        f"/bot{TOKEN}/sendMessage",
        method="GET",
        params={"chat_id": str(USER), "text": "query"},
    )
    assert (status, body["result"]["text"]) == (200, "query")

    status, body = await raw_call(
        emulator, f"/bot{TOKEN}/sendMessage", data={"chat_id": str(USER), "text": "form"}
    )
    assert (status, body["result"]["message_id"]) == (200, 3)
    assert [m["text"] for m in emulator.sent(USER)] == ["json", "query", "form"]


# ---------------------------------------------------------------------------------------------
# A real dispatcher over long polling


async def test_polling_echo_click_answer_and_edit(emulator: BotApiEmulator, bot: Bot) -> None:
    router = Router()
    seen_args: list[str | None] = []

    @router.message(CommandStart())
    async def cmd_start(message: Message, command: CommandObject) -> None:
        seen_args.append(command.args)
        await message.answer(
            "Привет! Выберите:", reply_markup=inline(("Да", "yes"), ("Нет", "no"))
        )

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(f"Вы написали: {message.text}")

    @router.callback_query(F.data == "yes")
    async def on_yes(query: CallbackQuery) -> None:
        await query.answer("Принято", show_alert=True)
        assert isinstance(query.message, Message)
        await query.message.edit_text("Вы выбрали: Да")

    dp = Dispatcher()
    dp.include_router(router)
    async with polling(dp, bot, emulator):
        update = emulator.send_text(TOKEN, USER, "/start ref_42")
        assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
        first = (await emulator.wait_for_sent(USER, 1))[0]
        assert first["text"] == "Привет! Выберите:"
        assert seen_args == ["ref_42"]

        emulator.send_text(TOKEN, USER, "как дела?")
        replies = await emulator.wait_for_sent(USER, 2)
        assert replies[-1]["text"] == "Вы написали: как дела?"

        query_id = emulator.click(TOKEN, USER, first["message_id"], "yes")
        answer = await emulator.wait_for_callback_answer(query_id)
        assert (answer["text"], answer["show_alert"]) == ("Принято", True)
        await emulator.wait_for(
            lambda: emulator.sent(USER)[0]["text"] == "Вы выбрали: Да", what="the edit"
        )

    edited = emulator.sent(USER)[0]
    assert "reply_markup" not in edited  # an edit without reply_markup drops the keyboard
    assert "edit_date" in edited
    assert [r["status"] for r in emulator.requests("answerCallbackQuery")] == [200]
    assert emulator.requests("editMessageText")[0]["params"]["text"] == "Вы выбрали: Да"


async def test_contact_message_reaches_the_handler(emulator: BotApiEmulator, bot: Bot) -> None:
    router = Router()

    @router.message(F.contact)
    async def on_contact(message: Message) -> None:
        assert message.contact is not None and message.from_user is not None
        own = message.contact.user_id == message.from_user.id
        await message.answer(f"Телефон {message.contact.phone_number}, свой: {own}")

    dp = Dispatcher()
    dp.include_router(router)
    async with polling(dp, bot, emulator):
        update = emulator.send_contact(TOKEN, USER, "+79991234567")
        assert update["message"]["contact"]["user_id"] == USER
        reply = (await emulator.wait_for_sent(USER))[0]
    assert reply["text"] == "Телефон +79991234567, свой: True"


async def test_web_app_data_reaches_the_handler(emulator: BotApiEmulator, bot: Bot) -> None:
    router = Router()

    @router.message(F.web_app_data)
    async def on_data(message: Message) -> None:
        assert message.web_app_data is not None
        await message.answer(f"{message.web_app_data.button_text}: {message.web_app_data.data}")

    dp = Dispatcher()
    dp.include_router(router)
    async with polling(dp, bot, emulator):
        emulator.send_web_app_data(TOKEN, USER, '{"slot": 7}', "Выбрать время")
        reply = (await emulator.wait_for_sent(USER))[0]
    assert reply["text"] == 'Выбрать время: {"slot": 7}'


async def test_blocking_the_bot_sends_my_chat_member(emulator: BotApiEmulator, bot: Bot) -> None:
    router = Router()
    statuses: list[str] = []

    @router.my_chat_member()
    async def on_member(event: ChatMemberUpdated) -> None:
        statuses.append(event.new_chat_member.status)

    dp = Dispatcher()
    dp.include_router(router)
    async with polling(dp, bot, emulator):
        await bot.send_message(USER, "первое сообщение")
        emulator.block_bot(USER)
        await emulator.wait_for(lambda: statuses, what="my_chat_member")
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await bot.send_message(USER, "второе")
        emulator.send_text(TOKEN, USER, "/start")  # writing again unblocks, as in the apps
        await emulator.wait_for(lambda: len(statuses) == 2, what="the unblock")
        await bot.send_message(USER, "третье")
    assert statuses == ["kicked", "member"]
    assert [m["text"] for m in emulator.sent(USER)] == ["первое сообщение", "третье"]


async def test_long_poll_waits_for_an_update_and_offset_confirms(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == []
    assert time.monotonic() - started >= 0.9

    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await emulator.wait_for(lambda: emulator.long_polling(TOKEN), what="the long poll")
    emulator.send_text(TOKEN, USER, "ping")
    started = time.monotonic()
    updates = await waiting
    assert time.monotonic() - started < 1.0
    assert [u.message.text for u in updates if u.message] == ["ping"]

    again = await bot.get_updates()
    assert [u.update_id for u in again] == [updates[0].update_id]  # not confirmed yet
    assert await bot.get_updates(offset=updates[0].update_id + 1) == []
    assert emulator.pending_updates(TOKEN) == []


async def test_a_second_get_updates_ends_the_first(emulator: BotApiEmulator, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await emulator.wait_for(lambda: emulator.long_polling(TOKEN), what="the first long poll")
    await bot.get_updates(timeout=0)
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await first


# ---------------------------------------------------------------------------------------------
# Keyboards, formatting, replies


async def test_reply_keyboard_is_stored_but_not_echoed(emulator: BotApiEmulator, bot: Bot) -> None:
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Поделиться номером", request_contact=True)]],
        resize_keyboard=True,
    )
    message = await bot.send_message(USER, "Нужен ваш номер", reply_markup=keyboard)
    assert message.reply_markup is None  # aiogram parsed the answer: no reply keyboard in it

    shown = emulator.last_sent(USER)
    assert shown is not None
    assert shown["reply_markup"]["keyboard"][0][0] == {
        "text": "Поделиться номером",
        "request_contact": True,
    }
    assert emulator.reply_keyboard(USER) == shown["reply_markup"]

    emulator.user(USER, phone="+79990001122")
    update = emulator.press(TOKEN, USER, "Поделиться номером")
    assert update["message"]["contact"]["phone_number"] == "+79990001122"
    with pytest.raises(SandboxError, match="no reply keyboard button"):
        emulator.press(TOKEN, USER, "Другое")

    removed = await bot.send_message(USER, "Спасибо", reply_markup=ReplyKeyboardRemove())
    assert removed.reply_markup is None
    assert emulator.sent(USER)[-1]["reply_markup"] == {"remove_keyboard": True}
    assert emulator.reply_keyboard(USER) is None


async def test_html_is_parsed_into_entities_and_bad_html_is_rejected(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    message = await bot.send_message(
        USER, "<b>Запись</b> на 12.05 &lt;онлайн&gt;", parse_mode="HTML"
    )
    assert message.text == "Запись на 12.05 <онлайн>"
    assert message.entities is not None
    assert [(e.type, e.offset, e.length) for e in message.entities] == [("bold", 0, 6)]

    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "br"'):
        await bot.send_message(USER, "строка<br>строка", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="reserved and must be escaped"):
        await bot.send_message(USER, "Цена 300.00", parse_mode="MarkdownV2")
    assert len(emulator.sent(USER)) == 1


async def test_link_preview_options_are_kept(emulator: BotApiEmulator, bot: Bot) -> None:
    message = await bot.send_message(
        USER,
        "Ссылка на встречу: https://meet.jit.si/room-1",
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert message.link_preview_options is not None
    assert message.link_preview_options.is_disabled is True
    assert message.entities is not None
    assert [e.extract_from(message.text or "") for e in message.entities] == [
        "https://meet.jit.si/room-1"
    ]
    assert emulator.last_sent(USER)["link_preview_options"] == {"is_disabled": True}


async def test_reply_parameters_quote_the_replied_message(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    question = emulator.send_text(TOKEN, USER, "Когда сеанс?")["message"]
    answer = await bot.send_message(
        USER, "Завтра в 10:00", reply_parameters=ReplyParameters(message_id=question["message_id"])
    )
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "Когда сеанс?"
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(USER, "x", reply_parameters=ReplyParameters(message_id=999))


async def test_click_refuses_buttons_that_are_not_there(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    message = await bot.send_message(USER, "Выбор", reply_markup=inline(("Да", "yes")))
    with pytest.raises(SandboxError, match="has no button with callback_data 'maybe'"):
        emulator.click(TOKEN, USER, message.message_id, "maybe")
    with pytest.raises(SandboxError, match="no bot message 77"):
        emulator.click(TOKEN, USER, 77, "yes")
    query_id = emulator.click_button(TOKEN, USER, "Да")
    update = emulator.pending_updates(TOKEN)[-1]
    assert update["callback_query"]["id"] == query_id
    assert update["callback_query"]["message"]["message_id"] == message.message_id
    assert update["callback_query"]["data"] == "yes"


async def test_edit_reply_markup_delete_and_chat_action(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    message = await bot.send_message(USER, "Слоты", reply_markup=inline(("10:00", "s:1")))
    edited = await bot.edit_message_reply_markup(
        chat_id=USER, message_id=message.message_id, reply_markup=inline(("11:00", "s:2"))
    )
    assert isinstance(edited, Message) and edited.reply_markup is not None
    assert edited.reply_markup.inline_keyboard[0][0].callback_data == "s:2"

    assert await bot.send_chat_action(USER, "typing")
    assert emulator.chat_actions(USER) == ["typing"]

    assert await bot.delete_message(USER, message.message_id)
    assert emulator.sent(USER) == []
    assert emulator.deleted(USER)[0]["text"] == "Слоты"
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, message.message_id)


async def test_photo_upload_and_file_download(emulator: BotApiEmulator, bot: Bot) -> None:
    photo = BufferedInputFile(b"\x89PNG fake", filename="me.png")
    message = await bot.send_photo(USER, photo, caption="<i>Фото</i>", parse_mode="HTML")
    assert message.caption == "Фото"
    assert message.photo is not None
    file = await bot.get_file(message.photo[-1].file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"\x89PNG fake"


# ---------------------------------------------------------------------------------------------
# Errors as aiogram raises them


async def test_bad_requests_raise_telegram_bad_request(emulator: BotApiEmulator, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="Bad Request: chat not found"):
        await bot.send_message(555, "кто здесь?")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message text is empty"):
        await bot.send_message(USER, "   ")
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is too long"):
        await bot.send_message(USER, "я" * 4097)
    with pytest.raises(TelegramBadRequest, match="Bad Request: message to edit not found"):
        await bot.edit_message_text("новый", chat_id=USER, message_id=404)

    message = await bot.send_message(USER, "я" * 4096, reply_markup=inline(("OK", "ok")))
    with pytest.raises(TelegramBadRequest, match="Bad Request: message is not modified"):
        await bot.edit_message_text(
            "я" * 4096,
            chat_id=USER,
            message_id=message.message_id,
            reply_markup=inline(("OK", "ok")),
        )
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
        await bot.send_message(
            USER,
            "x",
            reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="no action")]]
            ),
        )
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("123")
    assert [m["message_id"] for m in emulator.sent(USER)] == [message.message_id]


async def test_injected_faults_raise_retry_after_and_server_errors(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    emulator.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(USER, "раз")
    assert retry.value.retry_after == 7

    emulator.fail_next("sendMessage", 502, count=2)
    for _ in range(2):
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.send_message(USER, "два")
    emulator.fail_next("sendMessage", 500, chat_id=USER + 1)
    await bot.send_message(USER, "три")  # the fault waits for its own chat
    assert [m["text"] for m in emulator.sent(USER)] == ["три"]
    assert [r["status"] for r in emulator.requests("sendMessage")] == [429, 502, 502, 200]

    emulator.fail_next("getMe", 502)
    status, body = await raw_call(emulator, f"/bot{TOKEN}/getMe")
    assert (status, body) == (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})


async def test_rate_limit_and_send_times(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.set_rate_limits(per_chat=1)
    await bot.send_message(USER, "1")
    with pytest.raises(TelegramRetryAfter) as retry:
        await bot.send_message(USER, "2")
    assert retry.value.retry_after == 1
    emulator.user(USER + 1)
    await bot.send_message(USER + 1, "другой чат")  # the limit is per chat
    assert len(emulator.send_times(USER)) == 1
    assert len(emulator.send_times(USER + 1)) == 1


async def test_latency_delays_answers(emulator: BotApiEmulator, bot: Bot) -> None:
    emulator.set_latency(0.3)
    started = time.monotonic()
    await bot.get_me()
    assert time.monotonic() - started >= 0.3


# ---------------------------------------------------------------------------------------------
# Chat info, commands, menu button


async def test_get_chat_parses_as_chat_full_info(emulator: BotApiEmulator, bot: Bot) -> None:
    chat = await bot.get_chat(USER)
    assert isinstance(chat, ChatFullInfo)
    assert (chat.id, chat.type, chat.first_name, chat.username) == (
        USER,
        "private",
        "Анна",
        "anna",
    )
    assert chat.accepted_gift_types.unlimited_gifts is True
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_chat(31337)


async def test_commands_and_menu_button(emulator: BotApiEmulator, bot: Bot) -> None:
    commands = [
        BotCommand(command="start", description="Начать"),
        BotCommand(command="help", description="Помощь"),
    ]
    assert await bot.set_my_commands(commands)
    assert await bot.set_my_commands(
        [BotCommand(command="board", description="Доска")], scope=BotCommandScopeChat(chat_id=USER)
    )
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert emulator.my_commands(TOKEN, {"type": "chat", "chat_id": USER}) == [
        {"command": "board", "description": "Доска"}
    ]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])

    button = MenuButtonWebApp(
        text="Записаться", web_app=WebAppInfo(url="https://example.org/app/book")
    )
    assert await bot.set_chat_menu_button(chat_id=USER, menu_button=button)
    got = await bot.get_chat_menu_button(chat_id=USER)
    assert isinstance(got, MenuButtonWebApp)
    assert got.web_app.url == "https://example.org/app/book"
    assert emulator.menu_button(TOKEN, USER)["text"] == "Записаться"
    assert emulator.menu_button(TOKEN)["type"] == "default"


# ---------------------------------------------------------------------------------------------
# Webhook mode


@asynccontextmanager
async def serve(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}"
    finally:
        await runner.cleanup()


async def test_webhook_delivers_with_secret_and_retries(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    failures = [500]  # the first delivery attempt fails

    async def hook(request: web.Request) -> web.Response:
        if failures:
            return web.Response(status=failures.pop())
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/tg", hook)
    emulator.webhook_retry_delay = 0.01
    async with serve(app) as url:
        assert await bot.set_webhook(f"{url}/tg", secret_token="s3cr3t_X")
        info = await bot.get_webhook_info()
        assert info.url == f"{url}/tg"
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates()

        emulator.send_text(TOKEN, USER, "через вебхук")
        await emulator.wait_for(lambda: received, what="a webhook delivery")
        secret, update = received[0]
        assert secret == "s3cr3t_X"
        assert update["message"]["text"] == "через вебхук"
        info = await bot.get_webhook_info()
        assert info.pending_update_count == 0
        assert info.last_error_message is not None and "500" in info.last_error_message

        assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    emulator.send_text(TOKEN, USER, "снова polling")
    assert [u.message.text for u in await bot.get_updates() if u.message] == ["снова polling"]


async def test_webhook_reply_method_is_executed(emulator: BotApiEmulator, bot: Bot) -> None:
    router = Router()

    @router.message(F.text)
    async def answer_in_webhook(message: Message) -> SendMessage:
        return message.answer(f"Ответ: {message.text}")

    dp = Dispatcher()
    dp.include_router(router)
    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=False, secret_token="abc").register(
        app, path="/webhook"
    )
    async with serve(app) as url:
        await bot.set_webhook(f"{url}/webhook", secret_token="abc")
        emulator.send_text(TOKEN, USER, "привет")
        reply = (await emulator.wait_for_sent(USER))[0]
        await bot.delete_webhook()
    assert reply["text"] == "Ответ: привет"
    assert emulator.requests("sendMessage")[-1]["via"] == "webhook-reply"


# ---------------------------------------------------------------------------------------------
# What a modified client can send


async def test_a_modified_client_sends_what_no_button_offered(
    emulator: BotApiEmulator, bot: Bot
) -> None:
    seen: list[tuple[str, object]] = []
    router = Router()

    @router.message(F.location)
    async def location(message: Message) -> None:
        assert message.location is not None
        seen.append(("location", message.location.latitude))

    @router.edited_message(F.text)
    async def edited(message: Message) -> None:
        seen.append(("edited", message.text))

    @router.callback_query()
    async def tap(query: CallbackQuery) -> None:
        carrier = query.message.message_id if query.message else None
        seen.append(("tap", (query.data, carrier)))
        await query.answer("noted")

    dp = Dispatcher()
    dp.include_router(router)
    async with polling(dp, bot, emulator):
        typed = emulator.send_text(TOKEN, USER, "hello")["message"]["message_id"]
        emulator.send_raw(TOKEN, USER, {"location": {"latitude": 55.75, "longitude": 37.62}})
        emulator.edit_text(TOKEN, USER, typed, "hello again")
        carrier = emulator.message(USER, typed, TOKEN)
        update = emulator.send_callback_query(TOKEN, USER, "never:offered", carrier)
        answer = await emulator.wait_for_callback_answer(update["callback_query"]["id"])
        await emulator.wait_for(lambda: len(seen) == 3, what="three updates handled")

    # polling hands updates to concurrent tasks: the order of handling is not the order sent
    assert sorted(seen, key=str) == sorted(
        [("location", 55.75), ("edited", "hello again"), ("tap", ("never:offered", typed))],
        key=str,
    )
    assert answer["text"] == "noted"
    assert (emulator.message(USER, typed, TOKEN) or {})["text"] == "hello again"
    with pytest.raises(SandboxError):
        emulator.edit_text(TOKEN, USER, 10_000, "no such message")

"""A local Telegram Bot API emulator, so the bot runs and is tested with no Telegram.

async with run_emulator() as emu:           # serves http://127.0.0.1:<free port>
    bot = emu.make_bot(SANDBOX_TOKEN)        # or Bot(token, session=AiohttpSession(
                                             #   api=TelegramAPIServer.from_base(emu.base_url)))
    emu.user(42, "Анна")
    emu.send_text(SANDBOX_TOKEN, 42, "/start")
    replies = await emu.wait_for_sent(42)
"""

from sandbox.emulator import (
    EMULATOR_KEY,
    SANDBOX_TOKEN,
    ApiError,
    BotApiEmulator,
    SandboxError,
    UploadedFile,
    run_emulator,
)

__all__ = [
    "EMULATOR_KEY",
    "SANDBOX_TOKEN",
    "ApiError",
    "BotApiEmulator",
    "SandboxError",
    "UploadedFile",
    "run_emulator",
]

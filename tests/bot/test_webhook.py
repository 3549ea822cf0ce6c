"""Webhook mode: with an https PUBLIC_URL, `run_bot` registers the webhook with its secret and
the web app answers the updates Telegram (the emulator) posts to it; a post without the right
secret header is refused and not answered."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.dispatcher import build_dispatcher
from bot.runtime import WEBHOOK_PATH, mount_webhook, run_bot, uses_webhook
from config import load_settings
from sandbox import BotApiEmulator
from services import Services
from tests.harness.bot_users import Person
from tests.harness.bots import TOKEN
from webapp.app import create_app

LOOPBACK = "127.0.0.1"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOOPBACK)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "webhook.pem", folder / "webhook.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@asynccontextmanager
async def webhook_bot(
    emulator: BotApiEmulator, database: str, folder: Path
) -> AsyncIterator[tuple[Services, str]]:
    """The whole web app over https on a loopback port with the webhook mounted, and the bot
    running in webhook mode; answers the services and the webhook's URL."""
    cert_path, key_path = self_signed(folder)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert_path, key_path)
    # Telegram accepts a webhook's self-signed certificate when it is uploaded with setWebhook;
    # the emulator has no upload, so it is given the certificate to trust.
    emulator.webhook_ssl = ssl.create_default_context(cafile=str(cert_path))
    listening = socket.socket()
    listening.bind((LOOPBACK, 0))
    port = listening.getsockname()[1]
    settings = load_settings(
        database_url=database,
        redis_url=os.environ.get("REDIS_URL", ""),
        data_dir=folder / "data",
        public_url=f"https://{LOOPBACK}:{port}",
    )
    services = Services(settings=settings)
    assert uses_webhook(settings)
    bot = Bot(
        TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.base_url or ""))
    )
    services.bot = bot
    dispatcher = build_dispatcher(services)
    app = create_app(services, own_database=False)
    mount_webhook(app, dispatcher, services)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.SockSite(runner, listening, ssl_context=server_tls).start()
        async with run_bot(services, dispatcher):
            yield services, f"{settings.base_url}{WEBHOOK_PATH}"
    finally:
        await runner.cleanup()
        await bot.session.close()


async def test_webhook_mode_answers_start_and_refuses_a_wrong_secret(
    emulator: BotApiEmulator, database: str, tmp_path: Path
) -> None:
    async with webhook_bot(emulator, database, tmp_path) as (services, url):
        hook = emulator.webhook(TOKEN)
        assert hook is not None
        assert hook["url"] == url
        assert hook["secret_token"] == services.settings.webhook_secret.get_secret_value()
        assert not emulator.long_polling(TOKEN)

        emulator.user(5_550_001, "Anna", language_code="en", phone="+79165550001")
        anna = Person(emulator, 5_550_001, "+79165550001")
        await anna.send_text("/start")
        await anna.expect("share your phone number")
        assert emulator.pending_updates(TOKEN) == []

        # Someone else posting an update to the webhook without the secret, or a wrong one.
        update = {
            "update_id": 990_001,
            "message": {
                "message_id": 990_001,
                "date": 1_700_000_000,
                "chat": {"id": anna.id, "type": "private", "first_name": "Anna"},
                "from": {"id": anna.id, "is_bot": False, "first_name": "Anna"},
                "text": "/start",
            },
        }
        answered = len(emulator.sent(anna.id))
        trusted = ssl.create_default_context(cafile=str(tmp_path / "webhook.pem"))
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=trusted)) as http:
            for headers in ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, {}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status in {401, 403}
        # The refused updates were never handled: a real one after them is the next answer.
        await anna.send_text("/menu")
        assert len(emulator.sent(anna.id)) == answered + 1

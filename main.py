"""The one entry point.

python main.py            migrate, then run everything: web server, bot, scheduler, outbox
                          sender (with no BOT_TOKEN the Bot API emulator and its chat page at
                          /sandbox are served by the web app)
python main.py serve      the same as the default
python main.py worker     migrate, then run the scheduler and the outbox sender alone (it
                          serves nothing: with no BOT_TOKEN its emulator is private, on
                          loopback)
python main.py migrate    apply pending database migrations and exit
python main.py demo       migrate, then fill the demo (psychologists with anketas and free
                          times, a manager, clients with sessions, a catalogue) into an empty
                          database; a database that holds it already is left as it is. Refused
                          (exit code 2) with a BOT_TOKEN, and on a database with other data
python main.py backup PATH
                          write a backup of the database to PATH (SQLite: the online backup,
                          safe while the app runs; PostgreSQL: pg_dump -Fc)
python main.py restore PATH
                          replace the database's contents with the backup at PATH, all or
                          nothing (PostgreSQL: pg_restore --clean); exit code 2 when PATH is not
                          a backup. Generated secrets are not in the backup: keep
                          DATA_DIR/secrets.json with it.

With no BOT_TOKEN `serve` fills the demo into an empty database, and the /sandbox page offers
its personas (a client, a psychologist, a manager) in one click. With no BOT_TOKEN `serve`
refuses (exit code 2) to run on a non-loopback HOST or behind an https PUBLIC_URL unless
SANDBOX=1: the sandbox signs in anyone as any user. Every command keeps what it writes private
to the account that runs it (DATA_DIR 0700, the database, secrets and backups 0600). Every
command runs on uvloop's event loop, as the tests do (tests/conftest.py).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import ipaddress
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import uvloop
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

import db
from bot import people
from bot.dispatcher import build_dispatcher
from bot.runtime import mount_webhook, run_bot, uses_webhook
from bot.sender import running_sender
from config import Settings, make_private
from db import backup as backups
from domain.demo import filling as demo
from domain.demo.filling import DemoFill, Outcome
from domain.followup.events import EventLinks
from domain.followup.jobs import cron_jobs
from infra.scheduler import Scheduler
from sandbox import BotApiEmulator, run_emulator
from sandbox.chat import Persona, setup_sandbox_chat
from services import Services, connect_redis
from webapp import read_cache
from webapp.app import create_app
from webapp.conference_providers import google_calendar
from webapp.logs import configure_logging
from webapp.metrics import metrics_app

log = logging.getLogger("main")
SHUTDOWN_TIMEOUT_S = 3.0
# Whatever the process creates (the database and its journals, secrets, backups, folders) is
# its owner's alone; files that existed before are tightened by `keep_files_private`.
PRIVATE_UMASK = 0o077


async def run_migrations(settings: Settings) -> None:
    applied = await db.migrate(settings.database_url)
    log.info("database is up to date (%d migration(s) applied now)", len(applied))


def serves_sandbox_chat(settings: Settings) -> bool:
    """No Telegram and no outside Bot API server: the emulator and /sandbox are ours."""
    return settings.uses_sandbox and not settings.telegram_api_base


def _log_filled(filled: DemoFill, why: str = "") -> None:
    log.info(
        "%sfilled the demo: %d psychologists with %d free times over the next %d days, "
        "%d booked sessions, %d services",
        why,
        filled.psychologists,
        filled.slots,
        demo.DAYS_AHEAD,
        filled.bookings,
        filled.services,
    )


async def prepare_sandbox(settings: Settings) -> tuple[Persona, ...]:
    """With no BOT_TOKEN: the demo, when the database is empty; the /sandbox personas."""
    await db.open_db(settings.database_url)
    try:
        filled = await demo.fill()
        if filled.outcome == Outcome.FILLED:
            _log_filled(filled, "no BOT_TOKEN and an empty database: ")
        if not serves_sandbox_chat(settings):
            return ()
        found = await demo.sandbox_personas()
    finally:
        await db.close_db()
    personas = [
        Persona("client", found.client.telegram_id, found.client.name),
        Persona("manager", found.manager.telegram_id, found.manager.name),
    ]
    if found.psychologist is not None:
        psychologist = found.psychologist
        personas.insert(1, Persona("psychologist", psychologist.telegram_id, psychologist.name))
    return tuple(personas)


async def fill_demo(settings: Settings) -> DemoFill:
    """`python main.py demo`: migrate, then fill the demo into an empty database."""
    await run_migrations(settings)
    await db.open_db(settings.database_url)
    try:
        return await demo.fill()
    finally:
        await db.close_db()


def say_on_stderr(line: str) -> None:
    """A line for the operator, after the log lines before it (the log writes in batches)."""
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stderr.write(f"{line}\n")


def run_demo(settings: Settings) -> int:
    filled = uvloop.run(fill_demo(settings))
    if filled.outcome == Outcome.FILLED:
        _log_filled(filled)
    elif filled.outcome == Outcome.PRESENT:
        log.info("the database already holds the demo; nothing changed")
    else:
        say_on_stderr(
            "demo: the database already holds other data (psychologists, managers or "
            "clients) and the demo goes only into an empty one; nothing changed"
        )
        return 2
    return 0


def make_bot(settings: Settings, api_base: str | None) -> Bot:
    """The bot: Telegram's servers, or the Bot API server at `api_base` (TELEGRAM_API_BASE,
    the emulator)."""
    if not api_base:
        return Bot(settings.telegram_token)
    api = TelegramAPIServer.from_base(api_base)
    return Bot(settings.telegram_token, session=AiohttpSession(api=api))


@contextlib.asynccontextmanager
async def background(services: Services) -> AsyncIterator[None]:
    """The scheduler (cron jobs + due events) and the outbox sender, for the block."""
    settings = services.settings
    assert services.bot is not None
    links = EventLinks(
        preparation_url=settings.preparation_url,
        admin_ids=frozenset(settings.admin_ids),
        calendar=google_calendar(settings),
    )
    async with (
        Scheduler(
            services.signals,
            jobs=cron_jobs(links),
            redis=services.redis,
            event_tick_s=settings.event_tick_s,
            links=links,
            waitlist_offer_min=settings.waitlist_offer_min,
            max_active_bookings=settings.max_active_bookings,
            metrics=services.metrics,
        ),
        running_sender(
            services.bot,
            services.signals,
            rate=settings.send_rate,
            redis=services.redis,
            metrics=services.metrics,
        ),
    ):
        yield


@contextlib.asynccontextmanager
async def serving_metrics(services: Services) -> AsyncIterator[None]:
    """The worker's /metrics on HOST:METRICS_PORT (its sends, cron runs and the backlog are
    counted in this process, not in the web app's); nothing when METRICS_PORT is 0."""
    settings = services.settings
    if not settings.metrics_port:
        yield
        return
    runner = web.AppRunner(metrics_app(services), handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.host, settings.metrics_port).start()
        log.info("metrics on http://%s:%s/metrics", settings.host, settings.metrics_port)
        yield
    finally:
        await runner.cleanup()


def _wait_for_stop_signal() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def serve(settings: Settings) -> None:
    """Run the web server, the bot, the scheduler and the sender until SIGTERM or Ctrl-C,
    then stop within a few seconds."""
    await run_migrations(settings)
    personas = await prepare_sandbox(settings) if settings.uses_sandbox else ()
    services = Services(settings=settings)
    app = create_app(services)
    emulator = None
    if serves_sandbox_chat(settings):
        # No Telegram: the Bot API emulator and its web chat page are served by this app.
        emulator = BotApiEmulator()
        emulator.attach(app)
        setup_sandbox_chat(
            app,
            emulator,
            settings.telegram_token,
            public_url=settings.base_url,
            personas=personas,
        )
    dispatcher = None
    if uses_webhook(settings):
        # Telegram calls us: the webhook route must exist before the app starts.
        services.bot = make_bot(settings, settings.telegram_api_base)
        dispatcher = build_dispatcher(services)
        mount_webhook(app, dispatcher, services)
    runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=SHUTDOWN_TIMEOUT_S)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    host, port = runner.addresses[0][:2]
    log.info("listening on http://%s:%s (public URL %s)", host, port, settings.base_url)
    if services.bot is None:
        api_base = settings.telegram_api_base
        if emulator is not None:
            emulator.base_url = api_base = f"http://{_loopback(host)}:{port}"
            log.info(
                "no BOT_TOKEN: the bot talks to the built-in Bot API emulator; chat with it at "
                "http://%s:%s/sandbox",
                _loopback(host),
                port,
            )
        services.bot = make_bot(settings, api_base)
        dispatcher = build_dispatcher(services)
    if exposure := sandbox_exposure(settings):
        log.warning(
            "SANDBOX=1 and %s: the sandbox is open to others, who can sign in as any user",
            exposure,
        )
    assert dispatcher is not None
    stop = _wait_for_stop_signal()
    try:
        async with background(services), run_bot(services, dispatcher):
            settle_the_heap()
            await stop.wait()
            log.info("stopping")
    finally:
        await services.bot.session.close()
        await runner.cleanup()


def settle_the_heap() -> None:
    """Keep what start-up made (modules, models, routes: it lives as long as the process) out
    of the garbage collector's full passes, which otherwise stall every request in flight for
    their length (bench/README.md)."""
    gc.collect()
    gc.freeze()


def _loopback(host: str) -> str:
    """An address to reach our own server at: a wildcard bind is reached on loopback."""
    if host in {"0.0.0.0", ""}:
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 (also written [::1] or IPv4-mapped) or localhost."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False  # a host name other than localhost may resolve to anything
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def sandbox_exposure(settings: Settings) -> str | None:
    """What would open the sandbox to others as configured, or None. With no BOT_TOKEN the bot's
    token is the sandbox's, which is in the source, and the /sandbox page signs initData for
    any user: whoever reaches the server can act as anyone, admins included."""
    if not settings.uses_sandbox:
        return None
    if not is_loopback(settings.host):
        return f"HOST={settings.host or '(every address)'} is not a loopback address"
    if urlsplit(settings.public_url).scheme.lower() == "https":
        return f"PUBLIC_URL={settings.public_url} is an https address"
    return None


def sandbox_refusal(settings: Settings) -> str | None:
    """The one line `serve` stops with when the sandbox would be open to others and SANDBOX=1
    does not say that is meant."""
    exposure = sandbox_exposure(settings)
    if exposure is None or settings.sandbox:
        return None
    return (
        f"refusing to start: {exposure} and there is no BOT_TOKEN, so the sandbox (it signs "
        "anyone in as any user, admins included) would be open to others; set BOT_TOKEN, or "
        "HOST=127.0.0.1 with an http PUBLIC_URL, or SANDBOX=1 to share the sandbox on purpose"
    )


def keep_files_private(settings: Settings) -> None:
    """From now on the process creates files for its owner only; DATA_DIR, the SQLite database
    with its journal files and the generated secrets left by an earlier run (or by hand) with
    looser modes are tightened."""
    os.umask(PRIVATE_UMASK)
    settings.make_data_dir_private()
    for path in db.sqlite_files(settings.database_url):
        make_private(path)


async def worker(settings: Settings) -> None:
    """Run the scheduler and the outbox sender alone until SIGTERM or Ctrl-C."""
    await run_migrations(settings)
    await db.open_db(settings.database_url)
    services = Services(settings=settings)
    if settings.redis_url:
        services.redis = connect_redis(settings.redis_url)
    try:
        async with contextlib.AsyncExitStack() as stack:
            # the web instances' read caches and the bots' people hear of this process's
            # changes through Redis
            await stack.enter_async_context(
                read_cache.following(
                    services.signals.changes, services.redis, settings.database_url
                )
            )
            await stack.enter_async_context(
                people.announcing(services.signals.changes, services.redis)
            )
            api_base = settings.telegram_api_base
            if settings.uses_sandbox and not api_base:
                emulator = await stack.enter_async_context(run_emulator())
                api_base = emulator.base_url
                log.warning(
                    "no BOT_TOKEN nor TELEGRAM_API_BASE: messages go to a private emulator at "
                    "%s; point TELEGRAM_API_BASE at the web server's to share its sandbox",
                    api_base,
                )
            services.bot = make_bot(settings, api_base)
            stack.push_async_callback(services.bot.session.close)
            stop = _wait_for_stop_signal()
            async with background(services), serving_metrics(services):
                log.info("worker running: scheduler and outbox sender")
                await stop.wait()
                log.info("stopping")
    finally:
        if services.redis is not None:
            await services.redis.aclose()
        await db.close_db()


def build_parser() -> argparse.ArgumentParser:
    # the console script of an installed package (pyproject's [project.scripts]), or main.py
    console = Path(sys.argv[0]).name == "hraniteli"
    parser = argparse.ArgumentParser(
        prog="hraniteli" if console else "python main.py",
        description="Booking platform for an online psychologist service.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("serve", help="migrate, then run the web server (the default)")
    commands.add_parser(
        "worker", help="migrate, then run the scheduler and the outbox sender alone"
    )
    commands.add_parser("migrate", help="apply pending database migrations and exit")
    commands.add_parser(
        "demo",
        help="migrate, then fill the demo into an empty database (refused with a BOT_TOKEN)",
    )
    backup = commands.add_parser(
        "backup", help="write a backup of the database to PATH (safe while the app runs)"
    )
    backup.add_argument("path", metavar="PATH", type=Path)
    restore = commands.add_parser(
        "restore",
        help="replace the database's contents with the backup at PATH (all or nothing)",
    )
    restore.add_argument("path", metavar="PATH", type=Path)
    return parser


def backup_or_restore(command: str, settings: Settings, path: Path) -> int:
    """Run `backup` or `restore`; a refusal is one line on stderr and a non-zero exit code."""
    try:
        if command == "backup":
            size = backups.backup(settings.database_url, path)
            log.info("backed up the database to %s (%d bytes)", path, size)
        else:
            backups.restore(settings.database_url, path)
            log.info("restored the database from %s", path)
    except backups.BackupError as exc:
        say_on_stderr(f"{command}: {exc}")
        return exc.exit_code
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    if args.command in {None, "serve"} and (refusal := sandbox_refusal(settings)):
        say_on_stderr(f"{args.command or 'serve'}: {refusal}")
        return 2
    if args.command == "demo" and not settings.uses_sandbox:
        say_on_stderr(
            "demo: refused: BOT_TOKEN is set, and demo data never goes into a database a "
            "real bot uses"
        )
        return 2
    keep_files_private(settings)
    if args.command in {"backup", "restore"}:
        return backup_or_restore(args.command, settings, args.path)
    settings.fill_generated_secrets()
    if args.command == "migrate":
        uvloop.run(run_migrations(settings))
    elif args.command == "demo":
        return run_demo(settings)
    elif args.command == "worker":
        uvloop.run(worker(settings))
    else:
        uvloop.run(serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())

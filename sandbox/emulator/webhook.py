"""Webhooks: setWebhook, deleteWebhook, getWebhookInfo, and POSTing each update to the bot.

Like Telegram, up to ``max_connections`` updates are in flight at once, a failed delivery is
retried a few times, and a method the webhook answers with is run (aiogram's reply in webhook).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from sandbox.emulator.core import EmulatorCore
from sandbox.emulator.http import read_multipart
from sandbox.emulator.state import ApiError, BotState, JsonDict, Params

logger = logging.getLogger(__name__)

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Webhook(EmulatorCore):
    # -- Bot API methods --------------------------------------------------------------------

    async def _set_webhook(self, bot: BotState, params: Params) -> bool:
        url = params.text("url")
        if not url:
            return await self._delete_webhook(bot, params)
        split = urlsplit(url)
        if split.scheme not in {"http", "https"} or not split.hostname:
            raise ApiError(
                400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
            )
        secret = params.text("secret_token")
        if secret is not None and not _SECRET_RE.match(secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        max_connections = min(max(params.integer("max_connections", 40) or 40, 1), 100)
        await self._stop_webhook(bot)
        if params.flag("drop_pending_updates"):
            bot.pending.clear()
        bot.webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": max_connections,
            "allowed_updates": params.obj("allowed_updates"),
            "ip_address": "127.0.0.1",
        }
        bot.last_error_date = bot.last_error_message = None
        # A long poll still waiting ends with a conflict (polling.py).
        if bot.poll_waiter is not None and not bot.poll_waiter.done():
            bot.poll_waiter.set_result(True)
        if not self._closed:
            bot.webhook_wakeup = asyncio.Event()
            bot.webhook_workers = [
                asyncio.create_task(self._webhook_worker(bot, bot.webhook_wakeup))
                for _ in range(max_connections)
            ]
            if bot.pending:
                bot.webhook_wakeup.set()
        return True

    async def _delete_webhook(self, bot: BotState, params: Params) -> bool:
        await self._stop_webhook(bot)
        bot.webhook = None
        if params.flag("drop_pending_updates"):
            bot.pending.clear()
        return True

    def _get_webhook_info(self, bot: BotState, _params: Params) -> JsonDict:
        info: JsonDict = {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(bot.pending) + len(bot.inflight),
        }
        if bot.webhook is not None:
            info["url"] = bot.webhook["url"]
            info["max_connections"] = bot.webhook["max_connections"]
            info["ip_address"] = bot.webhook["ip_address"]
            if bot.webhook["allowed_updates"]:
                info["allowed_updates"] = bot.webhook["allowed_updates"]
            if bot.last_error_date is not None:
                info["last_error_date"] = bot.last_error_date
                info["last_error_message"] = bot.last_error_message
        return info

    # -- delivery ---------------------------------------------------------------------------

    async def _stop_webhook(self, bot: BotState) -> None:
        workers, bot.webhook_workers = bot.webhook_workers, []
        bot.webhook_wakeup = None
        if not workers:
            return
        # Updates in flight were never confirmed: they stay pending, in order.
        inflight = list(bot.inflight.values())
        bot.inflight.clear()
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if inflight:
            merged = sorted([*inflight, *bot.pending], key=lambda u: u["update_id"])
            bot.pending.clear()
            bot.pending.extend(merged)

    async def _webhook_worker(self, bot: BotState, wakeup: asyncio.Event) -> None:
        while True:
            if not bot.pending:
                wakeup.clear()
                await wakeup.wait()
                continue
            update = bot.pending.popleft()
            update_id = update["update_id"]
            bot.inflight[update_id] = update
            try:
                await self._deliver(bot, update)
            finally:
                bot.inflight.pop(update_id, None)

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            connector = aiohttp.TCPConnector(ssl=self.webhook_ssl or True)
            self._http = aiohttp.ClientSession(connector=connector)
        return self._http

    async def _deliver(self, bot: BotState, update: JsonDict) -> bool:
        """POST an update to the webhook, retrying a few times like Telegram; False if dropped."""
        body = json.dumps(update, ensure_ascii=False).encode()
        for attempt in range(self.webhook_retries + 1):
            if attempt:
                await asyncio.sleep(self.webhook_retry_delay * 2 ** (attempt - 1))
            hook = bot.webhook
            if hook is None:
                return False
            headers = {"Content-Type": "application/json"}
            if hook["secret_token"]:
                headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
            try:
                async with self._client().post(
                    hook["url"],
                    data=body,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                ) as response:
                    if 200 <= response.status < 300:
                        await self._run_webhook_reply(bot, response)
                        return True
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {type(exc).__name__}: {exc}"
            bot.last_error_date = int(time.time())
            bot.last_error_message = error
        logger.warning("sandbox dropped update %s for bot %s", update["update_id"], bot.id)
        return False

    async def _run_webhook_reply(self, bot: BotState, response: aiohttp.ClientResponse) -> None:
        """Telegram runs a method the webhook answers with (aiogram's reply-in-webhook)."""
        params: dict[str, Any]
        if response.content_type == "application/json":
            try:
                body = await response.json(content_type=None)
            except ValueError:
                return
            if not isinstance(body, dict):
                return
            params = body
        elif response.content_type == "multipart/form-data":
            params = await read_multipart(aiohttp.MultipartReader.from_response(response))
        else:
            return
        method = params.pop("method", None)
        if isinstance(method, str) and method:
            # HttpApi.call (http.py): run and logged like a call over HTTP
            await self.call(bot.token, method, params, via="webhook-reply")

"""getUpdates: how a bot without a webhook takes its updates (long polling)."""

from __future__ import annotations

import asyncio
import itertools

from sandbox.emulator.core import EmulatorCore
from sandbox.emulator.state import ApiError, BotState, JsonDict, Params

MAX_POLL_TIMEOUT = 50
_GETUPDATES_WITH_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_GETUPDATES_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)


class Polling(EmulatorCore):
    async def _get_updates(self, bot: BotState, params: Params) -> list[JsonDict]:
        if bot.webhook is not None:
            raise ApiError(409, _GETUPDATES_WITH_WEBHOOK)
        offset = params.integer("offset", 0) or 0
        limit = min(max(params.integer("limit", 100) or 100, 1), 100)
        timeout = min(max(params.integer("timeout", 0) or 0, 0), MAX_POLL_TIMEOUT)
        pending = bot.pending
        if offset > 0:
            # An offset confirms every earlier update: Telegram forgets them.
            while pending and pending[0]["update_id"] < offset:
                pending.popleft()
        elif offset < 0:
            while len(pending) > -offset:
                pending.popleft()
        previous = bot.poll_waiter
        if previous is not None and not previous.done():
            # Like Telegram, a new getUpdates ends the one still waiting.
            previous.set_result(False)
        if not pending and timeout and not self._closed:
            waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
            bot.poll_waiter = waiter
            try:
                async with asyncio.timeout(timeout):
                    still_current = await waiter
            except TimeoutError:
                still_current = True
            finally:
                if bot.poll_waiter is waiter:
                    bot.poll_waiter = None
            if not still_current:
                raise ApiError(409, _GETUPDATES_CONFLICT)
            # setWebhook during the wait ends it (webhook.py).
            if bot.webhook is not None:
                raise ApiError(409, _GETUPDATES_WITH_WEBHOOK)
        if len(pending) <= limit:
            return list(pending)
        return list(itertools.islice(pending, limit))

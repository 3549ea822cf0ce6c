"""Making the Bot API misbehave on purpose: injected errors, latency and rate limits.

``HttpApi.call`` (http.py) applies the latency and the injected errors to every call;
``MessageMethods._send`` (messages.py) applies the rate limits to every message sent.
"""

from __future__ import annotations

import math
from http import HTTPStatus

from sandbox.emulator.core import EmulatorCore
from sandbox.emulator.state import ApiError, BotState, ChatState, Fault, Params


def _default_description(status: int, retry_after: int | None) -> str:
    if status == 429:
        return f"Too Many Requests: retry after {retry_after}"
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class FaultInjection(EmulatorCore):
    def fail_next(
        self,
        method: str,
        status: int,
        count: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
        *,
        chat_id: int | None = None,
        token: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` answer an error instead of running.

        429 carries ``parameters.retry_after`` (1 s unless given); other statuses carry
        Telegram's description for them ("Bad Gateway" for 502). ``chat_id`` / ``token``
        restrict the fault to calls for that chat / bot.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        fault = Fault(
            status=status,
            remaining=count,
            retry_after=retry_after if status == 429 else None,
            description=description or _default_description(status, retry_after),
            chat_id=chat_id,
            token=token,
        )
        self._faults.setdefault(method.lower(), []).append(fault)

    def clear_faults(self) -> None:
        """Forget every pending injected failure, block and limit."""
        self._faults.clear()
        self._blocked_everywhere.clear()
        for bot in self._bots.values():
            bot.blocked.clear()
        self._per_chat_limit = self._overall_limit = None
        self._latency = 0.0

    def set_latency(self, seconds: float) -> None:
        """Delay every Bot API answer by ``seconds``."""
        self._latency = max(0.0, seconds)

    def set_rate_limits(self, per_chat: int | None = None, overall: int | None = None) -> None:
        """Answer 429 beyond ``per_chat`` / ``overall`` (per bot) messages in any 1 s window."""
        self._per_chat_limit = per_chat
        # _check_rate reads times[-limit] of BotState.recent_sends, which keeps the last 4096
        self._overall_limit = min(overall, 4096) if overall else None

    def _take_fault(self, name: str, bot: BotState, params: Params) -> None:
        """Raise the first injected fault that matches this call, counting it down."""
        faults = self._faults.get(name.lower())
        if not faults:
            return
        for fault in faults:
            if fault.token is not None and fault.token != bot.token:
                continue
            if fault.chat_id is not None and str(params.value("chat_id")) != str(fault.chat_id):
                continue
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.remove(fault)
            raise fault.error()

    def _check_rate(self, bot: BotState, chat: ChatState, now: float) -> None:
        for limit, times in (
            (self._per_chat_limit, chat.send_times),
            (self._overall_limit, bot.recent_sends),
        ):
            if limit and len(times) >= limit and now - times[-limit] < 1.0:
                retry_after = max(1, math.ceil(1.0 - (now - times[-limit])))
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

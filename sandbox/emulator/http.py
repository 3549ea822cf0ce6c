"""The bot side's door: Telegram's URLs, a call's parameters, running the method, the call log.

Which handler runs each Bot API method is listed in ``HttpApi._methods``; the handlers live in
messages.py, polling.py, webhook.py and bot_settings.py.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import logging
import time
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.emulator.core import EmulatorCore
from sandbox.emulator.state import ApiError, Handler, JsonDict, Params, UploadedFile

logger = logging.getLogger(__name__)


class HttpApi(EmulatorCore):
    def routes(self) -> list[web.RouteDef]:
        """Telegram's URL layout: ``/bot{token}/{method}`` and ``/file/bot{token}/{path}``."""
        return [
            web.post("/bot{token}/{method}", self._handle),
            web.get("/bot{token}/{method}", self._handle),
            web.get("/file/bot{token}/{path:.+}", self._handle_file),
        ]

    @functools.cached_property
    def _methods(self) -> dict[str, tuple[str, Handler]]:
        """Each known method by its lower-case name (Telegram ignores the case of a method
        name): its proper name, which the call log shows, and its handler."""
        handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "logOut": self._ok,
            "close": self._ok,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "setMyName": self._profile_setter("name"),
            "getMyName": self._profile_getter("name"),
            "setMyDescription": self._profile_setter("description"),
            "getMyDescription": self._profile_getter("description"),
            "setMyShortDescription": self._profile_setter("short_description"),
            "getMyShortDescription": self._profile_getter("short_description"),
            "getChat": self._get_chat,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
        }
        return {name.lower(): (name, handler) for name, handler in handlers.items()}

    async def _handle(self, request: web.Request) -> web.Response:
        try:
            params = await self._read_params(request)
        except ApiError as exc:
            return self._response(exc.status, exc.payload())
        status, payload = await self.call(
            request.match_info["token"], request.match_info["method"], params
        )
        return self._response(status, payload)

    @staticmethod
    def _response(status: int, payload: JsonDict) -> web.Response:
        return web.Response(
            text=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            status=status,
            content_type="application/json",
        )

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        path = request.match_info["path"]
        stored = next((f for f in self._files.values() if f["file_path"] == path), None)
        if token not in self._bots or stored is None or stored.get("data") is None:
            return self._response(404, ApiError(404, "Not Found").payload())
        return web.Response(body=stored["data"], content_type="application/octet-stream")

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query) if request.query_string else {}
        if not request.body_exists:
            return params
        content_type = request.content_type
        if content_type == "application/json":
            try:
                body = await request.json()
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON request body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: JSON request body must be an object")
            params.update(body)
        elif content_type == "multipart/form-data":
            reader = await request.multipart()
            params.update(await read_multipart(reader))
        else:
            params.update(await request.post())
        return params

    async def call(
        self, token: str, method: str, params: dict[str, Any], *, via: str = "http"
    ) -> tuple[int, JsonDict]:
        """Run one Bot API method; answer (HTTP status, Telegram-shaped body)."""
        name = method
        bot_id: int | None = None
        status = 200
        try:
            if self._latency:
                await asyncio.sleep(self._latency)
            bot = self._bot_for_token(token)
            bot_id = bot.id
            entry = self._methods.get(method.lower())
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            name, handler = entry
            call_params = Params(params)
            if self._faults:
                self._take_fault(name, bot, call_params)
            result = handler(bot, call_params)
            if inspect.isawaitable(result):
                result = await result
            payload: JsonDict = {"ok": True, "result": result}
        except ApiError as exc:
            status = exc.status
            payload = exc.payload()
        except Exception as exc:
            logger.exception("sandbox emulator failed on %s", method)
            status = 500
            payload = ApiError(500, f"Internal Server Error: {exc!r}").payload()
        entry_log: JsonDict = {
            "method": name,
            "bot_id": bot_id,
            "params": params,
            "time": time.monotonic(),
            "status": status,
            "via": via,
        }
        if status != 200:
            entry_log["description"] = payload["description"]
        self._log.append(entry_log)
        if self._change is not None:
            self._changed()
        return status, payload


async def read_multipart(reader: aiohttp.MultipartReader) -> dict[str, Any]:
    """A multipart body's fields: text as str, files as ``UploadedFile``."""
    fields: dict[str, Any] = {}
    async for part in reader:
        if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            data = await part.read(decode=True)
            content_type = part.headers.get(aiohttp.hdrs.CONTENT_TYPE, "application/octet-stream")
            fields[part.name] = UploadedFile(part.filename, bytes(data), content_type)
        else:
            fields[part.name] = await part.text()
    return fields

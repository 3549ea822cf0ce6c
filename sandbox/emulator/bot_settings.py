"""Bot API methods about the bot itself and its chats rather than messages.

getMe, logOut, close, setMyCommands, getMyCommands, deleteMyCommands, setChatMenuButton,
getChatMenuButton, set/getMyName, set/getMyDescription, set/getMyShortDescription, getChat.
"""

from __future__ import annotations

import json
import re

from sandbox.emulator.checks import check_url
from sandbox.emulator.core import EmulatorCore
from sandbox.emulator.state import ApiError, BotState, Handler, JsonDict, Params

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
# The scopes that name one chat.
_CHAT_SCOPES = frozenset({"chat", "chat_administrators", "chat_member"})
# Telegram's limits on the bot's profile texts, in characters.
_PROFILE_LIMITS = {"name": 64, "description": 512, "short_description": 120}


class BotSettings(EmulatorCore):
    @staticmethod
    def _ok(_bot: BotState, _params: Params) -> bool:
        return True

    @staticmethod
    def _get_me(bot: BotState, _params: Params) -> JsonDict:
        return bot.user

    # -- commands ---------------------------------------------------------------------------

    @staticmethod
    def _commands_key(params: Params) -> str:
        """Commands are set per scope and language: the two make the key."""
        scope = params.obj("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        language = params.text("language_code", "") or ""
        return json.dumps([scope, language], sort_keys=True)

    def _check_scope_chat(self, bot: BotState, params: Params) -> None:
        """A chat's scope names a chat the bot knows (Telegram: "chat not found" for someone
        who never opened the bot)."""
        scope = params.obj("scope")
        if isinstance(scope, dict) and scope.get("type") in _CHAT_SCOPES:
            try:
                chat_id = int(str(scope.get("chat_id")))
            except (TypeError, ValueError):
                raise ApiError(400, "Bad Request: chat not found") from None
            if self._chat(bot, chat_id) is None:
                raise ApiError(400, "Bad Request: chat not found")

    def _set_my_commands(self, bot: BotState, params: Params) -> bool:
        self._check_scope_chat(bot, params)
        commands = params.obj("commands", "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: commands must be a list of up to 100 BotCommand")
        cleaned: list[JsonDict] = []
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            description = str(command.get("description", "")) if isinstance(command, dict) else ""
            if not _COMMAND_RE.match(name):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = self._commands_key(params)
        if cleaned:
            bot.commands[key] = cleaned
        else:
            bot.commands.pop(key, None)
        return True

    def _get_my_commands(self, bot: BotState, params: Params) -> list[JsonDict]:
        self._check_scope_chat(bot, params)
        return bot.commands.get(self._commands_key(params), [])

    def _delete_my_commands(self, bot: BotState, params: Params) -> bool:
        self._check_scope_chat(bot, params)
        bot.commands.pop(self._commands_key(params), None)
        return True

    # -- menu button ------------------------------------------------------------------------

    def _set_chat_menu_button(self, bot: BotState, params: Params) -> bool:
        chat_id = params.integer("chat_id")
        if chat_id is not None and self._chat(bot, chat_id) is None:
            raise ApiError(400, "Bad Request: chat not found")
        button = params.obj("menu_button", "menu button") or {"type": "default"}
        kind = button.get("type") if isinstance(button, dict) else None
        if kind == "web_app":
            web_app = button.get("web_app")
            if not button.get("text") or not isinstance(web_app, dict) or not web_app.get("url"):
                raise ApiError(400, "Bad Request: BUTTON_TEXT_INVALID")
            check_url(web_app["url"], f"Web App URL '{web_app['url']}'")
        elif kind not in {"default", "commands"}:
            raise ApiError(400, "Bad Request: can't parse menu button JSON object")
        if kind == "default" and chat_id is not None:
            bot.menu_buttons.pop(chat_id, None)
        else:
            bot.menu_buttons[chat_id] = button
        return True

    def _get_chat_menu_button(self, bot: BotState, params: Params) -> JsonDict:
        chat_id = params.integer("chat_id")
        if chat_id is not None and chat_id in bot.menu_buttons:
            return bot.menu_buttons[chat_id]
        return bot.menu_buttons.get(None, {"type": "default"})

    # -- profile texts ----------------------------------------------------------------------

    def _profile_setter(self, key: str) -> Handler:
        """setMyName, setMyDescription or setMyShortDescription, per language."""

        def setter(bot: BotState, params: Params) -> bool:
            language = params.text("language_code", "") or ""
            value = params.text(key, "") or ""
            if len(value) > _PROFILE_LIMITS[key]:
                raise ApiError(400, f"Bad Request: {key} is too long")
            if value:
                bot.profile[f"{key}:{language}"] = value
            else:
                bot.profile.pop(f"{key}:{language}", None)
            return True

        return setter

    def _profile_getter(self, key: str) -> Handler:
        """getMyName, getMyDescription or getMyShortDescription, per language."""

        def getter(bot: BotState, params: Params) -> JsonDict:
            language = params.text("language_code", "") or ""
            default = bot.user["first_name"] if key == "name" else ""
            value = bot.profile.get(f"{key}:{language}", bot.profile.get(f"{key}:", default))
            return {key: value}

        return getter

    # -- chats ------------------------------------------------------------------------------

    def _get_chat(self, bot: BotState, params: Params) -> JsonDict:
        chat = self._target(bot, params, sending=False)
        return {
            **chat.chat,
            "accent_color_id": int(chat.chat["id"]) % 7,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

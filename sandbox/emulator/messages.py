"""Bot API methods that send, edit and delete messages; what they check is in checks.py.

sendMessage, sendPhoto, sendDocument, getFile, editMessageText, editMessageCaption,
editMessageReplyMarkup, deleteMessage, deleteMessages, answerCallbackQuery, sendChatAction.
"""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from sandbox.emulator.checks import formatted_text, reply_markup
from sandbox.emulator.core import EmulatorCore
from sandbox.emulator.state import (
    ApiError,
    BotState,
    ChatState,
    JsonDict,
    Params,
    UploadedFile,
    public_view,
)

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_INVALID = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)


class MessageMethods(EmulatorCore):
    # -- what every method shares -----------------------------------------------------------

    def _common_fields(self, chat: ChatState, params: Params, fields: JsonDict) -> JsonDict:
        """reply_markup, reply_parameters and protect_content, shared by every send method."""
        markup = reply_markup(params)
        reply = params.obj("reply_parameters")
        legacy_reply = params.integer("reply_to_message_id")
        if reply is None and legacy_reply is not None:
            reply = {"message_id": legacy_reply}
        if isinstance(reply, dict) and reply.get("message_id") is not None:
            reply_chat = reply.get("chat_id")
            if reply_chat is not None and str(reply_chat) != str(chat.chat["id"]):
                raise ApiError(400, "Bad Request: message to be replied not found")
            target = chat.messages.get(int(reply["message_id"]))
            if target is not None:
                replied = {k: v for k, v in public_view(target).items() if k != "reply_to_message"}
                fields["reply_to_message"] = replied
            elif not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
        if params.flag("protect_content"):
            fields["has_protected_content"] = True
        if markup is not None:
            fields["reply_markup"] = markup
        return fields

    def _send(self, bot: BotState, chat: ChatState, fields: JsonDict) -> JsonDict:
        """Store a bot message after the rate checks; answer its public form."""
        now = time.monotonic()
        if self._per_chat_limit or self._overall_limit:
            self._check_rate(bot, chat, now)
        message = self._store(chat, bot.sender, fields)
        chat.send_times.append(now)
        if len(chat.send_times) > 2 * self.history_limit:
            del chat.send_times[: -self.history_limit]
        bot.recent_sends.append(now)
        markup = fields.get("reply_markup")
        if markup is not None:
            if "keyboard" in markup:
                chat.keyboard = markup
            elif markup.get("remove_keyboard"):
                chat.keyboard = None
        self._notify("message", bot, chat.chat["id"], message=message)
        return public_view(message)

    def _bot_message(
        self, bot: BotState, params: Params, *, action: str
    ) -> tuple[ChatState, JsonDict]:
        if params.value("inline_message_id") is not None:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        chat = self._target(bot, params, sending=action == "edit")
        message_id = params.integer("message_id")
        if message_id is None:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        if action == "edit" and not message["from"].get("is_bot"):
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, message

    def _store_file(self, params: Params, name: str, kind: str) -> JsonDict:
        value = params.value(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.value(value.removeprefix("attach://"))
        if isinstance(value, UploadedFile):
            number = next(self._file_ids)
            stored = {
                "file_id": f"SBX-{kind}-{number}",
                "file_unique_id": f"SBXU{number}",
                "file_size": len(value.data),
                "file_path": f"{kind}s/file_{number}",
                "file_name": value.filename,
                "mime_type": value.content_type,
                "data": value.data,
            }
            self._files[stored["file_id"]] = stored
            return stored
        if isinstance(value, str):
            if value in self._files:
                return self._files[value]
            if urlsplit(value).scheme in {"http", "https"}:
                number = next(self._file_ids)
                stored = {
                    "file_id": f"SBX-{kind}-{number}",
                    "file_unique_id": f"SBXU{number}",
                    "file_path": f"{kind}s/file_{number}",
                    "file_name": value.rsplit("/", 1)[-1] or "file",
                    "data": None,
                }
                self._files[stored["file_id"]] = stored
                return stored
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        raise ApiError(400, f"Bad Request: there is no {name} in the request")

    # -- sending ----------------------------------------------------------------------------

    def _send_message(self, bot: BotState, params: Params) -> JsonDict:
        chat = self._target(bot, params)
        text, entities = formatted_text(params, "text", "entities")
        fields: JsonDict = {"text": text}
        if entities:
            fields["entities"] = entities
        preview = params.obj("link_preview_options")
        if preview:
            fields["link_preview_options"] = preview
        elif params.flag("disable_web_page_preview"):
            fields["link_preview_options"] = {"is_disabled": True}
        return self._send(bot, chat, self._common_fields(chat, params, fields))

    def _send_media(self, bot: BotState, params: Params, kind: str) -> JsonDict:
        chat = self._target(bot, params)
        stored = self._store_file(params, kind, kind)
        caption, entities = formatted_text(params, "caption", "caption_entities", caption=True)
        ids = {"file_id": stored["file_id"], "file_unique_id": stored["file_unique_id"]}
        if kind == "photo":
            fields: JsonDict = {
                "photo": [
                    {**ids, "width": 90, "height": 60},
                    {**ids, "width": 800, "height": 533},
                ]
            }
        else:
            fields = {"document": {**ids, "file_name": stored["file_name"]}}
            if stored.get("file_size") is not None:
                fields["document"]["file_size"] = stored["file_size"]
        if caption:
            fields["caption"] = caption
            if entities:
                fields["caption_entities"] = entities
        return self._send(bot, chat, self._common_fields(chat, params, fields))

    def _send_photo(self, bot: BotState, params: Params) -> JsonDict:
        return self._send_media(bot, params, "photo")

    def _send_document(self, bot: BotState, params: Params) -> JsonDict:
        return self._send_media(bot, params, "document")

    def _get_file(self, _bot: BotState, params: Params) -> JsonDict:
        stored = self._files.get(params.text("file_id") or "")
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            key: stored[key]
            for key in ("file_id", "file_unique_id", "file_size", "file_path")
            if stored.get(key) is not None
        }

    def _send_chat_action(self, bot: BotState, params: Params) -> bool:
        chat = self._target(bot, params)
        action = params.text("action")
        if action not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        chat.actions.append(action)
        return True

    # -- editing and deleting ---------------------------------------------------------------

    def _edit_message_text(self, bot: BotState, params: Params) -> JsonDict:
        chat, message = self._bot_message(bot, params, action="edit")
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities = formatted_text(params, "text", "entities")
        markup = reply_markup(params, inline_only=True)
        new = {
            k: v
            for k, v in message.items()
            if k not in {"text", "entities", "reply_markup", "link_preview_options"}
        }
        new["text"] = text
        if entities:
            new["entities"] = entities
        # Telegram drops the inline keyboard of an edited message unless it is sent again.
        if markup is not None:
            new["reply_markup"] = markup
        preview = params.obj("link_preview_options") or message.get("link_preview_options")
        if preview:
            new["link_preview_options"] = preview
        if all(new.get(k) == message.get(k) for k in ("text", "entities", "reply_markup")):
            raise ApiError(400, _NOT_MODIFIED)
        return public_view(self._replace(bot, chat, message, new))

    def _edit_message_caption(self, bot: BotState, params: Params) -> JsonDict:
        chat, message = self._bot_message(bot, params, action="edit")
        if "photo" not in message and "document" not in message:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption, entities = formatted_text(params, "caption", "caption_entities", caption=True)
        markup = reply_markup(params, inline_only=True)
        new = {
            k: v
            for k, v in message.items()
            if k not in {"caption", "caption_entities", "reply_markup"}
        }
        if caption:
            new["caption"] = caption
        if entities:
            new["caption_entities"] = entities
        if markup is not None:
            new["reply_markup"] = markup
        if all(
            new.get(k) == message.get(k) for k in ("caption", "caption_entities", "reply_markup")
        ):
            raise ApiError(400, _NOT_MODIFIED)
        return public_view(self._replace(bot, chat, message, new))

    def _edit_message_reply_markup(self, bot: BotState, params: Params) -> JsonDict:
        chat, message = self._bot_message(bot, params, action="edit")
        markup = reply_markup(params, inline_only=True)
        if markup == message.get("reply_markup"):
            raise ApiError(400, _NOT_MODIFIED)
        new = {k: v for k, v in message.items() if k != "reply_markup"}
        if markup is not None:
            new["reply_markup"] = markup
        return public_view(self._replace(bot, chat, message, new))

    def _delete_message(self, bot: BotState, params: Params) -> bool:
        chat, message = self._bot_message(bot, params, action="delete")
        self._remove(bot, chat, message["message_id"])
        return True

    def _delete_messages(self, bot: BotState, params: Params) -> bool:
        chat = self._target(bot, params, sending=False)
        ids = params.obj("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise ApiError(400, "Bad Request: message_ids must be a list of 1-100 identifiers")
        for message_id in ids:
            if int(message_id) in chat.messages:
                self._remove(bot, chat, int(message_id))
        return True

    def _remove(self, bot: BotState, chat: ChatState, message_id: int) -> None:
        chat.deleted[message_id] = chat.messages.pop(message_id)
        if len(chat.deleted) > self.history_limit:
            del chat.deleted[next(iter(chat.deleted))]
        self._notify("deleted", bot, chat.chat["id"], message_id=message_id)

    # -- callback queries -------------------------------------------------------------------

    def _answer_callback_query(self, bot: BotState, params: Params) -> bool:
        query_id = params.text("callback_query_id")
        query = bot.queries.get(query_id or "")
        if query is None or query["answered"]:
            raise ApiError(400, _QUERY_INVALID)
        text = params.text("text")
        if text is not None and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        query["answered"] = True
        answer = {
            "callback_query_id": query_id,
            "bot_id": bot.id,
            "user_id": query["user_id"],
            "text": text,
            "show_alert": params.flag("show_alert"),
            "url": params.text("url"),
            "cache_time": params.integer("cache_time", 0),
            "time": time.monotonic(),
        }
        self._answers.append(answer)
        self._notify("callback_answer", bot, query["user_id"], answer=answer)
        return True

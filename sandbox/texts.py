"""The /sandbox page's own labels and hints, in Russian and English."""

from __future__ import annotations

# The sandbox is a developer tool: its own few labels live here, not in the product's catalogs.
PAGE_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Sandbox chat",
        "user": "User",
        "new_user": "New user",
        "id": "Id",
        "first_name": "First name",
        "language": "Bot language",
        "phone": "Phone",
        "create": "Create",
        "cancel": "Cancel",
        "no_user": "Pick a persona or a user, or create one, to start chatting.",
        "placeholder": "Message",
        "send": "Send",
        "menu": "Menu",
        "share_contact": "Share contact",
        "open_tab": "Open in a new tab",
        "close": "Close",
        "edited": "edited",
        "contact": "Contact",
        "photo": "Photo",
        "document": "Document",
        "web_app_data": "Data from the mini app",
        "offline": "Reconnecting…",
        "unsupported": "The sandbox cannot do this",
        "personas": "Try it as",
        "persona_client": "Client",
        "persona_psychologist": "Psychologist",
        "persona_manager": "Manager",
        "hint_client": "Send /start, share the contact, then «Записаться»: a topic, a price, "
        "a psychologist, a time.",
        "hint_psychologist": "Send /start and open «Редактор расписания»: the week, booked "
        "sessions, new free times.",
        "hint_manager": "Send /start and open the board: sessions by status; drag a card to "
        "confirm it.",
    },
    "ru": {
        "title": "Песочница",
        "user": "Пользователь",
        "new_user": "Новый пользователь",
        "id": "Id",
        "first_name": "Имя",
        "language": "Язык бота",
        "phone": "Телефон",
        "create": "Создать",
        "cancel": "Отмена",
        "no_user": "Выберите персонажа или пользователя либо создайте нового, чтобы начать чат.",
        "placeholder": "Сообщение",
        "send": "Отправить",
        "menu": "Меню",
        "share_contact": "Отправить контакт",
        "open_tab": "Открыть в новой вкладке",
        "close": "Закрыть",
        "edited": "изменено",
        "contact": "Контакт",
        "photo": "Фото",
        "document": "Документ",
        "web_app_data": "Данные из мини-приложения",
        "offline": "Переподключение…",
        "unsupported": "Песочница так не умеет",
        "personas": "Попробуйте как",
        "persona_client": "Клиент",
        "persona_psychologist": "Психолог",
        "persona_manager": "Менеджер",
        "hint_client": "Отправьте /start, поделитесь контактом и нажмите «Записаться»: тема, "
        "цена, психолог, время.",
        "hint_psychologist": "Отправьте /start и откройте «Редактор расписания»: неделя, "
        "записи клиентов, новые окна.",
        "hint_manager": "Отправьте /start и откройте доску: записи по статусам; перетащите "
        "карточку, чтобы подтвердить.",
    },
}

"""The bot's routers, in the order the dispatcher tries them."""

from aiogram import Router

from bot.handlers import (
    booking,
    common,
    fallback,
    help_hand,
    manager,
    psychologist,
    reviews,
    sessions,
    start,
)


def get_routers() -> list[Router]:
    return [
        common.router,
        start.router,
        reviews.router,
        booking.router,
        sessions.router,
        help_hand.router,
        psychologist.router,
        manager.router,
        fallback.router,
    ]

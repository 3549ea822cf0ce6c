"""The bot's routers, in the order the dispatcher tries them."""

from aiogram import Router

from bot.handlers import (
    booking,
    calendar,
    common,
    fallback,
    guide,
    help_hand,
    invite,
    manager,
    psychologist,
    reviews,
    series,
    sessions,
    start,
    timezone,
    waitlist,
)


def get_routers() -> list[Router]:
    """Routers built afresh on each call: each dispatcher gets its own (a router has one
    parent), so one process may build several."""
    return [
        common.router(),
        guide.router(),
        invite.router(),
        start.router(),
        timezone.router(),
        reviews.router(),
        calendar.router(),
        booking.router(),
        series.router(),
        waitlist.router(),
        sessions.router(),
        help_hand.router(),
        psychologist.router(),
        manager.router(),
        fallback.router(),
    ]

"""A weekly series in the bot: "every week" under a held time, the weeks chosen, the dates
booked and skipped in the client's zone; in /sessions the rest of the series cancelled."""

from __future__ import annotations

from collections.abc import Callable

from db.enums import Actor, AppointmentStatus
from db.models import Appointment, Slot, Ticket
from domain.audit import Initiator
from domain.booking import series
from domain.timerules import client_zone
from tests.harness.bot_users import Person, free_times_of, register
from tests.harness.builders import make_bookable_psychologist

WEEK_HOURS = 24 * 7


async def test_every_week_for_four_weeks_books_and_lists_the_dates(
    person: Callable[..., Person],
) -> None:
    # the third week has no free time at that weekday and hour
    await make_bookable_psychologist(
        "Maria Ivanova", slots_at=[50 + WEEK_HOURS * week for week in (0, 1, 3)]
    )
    anna = person("en")
    client = await register(anna, "Asia/Yekaterinburg")
    week, slot_button = await free_times_of(anna, "Maria Ivanova")
    await anna.click(slot_button["text"], week["message_id"])
    held = await anna.expect("held for you until")

    await anna.click("🔁 Every week", held["message_id"])
    await anna.expect("For how many weeks?")
    await anna.click("4 weeks", held["message_id"])
    booked = await anna.expect("You are booked every week with Maria Ivanova")

    rows = await Appointment.filter(client_id=client.id).order_by("starts_at")
    assert len(rows) == 3 and len({a.series_id for a in rows}) == 1
    # the request is the first session's: a reassignment of it moves that one alone
    assert await Ticket.exists(id=rows[0].ticket_id)
    assert [a.ticket_id for a in rows[1:]] == [None, None]
    zone = client_zone("Asia/Yekaterinburg")
    for appointment in rows:
        assert f"{appointment.starts_at.astimezone(zone):%d.%m %H:%M}" in booked["text"]
    assert "(Yekaterinburg)" in booked["text"]
    # the psychologist's local day of the week skipped
    skipped = (rows[1].starts_at + (rows[1].starts_at - rows[0].starts_at)).astimezone(
        client_zone("Europe/Moscow")
    )
    assert f"No free time in the weeks of {skipped:%d.%m}" in booked["text"]


async def test_the_rest_of_a_series_is_cancelled_from_my_sessions(
    person: Callable[..., Person],
) -> None:
    maria = await make_bookable_psychologist(
        "Maria Ivanova", slots_at=[50 + WEEK_HOURS * week for week in range(4)]
    )
    anna = person("en")
    client = await register(anna)
    first = await Slot.filter(psychologist_id=maria.id).order_by("starts_at").first()
    assert first is not None
    await series.book_series(
        client.id, first.id, 4, Initiator(Actor.CLIENT), require_own_hold=False
    )

    await anna.send_text("/sessions")
    listing = await anna.expect("Your upcoming sessions")
    marked = [b["text"] for b in anna.buttons(listing) if b["text"].startswith("↻ ")]
    assert len(marked) == 4
    await anna.click(marked[0], listing["message_id"])
    view = await anna.expect("One of your weekly series")
    await anna.click("❌ Cancel the rest of the series", view["message_id"])
    ask = await anna.expect("Cancel every session of this weekly series")
    assert await Appointment.filter(status=AppointmentStatus.CANCELLED).count() == 0
    await anna.click("Yes, cancel the rest", ask["message_id"])
    await anna.expect("is cancelled: 4 sessions")

    statuses = {a.status for a in await Appointment.filter(client_id=client.id)}
    assert statuses == {AppointmentStatus.CANCELLED}

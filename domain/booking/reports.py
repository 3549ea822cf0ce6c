"""Simple KPIs of a period of MSK days, for the managers' reports and charts.

- new_requests: requests (tickets) made in the period; new_appointments: bookings made;
- of the appointments whose session falls in the period: completed_percent (completed of
  all), cancellations (auto_cancellations among them), no_shows, late_cancellations (a
  client's cancel LATE_CANCEL_HOURS or less before the start) and late_cancel_percent (of
  all those appointments, whatever their status);
- repeat_visits_percent: of the clients with a completed session in the period, those with
  an earlier completed session too;
- per psychologist: slots offered, sessions booked (not cancelled), completed, load percent,
  late cancellations and their percent of the psychologist's appointments;
- the form funnel: per form type, how many forms reached each step;
- a daily series of the same counts for charts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tortoise.functions import Count

from db.enums import AppointmentStatus
from db.models import Appointment, FormTracking, Psychologist, Slot, Ticket
from domain.timerules import MSK, period, range_bounds

MAX_REPORT_DAYS = 366


@dataclass(frozen=True, slots=True)
class PsychologistLoad:
    psychologist_id: int
    name: str
    slots: int
    booked: int
    completed: int
    load_percent: float
    late_cancellations: int
    late_cancel_percent: float


@dataclass(frozen=True, slots=True)
class FunnelStep:
    step: str
    count: int


@dataclass(frozen=True, slots=True)
class ReportDay:
    date: date
    new_requests: int
    new_appointments: int
    appointments: int
    completed: int
    cancelled: int
    no_show: int


@dataclass(frozen=True, slots=True)
class Kpis:
    date_from: date
    date_to: date
    new_requests: int
    new_appointments: int
    appointments: int
    completed: int
    completed_percent: float
    repeat_visits_percent: float
    cancellations: int
    auto_cancellations: int
    no_shows: int
    late_cancellations: int
    late_cancel_percent: float
    psychologists: list[PsychologistLoad]
    funnel: dict[str, list[FunnelStep]]
    daily: list[ReportDay]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


async def _repeat_visits(start: Any, end: Any) -> float:
    visits = Counter(
        await Appointment.filter(
            status=AppointmentStatus.COMPLETED, starts_at__gte=start, starts_at__lt=end
        ).values_list("client_id", flat=True)
    )
    if not visits:
        return 0.0
    returning = {client for client, count in visits.items() if count > 1}
    returning.update(
        await Appointment.filter(
            status=AppointmentStatus.COMPLETED, starts_at__lt=start, client_id__in=list(visits)
        ).values_list("client_id", flat=True)
    )
    return _percent(len(returning), len(visits))


async def _load(start: Any, end: Any) -> list[PsychologistLoad]:
    slots = dict(
        await Slot.filter(starts_at__gte=start, starts_at__lt=end)
        .group_by("psychologist_id")
        .annotate(n=Count("id"))
        .values_list("psychologist_id", "n")
    )
    sessions: dict[int, Counter[str]] = defaultdict(Counter)
    late: Counter[int] = Counter()
    for psychologist_id, status, late_cancel, n in (
        await Appointment.filter(starts_at__gte=start, starts_at__lt=end)
        .group_by("psychologist_id", "status", "late_cancel")
        .annotate(n=Count("id"))
        .values_list("psychologist_id", "status", "late_cancel", "n")
    ):
        sessions[psychologist_id][status] += n
        late[psychologist_id] += n if late_cancel else 0
    names = dict(
        await Psychologist.filter(id__in=list(set(slots) | set(sessions))).values_list(
            "id", "name"
        )
    )
    load = []
    for psychologist_id, name in sorted(names.items(), key=lambda item: item[1]):
        counts = sessions[psychologist_id]
        booked = sum(counts.values()) - counts[AppointmentStatus.CANCELLED]
        offered = slots.get(psychologist_id, 0)
        load.append(
            PsychologistLoad(
                psychologist_id=psychologist_id,
                name=name,
                slots=offered,
                booked=booked,
                completed=counts[AppointmentStatus.COMPLETED],
                load_percent=_percent(booked, offered),
                late_cancellations=late[psychologist_id],
                late_cancel_percent=_percent(late[psychologist_id], sum(counts.values())),
            )
        )
    return load


async def _funnel(start: Any, end: Any) -> dict[str, list[FunnelStep]]:
    reached: dict[str, Counter[str]] = defaultdict(Counter)
    first_seen: dict[str, dict[str, int]] = defaultdict(dict)
    for form_type, steps in await FormTracking.filter(
        created_at__gte=start, created_at__lt=end
    ).values_list("form_type", "steps"):
        names = [step.get("step") if isinstance(step, dict) else step for step in steps or []]
        for position, name in enumerate(dict.fromkeys(n for n in names if n)):
            reached[form_type][name] += 1
            first_seen[form_type].setdefault(name, position)
    return {
        form_type: [
            FunnelStep(name, count)
            for name, count in sorted(
                counts.items(), key=lambda item: (-item[1], first_seen[form_type][item[0]])
            )
        ]
        for form_type, counts in sorted(reached.items())
    }


async def kpis(date_from: date, date_to: date) -> Kpis:
    """The KPIs of the MSK days `date_from`..`date_to` (see the module's description): of
    the first MAX_REPORT_DAYS days, or of none when the period ends before it starts; the
    answer names the days it covers."""
    days_asked = period(date_from, date_to, MAX_REPORT_DAYS)
    if days_asked is None:
        start = end = range_bounds(date_from, date_from, MSK)[0]  # no instant at all
        days: list[date] = []
    else:
        date_from, date_to = days_asked
        start, end = range_bounds(date_from, date_to, MSK)
        days = [date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1)]
    series: dict[date, Counter[str]] = {day: Counter() for day in days}

    ticket_days = await Ticket.filter(created_at__gte=start, created_at__lt=end).values_list(
        "created_at", flat=True
    )
    for created_at in ticket_days:
        series[created_at.astimezone(MSK).date()]["new_requests"] += 1
    booked_days = await Appointment.filter(created_at__gte=start, created_at__lt=end).values_list(
        "created_at", flat=True
    )
    for created_at in booked_days:
        series[created_at.astimezone(MSK).date()]["new_appointments"] += 1
    sessions = await Appointment.filter(starts_at__gte=start, starts_at__lt=end).values_list(
        "starts_at", "status", "auto_canceled", "late_cancel"
    )
    statuses: Counter[str] = Counter()
    auto_cancellations = late_cancellations = 0
    for starts_at, status, auto, late in sessions:
        statuses[status] += 1
        auto_cancellations += bool(auto and status == AppointmentStatus.CANCELLED)
        late_cancellations += bool(late)  # only a cancel sets it, and a cancel is final
        day = series[starts_at.astimezone(MSK).date()]
        day["appointments"] += 1
        day[str(status)] += 1

    return Kpis(
        date_from=date_from,
        date_to=date_to,
        new_requests=len(ticket_days),
        new_appointments=len(booked_days),
        appointments=len(sessions),
        completed=statuses[AppointmentStatus.COMPLETED],
        completed_percent=_percent(statuses[AppointmentStatus.COMPLETED], len(sessions)),
        repeat_visits_percent=await _repeat_visits(start, end),
        cancellations=statuses[AppointmentStatus.CANCELLED],
        auto_cancellations=auto_cancellations,
        no_shows=statuses[AppointmentStatus.NO_SHOW],
        late_cancellations=late_cancellations,
        late_cancel_percent=_percent(late_cancellations, len(sessions)),
        psychologists=await _load(start, end),
        funnel=await _funnel(start, end),
        daily=[
            ReportDay(
                date=day,
                new_requests=series[day]["new_requests"],
                new_appointments=series[day]["new_appointments"],
                appointments=series[day]["appointments"],
                completed=series[day][AppointmentStatus.COMPLETED],
                cancelled=series[day][AppointmentStatus.CANCELLED],
                no_show=series[day][AppointmentStatus.NO_SHOW],
            )
            for day in days
        ],
    )

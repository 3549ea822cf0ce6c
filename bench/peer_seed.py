"""Seeds django-appointment for bench/peer.py through its own models: one service, the Config,
and `count` staff members (the psychologists), each working the same hours every day of the
week; prints the service's and their ids as JSON.

Run by the peer's own venv python inside the Django project bench/peer_django.py writes:
    python peer_seed.py COUNT FIRST_HOUR LAST_HOUR SLOT_MINUTES
"""

import json
import sys
from datetime import time, timedelta

import django

django.setup()

from appointment.models import (  # noqa: E402 (the app registry is ready only after setup)
    Config,
    Service,
    StaffMember,
    WorkingHours,
)
from django.contrib.auth import get_user_model  # noqa: E402

SUNDAY_TO_SATURDAY = range(7)  # appointment.models.DAYS_OF_WEEK


def seed(count: int, first_hour: int, last_hour: int, slot_minutes: int) -> dict[str, object]:
    opens, closes = time(first_hour), time(last_hour)
    Config.objects.create(
        slot_duration=slot_minutes, lead_time=opens, finish_time=closes, appointment_buffer_time=0
    )
    service = Service.objects.create(
        name="Consultation", duration=timedelta(minutes=slot_minutes), price=0
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(
            username=f"psychologist{n}",
            first_name="Psychologist",
            last_name=str(n),
            email=f"psychologist{n}@example.com",
        )
        for n in range(count)
    )
    # bulk_create skips WorkingHours.save, which would set these weekend flags one by one
    staff = StaffMember.objects.bulk_create(
        StaffMember(
            user=user, slot_duration=slot_minutes, work_on_saturday=True, work_on_sunday=True
        )
        for user in users
    )
    StaffMember.services_offered.through.objects.bulk_create(
        StaffMember.services_offered.through(staffmember_id=member.id, service_id=service.id)
        for member in staff
    )
    WorkingHours.objects.bulk_create(
        WorkingHours(staff_member=member, day_of_week=day, start_time=opens, end_time=closes)
        for member in staff
        for day in SUNDAY_TO_SATURDAY
    )
    return {"service": service.id, "staff": [member.id for member in staff]}


if __name__ == "__main__":
    count, first_hour, last_hour, slot_minutes = (int(arg) for arg in sys.argv[1:5])
    print(json.dumps(seed(count, first_hour, last_hour, slot_minutes)))  # noqa: T201

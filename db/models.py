"""Tortoise models: everything the service stores.

Invariants that protect the data live in the database itself:
- one slot per (psychologist, starts_at);
- one hold per client: `Slot.held_by` is unique;
- at most one active appointment per slot: `Appointment.active_slot` is unique and is
  cleared when the appointment is cancelled (NULLs never collide);
- unique client telegram_id and phone, psychologist name and telegram_id.
All instants are stored in UTC.
"""

from tortoise import fields
from tortoise.models import Model

from db.enums import (
    Actor,
    AppointmentStatus,
    ClientSource,
    EventKind,
    EventState,
    InviteRole,
    ManagerRole,
    OfferOutcome,
    OutboxState,
    ReviewAuthor,
    SlotStatus,
    TicketKind,
    TicketStatus,
    WaitlistState,
)

MSK_ZONE = "Europe/Moscow"


class Client(Model):
    id = fields.IntField(primary_key=True)
    telegram_id = fields.BigIntField(null=True, unique=True)
    # E.164; Telegram vouched for it (phone_verified), or staff entered it (import, phone
    # booking). Only such a phone finds a record.
    phone = fields.CharField(max_length=20, null=True, unique=True)
    phone_verified = fields.BooleanField(default=False)
    # A phone the client typed and Telegram has not vouched for: shown, never used to link.
    unverified_phone = fields.CharField(max_length=20, null=True)
    name = fields.CharField(max_length=200, default="")
    username = fields.CharField(max_length=64, null=True)
    language = fields.CharField(max_length=8, default="ru")
    timezone = fields.CharField(max_length=64, default=MSK_ZONE)
    source = fields.CharEnumField(ClientSource, max_length=8, default=ClientSource.BOT)
    blocked_bot = fields.BooleanField(default=False)
    # sha256 of the secret in the client's calendar feed URL (the URL is the only key to it)
    calendar_token_hash = fields.CharField(max_length=64, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "clients"


class Branch(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200, unique=True)
    address = fields.CharField(max_length=300, default="")
    timezone = fields.CharField(max_length=64, default=MSK_ZONE)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "branches"


class Service(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    price = fields.IntField(default=0)  # whole roubles
    duration_min = fields.SmallIntField(default=60)
    branch: fields.ForeignKeyNullableRelation[Branch] = fields.ForeignKeyField(
        "models.Branch", related_name="services", null=True, on_delete=fields.SET_NULL
    )
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "services"


class Psychologist(Model):
    id = fields.IntField(primary_key=True)
    telegram_id = fields.BigIntField(null=True, unique=True)
    name = fields.CharField(max_length=200, unique=True)  # "Имя Фамилия"
    about = fields.TextField(default="")
    age = fields.SmallIntField(null=True)
    sex_client = fields.CharField(max_length=64, default="")
    min_client_age = fields.SmallIntField(null=True)
    max_client_age = fields.SmallIntField(null=True)
    personal_therapy_type = fields.CharField(max_length=200, default="")
    personal_therapy_duration = fields.CharField(max_length=200, default="")
    main_modal = fields.CharField(max_length=200, default="")
    additional_modals = fields.JSONField(default=list)
    skills = fields.JSONField(default=list)
    queries = fields.JSONField(default=list)
    telegram_link = fields.CharField(max_length=300, default="")
    site_link = fields.CharField(max_length=300, default="")
    vk_link = fields.CharField(max_length=300, default="")
    min_price = fields.IntField(null=True)
    max_price = fields.IntField(null=True)
    is_married = fields.BooleanField(default=False)
    has_children = fields.BooleanField(default=False)
    all_with_price_mode = fields.BooleanField(default=False)
    first_free_mode = fields.BooleanField(default=False)
    help_hand_mode = fields.BooleanField(default=False)
    # sha256 of the schedule-editor secret; the secret itself is shown once and never stored
    secret_hash = fields.CharField(max_length=64, null=True, unique=True)
    # sha256 of the secret in the psychologist's calendar feed URL
    calendar_token_hash = fields.CharField(max_length=64, null=True, unique=True)
    monthly_limit = fields.SmallIntField(default=20)
    number_of_clients_provided = fields.IntField(default=0)
    timezone = fields.CharField(max_length=64, default=MSK_ZONE)
    language = fields.CharField(max_length=8, default="ru")
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    education: fields.ReverseRelation["Education"]

    class Meta:
        table = "psychologists"


class Education(Model):
    id = fields.IntField(primary_key=True)
    psychologist: fields.ForeignKeyRelation[Psychologist] = fields.ForeignKeyField(
        "models.Psychologist", related_name="education", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField(default=0)
    program_title = fields.CharField(max_length=300, default="")
    title = fields.CharField(max_length=300, default="")
    kind = fields.CharField(max_length=100, default="")
    year = fields.SmallIntField(null=True)

    class Meta:
        table = "psychologist_education"


class Manager(Model):
    id = fields.IntField(primary_key=True)
    telegram_id = fields.BigIntField(unique=True)
    name = fields.CharField(max_length=200, default="")
    role = fields.CharEnumField(ManagerRole, max_length=8, default=ManagerRole.MANAGER)
    branch: fields.ForeignKeyNullableRelation[Branch] = fields.ForeignKeyField(
        "models.Branch", related_name="managers", null=True, on_delete=fields.SET_NULL
    )
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "managers"


class SlotRule(Model):
    """A weekly recurring free time: every `weekday` at `minute` (of the day) in `timezone`.
    Its slots are made ahead by a job; removing the rule takes its future free slots and
    leaves the booked, held and past ones."""

    id = fields.IntField(primary_key=True)
    psychologist: fields.ForeignKeyRelation[Psychologist] = fields.ForeignKeyField(
        "models.Psychologist", related_name="slot_rules", on_delete=fields.CASCADE
    )
    weekday = fields.SmallIntField()  # 0 is Monday
    minute = fields.SmallIntField()  # minutes after local midnight
    duration_min = fields.SmallIntField(default=60)
    timezone = fields.CharField(max_length=64, default=MSK_ZONE)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "slot_rules"
        unique_together = (("psychologist", "weekday", "minute"),)


class Slot(Model):
    id = fields.IntField(primary_key=True)
    psychologist: fields.ForeignKeyRelation[Psychologist] = fields.ForeignKeyField(
        "models.Psychologist", related_name="slots", on_delete=fields.CASCADE
    )
    # The weekly rule that made it, if any.
    rule: fields.ForeignKeyNullableRelation[SlotRule] = fields.ForeignKeyField(
        "models.SlotRule",
        related_name="slots",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    starts_at = fields.DatetimeField()
    duration_min = fields.SmallIntField(default=60)
    status = fields.CharEnumField(SlotStatus, max_length=8, default=SlotStatus.FREE)
    # A hold is (held_by, held_until); past held_until the slot counts as free with no job.
    held_by: fields.OneToOneNullableRelation[Client] = fields.OneToOneField(
        "models.Client", related_name="held_slot", null=True, on_delete=fields.SET_NULL
    )
    held_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "slots"
        unique_together = (("psychologist", "starts_at"),)
        indexes = (("starts_at", "status"),)


class Ticket(Model):
    """A request (заявка, lead): what the client asked for and whom it was matched to."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    client: fields.ForeignKeyNullableRelation[Client] = fields.ForeignKeyField(
        "models.Client", related_name="tickets", null=True, on_delete=fields.SET_NULL
    )
    kind = fields.CharEnumField(TicketKind, max_length=10, default=TicketKind.REGULAR)
    status = fields.CharEnumField(TicketStatus, max_length=10, default=TicketStatus.OPEN)
    queries = fields.JSONField(default=list)
    preferences = fields.JSONField(default=dict)
    psychologists = fields.JSONField(default=list)  # names offered / chosen
    slots = fields.JSONField(default=list)  # "DD.MM HH:mm" strings chosen by the client
    price_tier = fields.CharField(max_length=16, null=True)
    link_id = fields.CharField(max_length=10, null=True, unique=True)  # help hand: hh_ + 7
    previous: fields.ForeignKeyNullableRelation["Ticket"] = fields.ForeignKeyField(
        "models.Ticket", related_name="next_tickets", null=True, on_delete=fields.SET_NULL
    )
    psychologist: fields.ForeignKeyNullableRelation[Psychologist] = fields.ForeignKeyField(
        "models.Psychologist", related_name="tickets", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "tickets"
        indexes = (("kind", "status"),)


class Appointment(Model):
    id = fields.IntField(primary_key=True)
    # Kept for history; a removed slot leaves NULL here (never while active, see below).
    slot: fields.ForeignKeyNullableRelation[Slot] = fields.ForeignKeyField(
        "models.Slot", related_name="appointments", null=True, on_delete=fields.SET_NULL
    )
    # Equals `slot` while the appointment occupies it; NULL once cancelled. Unique: one per slot.
    active_slot: fields.OneToOneNullableRelation[Slot] = fields.OneToOneField(
        "models.Slot", related_name="active_appointment", null=True, on_delete=fields.RESTRICT
    )
    client: fields.ForeignKeyRelation[Client] = fields.ForeignKeyField(
        "models.Client", related_name="appointments", on_delete=fields.RESTRICT
    )
    psychologist: fields.ForeignKeyRelation[Psychologist] = fields.ForeignKeyField(
        "models.Psychologist", related_name="appointments", on_delete=fields.RESTRICT
    )
    service: fields.ForeignKeyNullableRelation[Service] = fields.ForeignKeyField(
        "models.Service", related_name="appointments", null=True, on_delete=fields.SET_NULL
    )
    ticket: fields.ForeignKeyNullableRelation[Ticket] = fields.ForeignKeyField(
        "models.Ticket", related_name="appointments", null=True, on_delete=fields.SET_NULL
    )
    # One of a weekly series booked at once, if it is.
    series: fields.ForeignKeyNullableRelation["Series"] = fields.ForeignKeyField(
        "models.Series",
        related_name="appointments",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    status = fields.CharEnumField(AppointmentStatus, max_length=10, default=AppointmentStatus.NEW)
    starts_at = fields.DatetimeField()  # copy of the slot's, so board queries need no join
    duration_min = fields.SmallIntField(default=60)
    meeting_link = fields.CharField(max_length=500, default="")
    meeting_id = fields.CharField(max_length=200, default="")
    calendar_meeting_id = fields.CharField(max_length=200, default="")
    confirmed = fields.BooleanField(default=False)
    confirmed_at = fields.DatetimeField(null=True)
    auto_assigned = fields.BooleanField(default=False)
    auto_canceled = fields.BooleanField(default=False)
    created_by = fields.CharEnumField(Actor, max_length=12, default=Actor.CLIENT)
    price = fields.IntField(null=True)
    cancel_reason = fields.TextField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    # The client cancelled it within LATE_CANCEL_HOURS of the start (counted in reports).
    late_cancel = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "appointments"
        indexes = (
            ("starts_at", "status"),
            ("psychologist", "starts_at"),
            ("client", "created_at"),
        )


class Series(Model):
    """Weekly sessions of one client with one psychologist, booked at once."""

    id = fields.IntField(primary_key=True)
    client: fields.ForeignKeyRelation[Client] = fields.ForeignKeyField(
        "models.Client", related_name="series", on_delete=fields.RESTRICT
    )
    psychologist: fields.ForeignKeyRelation[Psychologist] = fields.ForeignKeyField(
        "models.Psychologist", related_name="series", on_delete=fields.RESTRICT
    )
    weeks = fields.SmallIntField()  # asked for; some weeks may have been skipped
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "series"


class WaitlistEntry(Model):
    """A client waiting for a time: with one psychologist, or with any who matches their
    request (`queries`), on days `date_from`..`date_to`, some weekdays, a time window (minutes
    of the day in the client's zone). First come, first offered."""

    id = fields.IntField(primary_key=True)
    client: fields.ForeignKeyRelation[Client] = fields.ForeignKeyField(
        "models.Client", related_name="waitlist", on_delete=fields.CASCADE
    )
    psychologist: fields.ForeignKeyNullableRelation[Psychologist] = fields.ForeignKeyField(
        "models.Psychologist", related_name="waitlist", null=True, on_delete=fields.CASCADE
    )
    queries = fields.JSONField(default=list)
    date_from = fields.DateField()
    date_to = fields.DateField()
    weekdays = fields.JSONField(default=list)  # 0 is Monday; empty: any day
    minute_from = fields.SmallIntField(null=True)
    minute_to = fields.SmallIntField(null=True)
    timezone = fields.CharField(max_length=64, default=MSK_ZONE)
    state = fields.CharEnumField(WaitlistState, max_length=10, default=WaitlistState.WAITING)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "waitlist"
        indexes = (("state", "created_at"),)


class WaitlistOffer(Model):
    """A freed or new slot offered to one waiting client, theirs alone until `expires_at`.
    One offer per entry and slot: a lapsed offer is never made again to the same entry."""

    id = fields.IntField(primary_key=True)
    entry: fields.ForeignKeyRelation[WaitlistEntry] = fields.ForeignKeyField(
        "models.WaitlistEntry", related_name="offers", on_delete=fields.CASCADE
    )
    slot: fields.ForeignKeyRelation[Slot] = fields.ForeignKeyField(
        "models.Slot", related_name="offers", on_delete=fields.CASCADE
    )
    outcome = fields.CharEnumField(OfferOutcome, max_length=10, default=OfferOutcome.OPEN)
    offered_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = "waitlist_offers"
        unique_together = (("entry", "slot"),)
        indexes = (("outcome", "expires_at"),)


class ScheduledEvent(Model):
    """A planned action for an appointment; survives restarts, runs once."""

    id = fields.IntField(primary_key=True)
    appointment: fields.ForeignKeyRelation[Appointment] = fields.ForeignKeyField(
        "models.Appointment", related_name="events", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(EventKind, max_length=24)
    due_at = fields.DatetimeField()
    state = fields.CharEnumField(EventState, max_length=10, default=EventState.PENDING)
    attempts = fields.SmallIntField(default=0)
    claimed_until = fields.DatetimeField(null=True)
    outcome = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    class Meta:
        table = "scheduled_events"
        unique_together = (("appointment", "kind"),)
        indexes = (("state", "due_at"),)


class Outbox(Model):
    """Every message to a person, written in the transaction of the change that causes it."""

    id = fields.IntField(primary_key=True)
    chat_id = fields.BigIntField()
    text = fields.TextField()
    reply_markup = fields.JSONField(null=True)
    parse_mode = fields.CharField(max_length=16, null=True)
    dedup_key = fields.CharField(max_length=160, unique=True)
    kind = fields.CharField(max_length=40, default="")
    client: fields.ForeignKeyNullableRelation[Client] = fields.ForeignKeyField(
        "models.Client", related_name="outbox", null=True, on_delete=fields.SET_NULL
    )
    psychologist: fields.ForeignKeyNullableRelation[Psychologist] = fields.ForeignKeyField(
        "models.Psychologist", related_name="outbox", null=True, on_delete=fields.SET_NULL
    )
    state = fields.CharEnumField(OutboxState, max_length=10, default=OutboxState.PENDING)
    not_before = fields.DatetimeField()
    attempts = fields.SmallIntField(default=0)
    claimed_until = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=300, default="")
    telegram_message_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox"
        indexes = (("state", "not_before"),)


class FormTracking(Model):
    """Funnel analytics of a form: the steps a ticket went through, with times."""

    id = fields.IntField(primary_key=True)
    ticket_number = fields.CharField(max_length=64, unique=True)
    form_type = fields.CharField(max_length=100)
    steps = fields.JSONField(default=list)  # [{"step": str, "at": ISO 8601}]
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "form_tracking"


class ClientNote(Model):
    """A staff member's note on a client: staff-only, never shown to the client."""

    id = fields.IntField(primary_key=True)
    client: fields.ForeignKeyRelation[Client] = fields.ForeignKeyField(
        "models.Client", related_name="notes", on_delete=fields.CASCADE
    )
    author_telegram_id = fields.BigIntField(null=True)
    author_name = fields.CharField(max_length=200, default="")
    text = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "client_notes"
        indexes = (("client", "created_at"),)


class Review(Model):
    id = fields.IntField(primary_key=True)
    appointment: fields.ForeignKeyRelation[Appointment] = fields.ForeignKeyField(
        "models.Appointment", related_name="reviews", on_delete=fields.CASCADE
    )
    author = fields.CharEnumField(ReviewAuthor, max_length=12)
    rating = fields.SmallIntField(null=True)
    text = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reviews"
        unique_together = (("appointment", "author"),)


class AuditLog(Model):
    """Who changed what, from where."""

    id = fields.BigIntField(primary_key=True)
    actor = fields.CharEnumField(Actor, max_length=12)
    actor_ref = fields.CharField(max_length=64, default="")
    source = fields.CharField(max_length=16, default="")
    action = fields.CharField(max_length=40)
    entity = fields.CharField(max_length=24)
    entity_id = fields.IntField()
    data = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_log"
        indexes = (("entity", "entity_id"),)


class Invite(Model):
    """A single-use link that makes whoever opens it a manager, an admin or a psychologist;
    it expires."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=48, unique=True)
    role = fields.CharEnumField(InviteRole, max_length=16, default=InviteRole.MANAGER)
    created_by = fields.BigIntField()  # the inviting admin's Telegram id
    expires_at = fields.DatetimeField()
    used_by = fields.BigIntField(null=True)
    used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "invites"


class UsedLoginToken(Model):
    """A one-time browser login link already exchanged for a session (its token's jti)."""

    id = fields.IntField(primary_key=True)
    jti = fields.CharField(max_length=64, unique=True)
    telegram_id = fields.BigIntField()
    expires_at = fields.DatetimeField()  # the link's own expiry: the row is useless after it
    used_at = fields.DatetimeField()

    class Meta:
        table = "used_login_tokens"

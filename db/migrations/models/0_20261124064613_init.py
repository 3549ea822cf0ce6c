from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True

# One migration for both databases: the SQL aerich wrote for each dialect.
UPGRADE = {
    "sqlite": """
        CREATE TABLE IF NOT EXISTS "audit_log" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "actor" VARCHAR(12) NOT NULL /* CLIENT: client
PSYCHOLOGIST: psychologist
MANAGER: manager
ADMIN: admin
INTEGRATION: integration
SYSTEM: system */,
    "actor_ref" VARCHAR(64) NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "action" VARCHAR(40) NOT NULL,
    "entity" VARCHAR(24) NOT NULL,
    "entity_id" INT NOT NULL,
    "data" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL
) /* Who changed what, from where. */;
CREATE INDEX IF NOT EXISTS "idx_audit_log_entity_4c32c6" ON "audit_log" ("entity", "entity_id");
CREATE TABLE IF NOT EXISTS "branches" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(200) NOT NULL UNIQUE,
    "address" VARCHAR(300) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "clients" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "telegram_id" BIGINT UNIQUE,
    "phone" VARCHAR(20) UNIQUE,
    "name" VARCHAR(200) NOT NULL,
    "username" VARCHAR(64),
    "language" VARCHAR(8) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "source" VARCHAR(8) NOT NULL /* BOT: bot
IMPORT: import
MANUAL: manual
API: api */,
    "blocked_bot" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "form_tracking" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "ticket_number" VARCHAR(64) NOT NULL UNIQUE,
    "form_type" VARCHAR(100) NOT NULL,
    "steps" JSON NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
) /* Funnel analytics of a form: the steps a ticket went through, with times. */;
CREATE TABLE IF NOT EXISTS "managers" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "telegram_id" BIGINT NOT NULL UNIQUE,
    "name" VARCHAR(200) NOT NULL,
    "role" VARCHAR(8) NOT NULL /* MANAGER: manager
ADMIN: admin */,
    "is_active" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "branch_id" INT REFERENCES "branches" ("id") ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS "psychologists" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "telegram_id" BIGINT UNIQUE,
    "name" VARCHAR(200) NOT NULL UNIQUE,
    "about" TEXT NOT NULL,
    "age" SMALLINT,
    "sex_client" VARCHAR(64) NOT NULL,
    "min_client_age" SMALLINT,
    "max_client_age" SMALLINT,
    "personal_therapy_type" VARCHAR(200) NOT NULL,
    "personal_therapy_duration" VARCHAR(200) NOT NULL,
    "main_modal" VARCHAR(200) NOT NULL,
    "additional_modals" JSON NOT NULL,
    "skills" JSON NOT NULL,
    "queries" JSON NOT NULL,
    "telegram_link" VARCHAR(300) NOT NULL,
    "site_link" VARCHAR(300) NOT NULL,
    "vk_link" VARCHAR(300) NOT NULL,
    "min_price" INT,
    "max_price" INT,
    "is_married" INT NOT NULL,
    "has_children" INT NOT NULL,
    "all_with_price_mode" INT NOT NULL,
    "first_free_mode" INT NOT NULL,
    "help_hand_mode" INT NOT NULL,
    "secret_hash" VARCHAR(64) UNIQUE,
    "monthly_limit" SMALLINT NOT NULL,
    "number_of_clients_provided" INT NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "language" VARCHAR(8) NOT NULL,
    "is_active" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS "psychologist_education" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "position" SMALLINT NOT NULL,
    "program_title" VARCHAR(300) NOT NULL,
    "title" VARCHAR(300) NOT NULL,
    "kind" VARCHAR(100) NOT NULL,
    "year" SMALLINT,
    "psychologist_id" INT NOT NULL REFERENCES "psychologists" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "outbox" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "chat_id" BIGINT NOT NULL,
    "text" TEXT NOT NULL,
    "reply_markup" JSON,
    "parse_mode" VARCHAR(16),
    "dedup_key" VARCHAR(160) NOT NULL UNIQUE,
    "kind" VARCHAR(40) NOT NULL,
    "state" VARCHAR(10) NOT NULL /* PENDING: pending
SENDING: sending
SENT: sent
FAILED: failed
CANCELLED: cancelled */,
    "not_before" TIMESTAMP NOT NULL,
    "attempts" SMALLINT NOT NULL,
    "claimed_until" TIMESTAMP,
    "last_error" VARCHAR(300) NOT NULL,
    "telegram_message_id" BIGINT,
    "created_at" TIMESTAMP NOT NULL,
    "sent_at" TIMESTAMP,
    "client_id" INT REFERENCES "clients" ("id") ON DELETE SET NULL,
    "psychologist_id" INT REFERENCES "psychologists" ("id") ON DELETE SET NULL
) /* Every message to a person, written in the transaction of the change that causes it. */;
CREATE INDEX IF NOT EXISTS "idx_outbox_state_10e200" ON "outbox" ("state", "not_before");
CREATE TABLE IF NOT EXISTS "services" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "price" INT NOT NULL,
    "duration_min" SMALLINT NOT NULL,
    "is_active" INT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "branch_id" INT REFERENCES "branches" ("id") ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS "slots" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "starts_at" TIMESTAMP NOT NULL,
    "duration_min" SMALLINT NOT NULL,
    "status" VARCHAR(8) NOT NULL /* FREE: free
HELD: held
BOOKED: booked */,
    "held_until" TIMESTAMP,
    "created_at" TIMESTAMP NOT NULL,
    "psychologist_id" INT NOT NULL REFERENCES "psychologists" ("id") ON DELETE CASCADE,
    "held_by_id" INT UNIQUE REFERENCES "clients" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_slots_psychol_9e46d6" UNIQUE ("psychologist_id", "starts_at")
);
CREATE INDEX IF NOT EXISTS "idx_slots_starts__eb2891" ON "slots" ("starts_at", "status");
CREATE TABLE IF NOT EXISTS "tickets" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "number" VARCHAR(32) NOT NULL UNIQUE,
    "kind" VARCHAR(10) NOT NULL /* REGULAR: regular
HELP_HAND: help_hand */,
    "status" VARCHAR(10) NOT NULL /* OPEN: open
ASSIGNED: assigned
CLOSED: closed
CANCELLED: cancelled */,
    "queries" JSON NOT NULL,
    "preferences" JSON NOT NULL,
    "psychologists" JSON NOT NULL,
    "slots" JSON NOT NULL,
    "price_tier" VARCHAR(16),
    "link_id" VARCHAR(10) UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "client_id" INT REFERENCES "clients" ("id") ON DELETE SET NULL,
    "previous_id" INT REFERENCES "tickets" ("id") ON DELETE SET NULL,
    "psychologist_id" INT REFERENCES "psychologists" ("id") ON DELETE SET NULL
) /* A request (заявка, lead): what the client asked for and whom it was matched to. */;
CREATE INDEX IF NOT EXISTS "idx_tickets_kind_831aff" ON "tickets" ("kind", "status");
CREATE TABLE IF NOT EXISTS "appointments" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "status" VARCHAR(10) NOT NULL /* NEW: new
CONFIRMED: confirmed
COMPLETED: completed
CANCELLED: cancelled
NO_SHOW: no_show */,
    "starts_at" TIMESTAMP NOT NULL,
    "duration_min" SMALLINT NOT NULL,
    "meeting_link" VARCHAR(500) NOT NULL,
    "meeting_id" VARCHAR(200) NOT NULL,
    "calendar_meeting_id" VARCHAR(200) NOT NULL,
    "confirmed" INT NOT NULL,
    "confirmed_at" TIMESTAMP,
    "auto_assigned" INT NOT NULL,
    "auto_canceled" INT NOT NULL,
    "created_by" VARCHAR(12) NOT NULL /* CLIENT: client
PSYCHOLOGIST: psychologist
MANAGER: manager
ADMIN: admin
INTEGRATION: integration
SYSTEM: system */,
    "price" INT,
    "cancel_reason" TEXT,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "client_id" INT NOT NULL REFERENCES "clients" ("id") ON DELETE RESTRICT,
    "psychologist_id" INT NOT NULL REFERENCES "psychologists" ("id") ON DELETE RESTRICT,
    "service_id" INT REFERENCES "services" ("id") ON DELETE SET NULL,
    "slot_id" INT REFERENCES "slots" ("id") ON DELETE SET NULL,
    "ticket_id" INT REFERENCES "tickets" ("id") ON DELETE SET NULL,
    "active_slot_id" INT UNIQUE REFERENCES "slots" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_appointment_starts__31d980" ON "appointments" ("starts_at", "status");
CREATE INDEX IF NOT EXISTS "idx_appointment_psychol_60f4c8" ON "appointments" ("psychologist_id", "starts_at");
CREATE INDEX IF NOT EXISTS "idx_appointment_client__23d5ed" ON "appointments" ("client_id", "created_at");
CREATE TABLE IF NOT EXISTS "reviews" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "author" VARCHAR(12) NOT NULL /* CLIENT: client
PSYCHOLOGIST: psychologist */,
    "rating" SMALLINT,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "appointment_id" INT NOT NULL REFERENCES "appointments" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_reviews_appoint_8f721a" UNIQUE ("appointment_id", "author")
);
CREATE TABLE IF NOT EXISTS "scheduled_events" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "kind" VARCHAR(24) NOT NULL /* CONFIRM_REQUEST: confirm_request
CONFIRM_REMINDER_22H: confirm_reminder_22h
CONFIRM_REMINDER_21H: confirm_reminder_21h
AUTO_CANCEL: auto_cancel
SESSION_REMINDER: session_reminder
REVIEW_REQUEST: review_request */,
    "due_at" TIMESTAMP NOT NULL,
    "state" VARCHAR(10) NOT NULL /* PENDING: pending
RUNNING: running
DONE: done
CANCELLED: cancelled
DROPPED: dropped
FAILED: failed */,
    "attempts" SMALLINT NOT NULL,
    "claimed_until" TIMESTAMP,
    "outcome" VARCHAR(300) NOT NULL,
    "created_at" TIMESTAMP NOT NULL,
    "finished_at" TIMESTAMP,
    "appointment_id" INT NOT NULL REFERENCES "appointments" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_scheduled_e_appoint_0b0a1e" UNIQUE ("appointment_id", "kind")
) /* A planned action for an appointment; survives restarts, runs once. */;
CREATE INDEX IF NOT EXISTS "idx_scheduled_e_state_213190" ON "scheduled_events" ("state", "due_at");
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSON NOT NULL
);""",
    "postgres": """
        CREATE TABLE IF NOT EXISTS "audit_log" (
    "id" BIGSERIAL NOT NULL PRIMARY KEY,
    "actor" VARCHAR(12) NOT NULL,
    "actor_ref" VARCHAR(64) NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "action" VARCHAR(40) NOT NULL,
    "entity" VARCHAR(24) NOT NULL,
    "entity_id" INT NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_audit_log_entity_4c32c6" ON "audit_log" ("entity", "entity_id");
COMMENT ON COLUMN "audit_log"."actor" IS 'CLIENT: client
PSYCHOLOGIST: psychologist
MANAGER: manager
ADMIN: admin
INTEGRATION: integration
SYSTEM: system';
COMMENT ON TABLE "audit_log" IS 'Who changed what, from where.';
CREATE TABLE IF NOT EXISTS "branches" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL UNIQUE,
    "address" VARCHAR(300) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "clients" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "telegram_id" BIGINT UNIQUE,
    "phone" VARCHAR(20) UNIQUE,
    "name" VARCHAR(200) NOT NULL,
    "username" VARCHAR(64),
    "language" VARCHAR(8) NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "source" VARCHAR(8) NOT NULL,
    "blocked_bot" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "clients"."source" IS 'BOT: bot
IMPORT: import
MANUAL: manual
API: api';
CREATE TABLE IF NOT EXISTS "form_tracking" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "ticket_number" VARCHAR(64) NOT NULL UNIQUE,
    "form_type" VARCHAR(100) NOT NULL,
    "steps" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "form_tracking" IS 'Funnel analytics of a form: the steps a ticket went through, with times.';
CREATE TABLE IF NOT EXISTS "managers" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "telegram_id" BIGINT NOT NULL UNIQUE,
    "name" VARCHAR(200) NOT NULL,
    "role" VARCHAR(8) NOT NULL,
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "branch_id" INT REFERENCES "branches" ("id") ON DELETE SET NULL
);
COMMENT ON COLUMN "managers"."role" IS 'MANAGER: manager
ADMIN: admin';
CREATE TABLE IF NOT EXISTS "psychologists" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "telegram_id" BIGINT UNIQUE,
    "name" VARCHAR(200) NOT NULL UNIQUE,
    "about" TEXT NOT NULL,
    "age" SMALLINT,
    "sex_client" VARCHAR(64) NOT NULL,
    "min_client_age" SMALLINT,
    "max_client_age" SMALLINT,
    "personal_therapy_type" VARCHAR(200) NOT NULL,
    "personal_therapy_duration" VARCHAR(200) NOT NULL,
    "main_modal" VARCHAR(200) NOT NULL,
    "additional_modals" JSONB NOT NULL,
    "skills" JSONB NOT NULL,
    "queries" JSONB NOT NULL,
    "telegram_link" VARCHAR(300) NOT NULL,
    "site_link" VARCHAR(300) NOT NULL,
    "vk_link" VARCHAR(300) NOT NULL,
    "min_price" INT,
    "max_price" INT,
    "is_married" BOOL NOT NULL,
    "has_children" BOOL NOT NULL,
    "all_with_price_mode" BOOL NOT NULL,
    "first_free_mode" BOOL NOT NULL,
    "help_hand_mode" BOOL NOT NULL,
    "secret_hash" VARCHAR(64) UNIQUE,
    "monthly_limit" SMALLINT NOT NULL,
    "number_of_clients_provided" INT NOT NULL,
    "timezone" VARCHAR(64) NOT NULL,
    "language" VARCHAR(8) NOT NULL,
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS "psychologist_education" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "position" SMALLINT NOT NULL,
    "program_title" VARCHAR(300) NOT NULL,
    "title" VARCHAR(300) NOT NULL,
    "kind" VARCHAR(100) NOT NULL,
    "year" SMALLINT,
    "psychologist_id" INT NOT NULL REFERENCES "psychologists" ("id") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "outbox" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "chat_id" BIGINT NOT NULL,
    "text" TEXT NOT NULL,
    "reply_markup" JSONB,
    "parse_mode" VARCHAR(16),
    "dedup_key" VARCHAR(160) NOT NULL UNIQUE,
    "kind" VARCHAR(40) NOT NULL,
    "state" VARCHAR(10) NOT NULL,
    "not_before" TIMESTAMPTZ NOT NULL,
    "attempts" SMALLINT NOT NULL,
    "claimed_until" TIMESTAMPTZ,
    "last_error" VARCHAR(300) NOT NULL,
    "telegram_message_id" BIGINT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "sent_at" TIMESTAMPTZ,
    "client_id" INT REFERENCES "clients" ("id") ON DELETE SET NULL,
    "psychologist_id" INT REFERENCES "psychologists" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_outbox_state_10e200" ON "outbox" ("state", "not_before");
COMMENT ON COLUMN "outbox"."state" IS 'PENDING: pending
SENDING: sending
SENT: sent
FAILED: failed
CANCELLED: cancelled';
COMMENT ON TABLE "outbox" IS 'Every message to a person, written in the transaction of the change that causes it.';
CREATE TABLE IF NOT EXISTS "services" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "name" VARCHAR(200) NOT NULL,
    "price" INT NOT NULL,
    "duration_min" SMALLINT NOT NULL,
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "branch_id" INT REFERENCES "branches" ("id") ON DELETE SET NULL
);
CREATE TABLE IF NOT EXISTS "slots" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "starts_at" TIMESTAMPTZ NOT NULL,
    "duration_min" SMALLINT NOT NULL,
    "status" VARCHAR(8) NOT NULL,
    "held_until" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "psychologist_id" INT NOT NULL REFERENCES "psychologists" ("id") ON DELETE CASCADE,
    "held_by_id" INT UNIQUE REFERENCES "clients" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_slots_psychol_9e46d6" UNIQUE ("psychologist_id", "starts_at")
);
CREATE INDEX IF NOT EXISTS "idx_slots_starts__eb2891" ON "slots" ("starts_at", "status");
COMMENT ON COLUMN "slots"."status" IS 'FREE: free
HELD: held
BOOKED: booked';
CREATE TABLE IF NOT EXISTS "tickets" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "number" VARCHAR(32) NOT NULL UNIQUE,
    "kind" VARCHAR(10) NOT NULL,
    "status" VARCHAR(10) NOT NULL,
    "queries" JSONB NOT NULL,
    "preferences" JSONB NOT NULL,
    "psychologists" JSONB NOT NULL,
    "slots" JSONB NOT NULL,
    "price_tier" VARCHAR(16),
    "link_id" VARCHAR(10) UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "client_id" INT REFERENCES "clients" ("id") ON DELETE SET NULL,
    "previous_id" INT REFERENCES "tickets" ("id") ON DELETE SET NULL,
    "psychologist_id" INT REFERENCES "psychologists" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_tickets_kind_831aff" ON "tickets" ("kind", "status");
COMMENT ON COLUMN "tickets"."kind" IS 'REGULAR: regular
HELP_HAND: help_hand';
COMMENT ON COLUMN "tickets"."status" IS 'OPEN: open
ASSIGNED: assigned
CLOSED: closed
CANCELLED: cancelled';
COMMENT ON TABLE "tickets" IS 'A request (заявка, lead): what the client asked for and whom it was matched to.';
CREATE TABLE IF NOT EXISTS "appointments" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "status" VARCHAR(10) NOT NULL,
    "starts_at" TIMESTAMPTZ NOT NULL,
    "duration_min" SMALLINT NOT NULL,
    "meeting_link" VARCHAR(500) NOT NULL,
    "meeting_id" VARCHAR(200) NOT NULL,
    "calendar_meeting_id" VARCHAR(200) NOT NULL,
    "confirmed" BOOL NOT NULL,
    "confirmed_at" TIMESTAMPTZ,
    "auto_assigned" BOOL NOT NULL,
    "auto_canceled" BOOL NOT NULL,
    "created_by" VARCHAR(12) NOT NULL,
    "price" INT,
    "cancel_reason" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "client_id" INT NOT NULL REFERENCES "clients" ("id") ON DELETE RESTRICT,
    "psychologist_id" INT NOT NULL REFERENCES "psychologists" ("id") ON DELETE RESTRICT,
    "service_id" INT REFERENCES "services" ("id") ON DELETE SET NULL,
    "slot_id" INT REFERENCES "slots" ("id") ON DELETE SET NULL,
    "ticket_id" INT REFERENCES "tickets" ("id") ON DELETE SET NULL,
    "active_slot_id" INT UNIQUE REFERENCES "slots" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_appointment_starts__31d980" ON "appointments" ("starts_at", "status");
CREATE INDEX IF NOT EXISTS "idx_appointment_psychol_60f4c8" ON "appointments" ("psychologist_id", "starts_at");
CREATE INDEX IF NOT EXISTS "idx_appointment_client__23d5ed" ON "appointments" ("client_id", "created_at");
COMMENT ON COLUMN "appointments"."status" IS 'NEW: new
CONFIRMED: confirmed
COMPLETED: completed
CANCELLED: cancelled
NO_SHOW: no_show';
COMMENT ON COLUMN "appointments"."created_by" IS 'CLIENT: client
PSYCHOLOGIST: psychologist
MANAGER: manager
ADMIN: admin
INTEGRATION: integration
SYSTEM: system';
CREATE TABLE IF NOT EXISTS "reviews" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "author" VARCHAR(12) NOT NULL,
    "rating" SMALLINT,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "appointment_id" INT NOT NULL REFERENCES "appointments" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_reviews_appoint_8f721a" UNIQUE ("appointment_id", "author")
);
COMMENT ON COLUMN "reviews"."author" IS 'CLIENT: client
PSYCHOLOGIST: psychologist';
CREATE TABLE IF NOT EXISTS "scheduled_events" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "kind" VARCHAR(24) NOT NULL,
    "due_at" TIMESTAMPTZ NOT NULL,
    "state" VARCHAR(10) NOT NULL,
    "attempts" SMALLINT NOT NULL,
    "claimed_until" TIMESTAMPTZ,
    "outcome" VARCHAR(300) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "appointment_id" INT NOT NULL REFERENCES "appointments" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_scheduled_e_appoint_0b0a1e" UNIQUE ("appointment_id", "kind")
);
CREATE INDEX IF NOT EXISTS "idx_scheduled_e_state_213190" ON "scheduled_events" ("state", "due_at");
COMMENT ON COLUMN "scheduled_events"."kind" IS 'CONFIRM_REQUEST: confirm_request
CONFIRM_REMINDER_22H: confirm_reminder_22h
CONFIRM_REMINDER_21H: confirm_reminder_21h
AUTO_CANCEL: auto_cancel
SESSION_REMINDER: session_reminder
REVIEW_REQUEST: review_request';
COMMENT ON COLUMN "scheduled_events"."state" IS 'PENDING: pending
RUNNING: running
DONE: done
CANCELLED: cancelled
DROPPED: dropped
FAILED: failed';
COMMENT ON TABLE "scheduled_events" IS 'A planned action for an appointment; survives restarts, runs once.';
CREATE TABLE IF NOT EXISTS "aerich" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "version" VARCHAR(255) NOT NULL,
    "app" VARCHAR(100) NOT NULL,
    "content" JSONB NOT NULL
);""",
}

DOWNGRADE = {
    "sqlite": """
        """,
    "postgres": """
        """,
}


async def upgrade(db: BaseDBAsyncClient) -> str:
    return UPGRADE[db.capabilities.dialect]


async def downgrade(db: BaseDBAsyncClient) -> str:
    return DOWNGRADE[db.capabilities.dialect]


MODELS_STATE = (
    "eJztXVtz27gV/iscPWVn1NSWHSd1O52RbdpRV5ZcSdnsbtThUCIkcUyCXF586Tb/vQAv4g"
    "2kCJqkJAQviQXigOR3QODc8WdHNxSg2e/7pmmo0NEBdDqXwp8dKOsA/UG63BU6smlGF3GD"
    "Iy80r78cdfQuyAvbseQlHnQlazZATQqwl5ZqOqoBUSt0NQ03GkvUUYXrqMmF6h8ukBxjDZ"
    "wNsNCFb/9BzSpUwAuw8c9vHduRLceWZO+p0A/HtTuo07eOab8uN4ZmrFU7vBZ09C4vNTV4"
    "laUFZAco3hU8vPkorVSgKQkUVAV39dol59X02gbQufU64qdfSEtDc3UYdTZfnY0Bt71V/2"
    "5rAIGF74faHMvFcOC3DdALEfLfPOriv3KMRgEr2dWcGHwLKWrrSNJoPJOm4kySOhSALw2I"
    "maVi1uG3X+NH+Evv9Pzj+aezi/NPqIv3mNuWj9/9W0fA+IQePKNZ57t3XXZkv4fHswjUgF"
    "0ZYK83siVCV/fQHaBHkuESZFCOqFNIo1dIIx3iWgR12BBhHc3XLbAQPHfo0O6MxK8IYPA8"
    "h9fj0e1gci/eXAoI6ZVq6UDBrfcPQ3Hmt+qmBhyvtT+6FodDrxW/vqbh1tFYmn4e4/EMyd"
    "4Y/rPs5qMuv0gagGtng36enhQw7Zf+5Ppzf/Lu9OQnPLaBvlz/sx4FV3reJczXBB+jbzDJ"
    "yhvEAEfVAflDSRCmuKgElO/DP5riaYMfUAHQs8G9OJ317x/w8Lpt/6F5cPVnIr7S81pfU6"
    "3vLlJM2Q4ifB3MPgv4p/D7eCR6cBq2s7a8O0b9Zr938DPJrmNI0HiWZCWOSdgcNiWYrLgI"
    "ePT+kq7CLJ+nuqxpuQtimnb30lgXcy9Oml0bz3ofL7bLIv5RtCJO7/vDYbgsxnZYgOY3XE"
    "uaCh/JiyEZ1TRdi8sg5RpYHtXESvXhpMxShXrlrlXeNTLapB19N9bErf34ke6VQrpXgHQv"
    "i/RSRuMrsiVVgzyHnGNfCvtQvsgifmUYGpBhDuhxuhTUC0TYFNbblnZ34avxeJjYgK8Gsx"
    "TKX+6vRCQPeeCjTqoD4sItAfEKclCatgZRKNATuCRUvyTkXZRtW11D6u8rQ8u/MYpvzEPP"
    "V4eqIR+n5cjTrG6BkWTxWlVdT47Q4i4eWXpotPbr4UAczZDy7VHP4cP0t+vP4+H4bjBFrX"
    "Hj0hze90f9O3FyKegylNfAmsP+zf1gdCnIClJ45hDBKd5N+rPBGLUhvoG1rw7N4fS36Uy8"
    "vxTsV9sBeiVtvldGm+/la/O9tOhgWqrPvpLWrm3/Slrdge1T9Zi84jIwXnAkNPdtg6A2z8"
    "BLDqoZwkpfzIGhWyQFiL/OEmtVOEXf3fd//SkhBAzHo7uwe2xKXw/HVzmrVgWJLEHJoGmq"
    "g15QGUPtNZglRyKgBRO6UD5zTaUi15OUnOuHwnWCWB48fexb9zZqoo0hd+tK0LRnlDyi/S"
    "su6NBhS6DkCBMQtoH1hAQoOnCTRFzwIsCqGZQTNkbBAc0C6qjLR0AJaYKGg0owaCwd9QlI"
    "9JM1S1gLvEcfboADOFaP5GgDhFUW4VvDAuoa/gxeM+aLFKJBIMw0GOa4Ju73cAKFrdEjWv"
    "LzNuAlvgiiV0cvDHyLELq/MPoyHHYIMlcNoF5vBzoyaaAsrglJM4HsBAm+k8H1rJMrd9WA"
    "70NqOEZRJsicJbAOhKk61oZoJEaXh4TcWWKF8CWAGqCdbQdiE9mEqJQDLN7cFvLy8Vm2FC"
    "lnl7PAkwqeCUF1VwHh7c8ToHnm53ywJ94gDC0UiTkJnsLY1OoITZcboLgaUMQntjYub5IZ"
    "PYM4uWJSZxa+MQQzA/3TrBy1Vwm17Meclc5ztqHEF51EHV/Se3q6xfMwKcET4ucJ47NdRX"
    "WGxrpDit0Or3ULA7dxL0kLuu2K2u583RjCciND9DTC80Z2usLKMnT0J7DA+7Qna3fvMrHe"
    "6EtTHc996P+FsaUL2b5S1z9K1Pbfer2zs4+9k7OLTx/OP3788Olkq09lLxUpVleDO6xbde"
    "N23d2x3WjuGFZVX/GWuD03MT1DfmAXsccfyQIrMoNzTRYREXNRfBfnJUC+OM8FGV9KWTAN"
    "1yJpJfkIRxTMwXt6UWYOp91PsTl8QZjDKsklXziByTLhQS1LFQE+LxOEep4fg3qeCUGNdu"
    "uyAEcUDALcK7NA9PIXiF5mgYiEoAzGuUJOgob74wgmeSzRZAH913Q8ysltCfqnowXUpSP8"
    "T9AaNLh1/rFyobcmCQtX1RwV2u/xbf/Z1JJcgCPGJxEokAnfSUfqdJMRAHgAHr7DeiBHXv"
    "hOxm2Tb+rK2ifqU6KvLKSObDoEFTq40i1SoBdeH9B81jPPUm4zS9n7n0KKCfvXI8PsF9rm"
    "E5XQuoCWjpwk8Bw5PCJhTs85K4XxWQHGZ1mM8R73XwNSzeI4TYsoi65lmOCv94a9NGgz7Q"
    "9Gc+dyC5dbClx0gQnwjR6oe38UdjyiJJ/8W710rPnjCd65+qTfIAiHIP1G4Tn50q9vBefC"
    "L1vCrwM07IrQiVamIm9aipCZ6MRW3GqxOLANpdy2JaglX+ygtI9SykeB7pEW0/ar2B2Q0t"
    "GIYueiLZwW4TgNC/mOTSsamgzXLtrMaTCO07Q4ky23nbn8qQTGn3Ih/sRV58N1epcoCbgP"
    "B/jCoC4ucDWeXQqIbg4H9w/jCfqh6qZh+XEiX/pDL0zElbU57D8MLgXZVDv7/xQWmrF8xA"
    "UcSMF/haU3UpS88EaFwhvclsS6LYmnsLPM9RCjdAp7JQtiusZydQtZqqzzkc2FUqZEw3UW"
    "xsvbYBpvxzguBaQUQH7qyRsnEmv5OXSW1gjMDQaQnCARwhkmSpSwXzOVa/qd0h4tKu5SDm"
    "6eMUlHF7tFVulERiBI0HAjdWtbdsNGarQNq+Rg3uKy1HG69mIhj6AitWkZnu3eUR2Nzvqc"
    "JmTOVtpQgAYlzhxfKnwf0YvRwBv2Zw7d01Lonhage5pF9xXIhEyv4qU3pGGoKEwtCy8vt9"
    "VuURheZ6OJOhvX/el1/0YsqljQZCALYps+Q2vXo/+uGd0hcb1QfVihnpIT77ozL/rWhRBo"
    "Ano27RVp1rZgrARZwAMhLDdAsB1g2qjF17qFZwAd1G4Z7nrTFZ5VZyNgw5ydTaGuc2CuwR"
    "yWBhNU/4CuvgA5WdN5gmCKkLmo8/p9jP5HjQGiADpBxGB6YiOSobckZVHOT6bbEhxGNh2+"
    "H8+m457EA/UpcU/ij8j1GjyJTQrfYV4CQe6OpSzki9zx7Ahuo2dHwt1nIPlBQt1yJDmPdm"
    "4y2tky8gz4u6MWQ9oWkdajlZgmbrG4ilXaYrGHGEXVlvzae4Q1pihCMUHXYnxiuOzw8EQu"
    "Xh6IeFlGqfArXdA5KBI0DLl9mvJMLLYVR97ok4hKlxwXvmWdEYmJRV05uUlVKIgaJGhCUT"
    "xhviIUxS3udjqIT8B6FXRg2+hJBMcQZMFEOpQBu8KzpToOgIIKPS8BGgjafiU77EDATX5d"
    "VvSn7AhL2bWBLahO1v/Q0D3KFH5FU9zxZjg0HGkBVugToCz8yvW3N+pviIFkj3SR7hYjYs"
    "kZ3bLm5oAXgnSVf3Rk2J8JL0WR1NTEkZEWMLVXSZetR9ek8Vyk6d7kwDjMnbg1T4UpWzaQ"
    "8JZIY7BIUrGXPlx/CVwFKK4pPQKqIq0JIua8zacXpdygFwVu0AsefthekeGtZFjF8LYlbh"
    "FoE0AliCWisbw9iKObwejuUgjo53Aattixlpn305nD2/5gKN7gJ1A1oMzhdX90LQ69Jv9k"
    "adRaxV53Wi5KoCBIIFOFIxLpM2wstiAlKRm0IB2JxYjgkMyajGSkIOomKcusOFA4TsdzNO"
    "KWV01Gs1qRXOioGrXxNU1cw9dzYMITSx+PJuPsNcvKO1GFzOQkFXPCRDOZOKG3ObBzVXdX"
    "JwdgyODdsvWDe5jyGcKuhwlLsRVYHiPjO9oh72iJ83BLmuoTNAwtqLUdXbL/7DEGAS5w0b"
    "Z//PWB4VvWRZt/+jX51OD9ZuUdKci7kvL27Q1PcIHgE09zqVxRDx4nzJafmRec/pHDhA/I"
    "E9TMaTcLw6Xy5W8JGDDftO3KJxZG3mFtJtZFPmbZtw5Tsw1epDxZt+A02gQVA/O36bxkXY"
    "UBYFKFqZul5rM4Ca/88hZ4M9Qc3qTO5sWCypqExWjZfKXOsM8dgLmloxHRIgOf4lrbYoeV"
    "eRAfhPOhDB90dDMchSYTnLL5wCepONIlj470yjei6eohR1VpgkjMq04UC+EVYjntR1Wj40"
    "xEwdlROzsQFJZKOlYvnx8xEs6Q2hmyNVtpKnyk2TEyhMxtGo0EeNiqA6ixThBxnMvg/PRI"
    "jXKMhGNcBmOs8puWSjovqdBMsKVhSIWtzYmO2UYNapyGg5oFVbVxahQSI0hOnR2FGWKE/O"
    "QoitIMG9mWlhtVUyxAsAEUop4m5bhT4C5rmoTLrforQk4aWyH8OSNwLlBwYaVatiOtLFCJ"
    "AwRqjj7N2gM0U9rIUKkCfpaYY0+BvQ2WFnAQgDahekiRuy5Bxtrx0Q246wzobLRXpLPoKs"
    "ExusOdlCZuL7epdwTJTX49a8lYBT43G22FxpOqkOTHXIyLB2Emmaw2IZ2fdcxP787B+0hP"
    "7+blAHk5wIMxqbCbrMVrjLPG9RAjflpxC4kciW8pcUZpdaQSx6OyiBM/1XkHQPgM4jd+bi"
    "WPHz7K+cMPvX7zodeU+V8T8KSC5w4h8yu40i3K+bK8Pg1ke32L708df8/bGJZfX5Snge0p"
    "DSxgQgbYcoW9IupDroHZuR4OvJJdvnlqDh+mv11/Hg/Hd4Mpak0nwVKX6uqVKdXVyy/V1c"
    "sccoCWQ790GY2pM6JiyDNeh5Hz8Ou6MpMKxu0S+RP6ODXUMnaJ2MZOVw4jS8hS+eqmymGk"
    "5Kgk1tRFG9jU9bupog3ZmXZIBylPlxuguBpQxCcAiUUbUj0KRXg77CuBp9AWtPtog75gaj"
    "KEQBGCEwVWhiXIUIgh93fBdq0n9QnYAlo8HNly7K5gudAWDDTFsicZ1DNkGV3Cq+Sb1iRi"
    "5xkoaAC0s/CzDFpVLvLrMe9WLdqvzVxFsRiPbgeTe2ki/vuLiHUJBPBKtXTJAui+NlI1oh"
    "73g9GNOJF6vc/xbjp+Igu1bkh9T4l9T1Hf/pfZWPKLDV8K3ubslxvG1Ymn08F4tB0FVyq2"
    "bfTA2xHmcCL+MhC/Ro/tK/3hU1dRgnplvLa9fK9tL+O1DT5ZSjEyomJQhDwSkZHg1MjKjD"
    "9uQfHJl9HIa0HbHPRabhDGl4JiQEAuII56TMYPD7hNsQzTxC3JwuOV7Ba1lxjntac79Vou"
    "eO3pH2dBNFxnadDVhIqRMGCraiGRi5un8tFn1zy1UqFqbyqxPUXKV9BDXkG5GZKbIbkZ8i"
    "1mSGA94eRakv0xuNQtNDz6nXipWLbMePstVbrvRbSFimKUWfBvy4A/RF25ttSasIyapKuE"
    "wM5iK0Satj10L47AFMFTPHiKx8GsyezqqgsLickbOvUlQcNQ7FdTiouPVw06y9V2oOPCt6"
    "y2kphY1Gdc7D8x5UhgbzQa3MstICl0Qc5BgTYXJjbUHQeeDrj1wz628RnpCI7gmt/RcW0e"
    "xdGu+pdgAY0ckiBkUAw5ErGjlO2UK06NHergL1oZTMtHOrgkx3iTHj5cj4nSy9e5nYgiGg"
    "xRzuFncXhzKWzQe80h0oh+xnEKSNd7rBanUHOtAvxY1RzqSUruCzrk9Yxrz/lfF7va8/4P"
    "5jw4ZtdsYPXWwMUrHbhJImZOjGvKPrHfUzkPbQaXNVbsOpazhG+VWyyqWywyS0QWtjEEMw"
    "P9U3LeVj6sd69rQ9npmlwTyxjX8vD23StSYThGOGNDFvzI85bCeBbUnSCYz6KKFPkGtFjp"
    "izLpV0H2hfBu7p6cn330/j3B/56vvL973r+y394VNCTF/XQpPG9kR3A2IEhuF2QbqVlBop"
    "WCrhq6oDrCs2wLuuzgxDDBMUiZWi3ffXeMx7dtChA3++0l6sOr6km2W+TEfWwpmDuk9qxM"
    "jYez/BoPZ5kaD8eVG4d0xrWryRatVWgi3n0Z9ic4w8yj92xDD9Ln/sg3EPn1p6tYherPXj"
    "lCQ51h+ucG0LBk/CCOLgVMOYf96XRwN8LmOdm2kVKBE4uuh+Opl32kGbb3m5CQdBgM42ds"
    "VTfoNXLGlmmBFbAAXNIxJUV2GIzBt2WHMTHdmI41acLDYA5TX01OAcGCgxtDAs6MBpYwfB"
    "KMo9JJvkmqWo502LfdOLl3X5TZu9OG/9jefZGpya7CR6IRuaAke0TC2qEZ9ctG3P+VDz27"
    "/i9eIJw1rhOc3ZkSu77tjc4ll6DhMcNZR6eJa+IYrk3pRk5ScWAJwO7dR88gwAXe5OXWjf"
    "ZGP3Jlf9yBOoO6KY9cYknMcciRVogaoGWtvnka2tSyWAbcvcZAHCvMO0IgeNZGU6ccQPDi"
    "SPyog7aTW/rAUpebDsE/H1zpFvnn5agPL1ZwTNJOt8Bt/QQsm3iqT75hKUbCYsmCDx/KlC"
    "z48CG/ZAG+lqr0hz4qCoSD7gyie1qqIMRpQUGIU0KZMgM6RJk93ycQI2nfK7CfnITa7P8Z"
    "5anN6jvf/w/4uLRh"
)

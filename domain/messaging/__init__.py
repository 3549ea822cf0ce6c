"""Telling people: the Outbox, its delivery, texts, buttons, planned events and cron jobs."""

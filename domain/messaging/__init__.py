"""Telling people: the Outbox and its delivery, the texts and notices, buttons by intent."""

"""Clients, psychologists and staff: identity, roles, invites and the client-base import."""

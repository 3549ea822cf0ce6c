"""The rules of the service, by capability (booking, schedule, tickets, messaging, people, and
what follows a booking over time), over a small shared kernel. Use cases take ids and domain
values and return dataclasses or the records of domain/entities.py.

Imports no aiogram, aiohttp, Redis nor aiocron, and knows no wire format (`lint-imports`).
"""

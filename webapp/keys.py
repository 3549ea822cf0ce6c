"""Typed keys for objects shared through the aiohttp application."""

from aiohttp import web

from services import Services

SERVICES = web.AppKey("services", Services)

"""Typed keys for objects shared through the aiohttp application."""

from aiohttp import web

from services import Services
from webapp.read_cache import ReadCache

SERVICES = web.AppKey("services", Services)
READ_CACHE = web.AppKey("read_cache", ReadCache)

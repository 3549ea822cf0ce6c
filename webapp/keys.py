"""Typed keys for objects shared through the aiohttp application."""

from aiohttp import web

from domain.read_cache import ReadCache
from services import Services

SERVICES = web.AppKey("services", Services)
READ_CACHE = web.AppKey("read_cache", ReadCache)

"""Business rules shared by the bot and the web: plain async functions over `db` models.

Imports neither aiogram nor aiohttp.
"""

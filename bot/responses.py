"""aiogram reads every Bot API answer as `Response[T]`, a pydantic generic class that pydantic
remembers only weakly: each time the garbage collector frees one, the next call of its method
builds the class and its schema again (bench/bot.py's 2,000 /start updates rebuilt one 230
times, a sixth of the bot's CPU). `keep_response_types` holds every method's `Response[T]` for
the life of the process."""

from __future__ import annotations

import functools
import inspect

from aiogram import methods
from aiogram.methods.base import Response, TelegramMethod


@functools.cache
def keep_response_types() -> tuple[type[Response[object]], ...]:
    """Every Bot API method's answer class, built once (the cache holds them)."""
    answers = {
        method.__returning__
        for _name, method in inspect.getmembers(methods, inspect.isclass)
        if issubclass(method, TelegramMethod) and method is not TelegramMethod
    }
    return tuple(Response[answer] for answer in answers)  # type: ignore[valid-type]

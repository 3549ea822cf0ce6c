"""Objects of the running process that the domain reaches without holding them: its change feed
and its outbox signal. The domain declares a Binding for each; every adapter binds its
process's object for what it runs (a web request, a bot update, a job, the sender's work), and
the domain finds it there. With nothing bound, the domain finds nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Generic, TypeVar

T = TypeVar("T")


class Binding(Generic[T]):
    """One kind of object bound to the running code: a context variable, so that concurrent
    requests, updates and tasks each see theirs, and a task sees what was bound where it
    started. Declare one per kind at module level (context variables are never freed)."""

    def __init__(self, name: str) -> None:
        self._var: ContextVar[T | None] = ContextVar(name, default=None)

    @contextlib.contextmanager
    def bound_to(self, value: T) -> Iterator[T]:
        """`value` for the block, and for the tasks started in it."""
        token = self._var.set(value)
        try:
            yield value
        finally:
            self._var.reset(token)

    def get(self) -> T | None:
        return self._var.get()

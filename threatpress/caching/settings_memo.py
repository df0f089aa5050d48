"""Values the hit path derives from settings, computed once per process.

A cache hit is answered in tens of microseconds, and each `settings.NAME` costs about a
microsecond through Django's lazy settings object; the hit path reads its settings through
these memos instead. A changed setting (tests' override_settings) forgets them all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TypeVar

from django.core.signals import setting_changed

F = TypeVar("F", bound=Callable)
_memos: list = []


def from_settings(function: F) -> F:
    memo = cache(function)
    _memos.append(memo)
    return memo  # type: ignore[return-value]


def forget(**kwargs) -> None:
    for memo in _memos:
        memo.cache_clear()


setting_changed.connect(forget, dispatch_uid="tp-caching-settings-memo")

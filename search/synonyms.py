"""Operator-managed synonyms, expanded when a query is analysed (never at index time).

Expanding queries rather than documents means a new group applies to the next search,
with no reindexing, and identically in both backends. Every process checks a version
key in the shared cache (at most once a second), so an admin edit reaches the process
that made it at once and every other within a second.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from itertools import product

_VERSION_KEY = "search:synonyms-version"
_ASCII_WORD = re.compile(r"^[a-z0-9][a-z0-9 .+#\-/]*$")

_lock = threading.Lock()
_state: dict[str, object] = {"version": object(), "groups": (), "checked": -1e9}
# Seconds between two looks at the shared version key: a search looks at the groups
# twice or more, and each look is a Redis round trip.
CHECK_EVERY = 1.0


def _version() -> object:
    from django.core.cache import cache

    try:
        return cache.get(_VERSION_KEY, 0)
    except Exception:  # the cache is down: keep the groups loaded last
        return _state["version"]


def synonyms_changed() -> None:
    """Tell every process to reload the synonym groups."""
    import time

    from django.core.cache import cache

    try:
        cache.set(_VERSION_KEY, time.time_ns(), None)
    except Exception:
        logging.getLogger(__name__).warning("cache down: synonym change not shared")
    _state["version"] = object()
    _state["checked"] = -1e9  # this process reloads on its next search


def groups() -> tuple[tuple[str, ...], ...]:
    """The active synonym groups, each a tuple of normalised terms."""
    now = time.monotonic()
    if now - _state["checked"] < CHECK_EVERY:  # type: ignore[operator]
        return _state["groups"]  # type: ignore[return-value]
    _state["checked"] = now
    version = _version()
    if version != _state["version"]:
        with _lock:
            from search.models import Synonym

            try:
                loaded = tuple(
                    tuple(terms)
                    for terms in (
                        group.term_list()
                        for group in Synonym.objects.filter(is_active=True)
                    )
                    if len(terms) >= 2
                )
            except Exception:  # no table yet (before migrate) or no database
                logging.getLogger(__name__).warning(
                    "synonyms unavailable", exc_info=True
                )
                loaded = ()
            _state["groups"] = loaded
            _state["version"] = version
    return _state["groups"]  # type: ignore[return-value]


def _find(text: str, term: str) -> int:
    """Where ``term`` occurs in ``text`` as a whole term, or -1.

    Chinese terms match anywhere; Latin ones only between non-letters, so that "ai"
    is not found in "chain".
    """
    if not _ASCII_WORD.match(term):
        return text.find(term)
    match = re.search(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])", text)
    return match.start() if match else -1


def variants(text: str, limit: int = 6) -> list[str]:
    """``text`` rewritten with each synonym of each term it contains (longest terms first)."""
    spans: list[tuple[int, int, tuple[str, ...]]] = []
    taken: list[tuple[int, int]] = []
    terms = sorted(
        ((term, group) for group in groups() for term in group),
        key=lambda item: -len(item[0]),
    )
    for term, group in terms:
        at = _find(text, term)
        if at < 0:
            continue
        end = at + len(term)
        if any(at < t_end and t_start < end for t_start, t_end in taken):
            continue
        taken.append((at, end))
        spans.append((at, end, tuple(t for t in group if t != term)))
    if not spans:
        return []
    spans.sort()
    choices = [(None, *alternatives) for _, _, alternatives in spans]
    rewrites: list[str] = []
    for picked in product(*choices):
        if all(choice is None for choice in picked):
            continue
        parts, position = [], 0
        for (start, end, _), choice in zip(spans, picked, strict=True):
            parts.append(text[position:start])
            parts.append(text[start:end] if choice is None else f" {choice} ")
            position = end
        parts.append(text[position:])
        rewrites.append(re.sub(r"\s+", " ", "".join(parts)).strip())
        if len(rewrites) >= limit:
            break
    return rewrites


def forget() -> None:
    """Drop this process's groups: the next search reloads them (tests, commands)."""
    _state["version"] = object()
    _state["checked"] = -1e9

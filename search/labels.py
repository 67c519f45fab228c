"""Names of the codes a search answers with: fields, regions, modes and choice values.

Reference rows (technology fields, regions, cooperation modes) change rarely, so their
names are read once per process and kept until a version key in the shared cache
changes: an edit of any of them drops the key, and every process reloads on its next
search. Both languages are kept. A search answer names a hundred codes or more, so it
takes a ``Labels`` for its language once and asks it: each name is then a dictionary
look-up, and the labels of choice values are remembered per language.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language, gettext_lazy

from market.models import (
    CooperationMode,
    ListingKind,
    MaturityStage,
    OrganisationKind,
    Region,
    TechField,
)
from market.selectors import PRICE_BAND_LABELS

logger = logging.getLogger(__name__)

_VERSION_KEY = "search:labels-version"
_TIMEOUT = 24 * 3600

Names = dict[str, tuple[str, str]]  # code → (Chinese name, English name)

_lock = threading.Lock()
_state: dict[str, Any] = {"version": None, "tables": None, "checked": 0.0}
# Language → (facet, value) → label, for the names made of translations and tables;
# emptied whenever the tables are reloaded. Bounded: codes and choices are finite.
_memos: dict[str, dict[tuple[str, str], str]] = {}
MEMO_LIMIT = 20_000
CHECK_EVERY = 5.0  # seconds between two looks at the shared version key


def _version() -> str | None:
    from django.core.cache import cache

    try:
        version = cache.get(_VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            # add(): two processes starting together agree on one version.
            cache.add(_VERSION_KEY, version, _TIMEOUT)
            version = cache.get(_VERSION_KEY, version)
        return str(version)
    except Exception:  # the cache is down: keep what this process has
        return _state["version"]


def _load() -> dict[str, Names]:
    return {
        "field": {
            code: (name, name_en)
            for code, name, name_en in TechField.objects.values_list(
                "code", "name", "name_en"
            )
        },
        "region": {
            code: (name, name_en)
            for code, name, name_en in Region.objects.values_list(
                "code", "name", "name_en"
            )
        },
        "mode": {
            code: (name, name_en)
            for code, name, name_en in CooperationMode.objects.values_list(
                "code", "name", "name_en"
            )
        },
    }


def _tables() -> dict[str, Names]:
    # A search asks for a hundred labels or more: look at the shared version once every
    # few seconds, not once a label (each look is a Redis round trip).
    now = time.monotonic()
    tables = _state["tables"]
    if tables is not None and now - _state["checked"] < CHECK_EVERY:
        return tables  # type: ignore[no-any-return]
    version = _version()
    if tables is None or version is None or version != _state["version"]:
        with _lock:
            tables = _load()
            _state["tables"], _state["version"] = tables, version
            _memos.clear()
    _state["checked"] = now
    return tables  # type: ignore[no-any-return]


def labels_changed(*args: Any, **kwargs: Any) -> None:
    """Reference data changed: every process reloads the names on its next search."""
    from django.core.cache import cache

    _state["tables"] = None
    _memos.clear()
    try:
        cache.delete(_VERSION_KEY)
    except Exception:  # the cache is down: other processes reload after its timeout
        logger.warning("cache down: label change not shared", exc_info=True)


for _model in (TechField, Region, CooperationMode):
    post_save.connect(
        labels_changed,
        sender=_model,
        dispatch_uid=f"search.labels.{_model.__name__}.save",
    )
    post_delete.connect(
        labels_changed,
        sender=_model,
        dispatch_uid=f"search.labels.{_model.__name__}.delete",
    )


class Labels:
    """The names of codes in the active language, for one search answer.

    Take one per answer (not per label): the language and the tables are resolved
    once, which matters when a page of results names a hundred codes.
    """

    def __init__(self) -> None:
        language = get_language() or "zh-hans"
        self.tables = _tables()
        self.english = language.startswith("en")
        memo = _memos.get(language)
        if memo is None or len(memo) > MEMO_LIMIT:
            memo = _memos[language] = {}
        self.memo = memo

    def name(self, table: str, code: str) -> str:
        names = self.tables[table].get(code)
        if names is None:
            return code
        name, name_en = names
        return name_en if self.english and name_en else name

    def field(self, code: str) -> str:
        """The name of a technology field or sub-field."""
        return self.name("field", code)

    def region(self, code: str) -> str:
        """The name of one administrative division."""
        return self.name("region", code)

    def mode(self, code: str) -> str:
        """The name of a cooperation mode."""
        return self.name("mode", code)

    def region_path(self, codes: tuple[str, ...] | list[str]) -> str:
        """ "江苏省 苏州市 吴中区" from a listing's province, city and district codes."""
        names: list[str] = []
        for code in sorted(codes):
            name = self.region(code)
            # Municipalities repeat their own name at city level (北京市 北京市).
            if not names or names[-1] != name:
                names.append(name)
        return " ".join(names)

    def facet(self, facet: str, value: str) -> str:
        """The label of one value of a facet (its code when nothing better is known)."""
        if facet in ("field", "subfield"):
            return self.field(value)
        if facet == "region":
            return self.region(value)
        if facet == "mode":
            return self.mode(value)
        key = (facet, value)
        label = self.memo.get(key)
        if label is None:
            label = _choice_label(facet, value)
            if label is None:
                return value  # unknown: not remembered, the memo stays bounded
            self.memo[key] = label
        return label

    def remembered(self, key: tuple[str, str], make: Callable[[], str]) -> str:
        """A label made of translations (e.g. a maturity stage), made once a language."""
        label = self.memo.get(key)
        if label is None:
            label = self.memo[key] = make()
        return label


# The kind filter's value for challenges (search.query.CHALLENGE): not a ListingKind.
CHALLENGE_LABEL = gettext_lazy("Challenge")


def _choice_label(facet: str, value: str) -> str | None:
    if facet == "kind" and value == "challenge":
        return str(CHALLENGE_LABEL)
    choices = {
        "kind": ListingKind,
        "stage": MaturityStage,
        "org": OrganisationKind,
    }.get(facet)
    if choices is not None:
        try:
            return str(choices(value).label)
        except ValueError:
            return None
    if facet == "price" and value in PRICE_BAND_LABELS:
        return str(PRICE_BAND_LABELS[value])
    return None


def warm_up() -> None:
    """Load the name tables now (a web process does so before serving)."""
    try:
        _tables()
    except Exception:  # no database yet: the first search loads them
        logger.warning("labels not loaded at start", exc_info=True)

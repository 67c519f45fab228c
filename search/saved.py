"""Saved searches: a user keeps a search under a name and is told once about each newly
published item it finds.

Matching runs the real search — the same query plan, filters and backend as the
search page — restricted to the new item (``SearchRequest.only``), so a saved search
finds exactly what the page would. The item must be in the public index (what the
search page shows anyone); items of the user's own organisations are never
announced. ``SavedSearchMatch`` holds one row per (saved search, item): a re-published
or edited item finds its row and is not announced again. Notifications go through the
notifier ``accounts`` registers (``market.notifier``), kind ``saved_search_match``, so
the user's channel preferences apply.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from market import membership, notifier
from market.kinds import registry as kinds
from market.models import Challenge
from search.backends import get_backend
from search.documents import search_key
from search.labels import CHALLENGE_LABEL, Labels
from search.models import SavedSearch, SavedSearchMatch
from search.query import CHALLENGE, SearchRequest

logger = logging.getLogger(__name__)

KIND = "saved_search_match"
# Restricted searches sent in one round trip.
CHUNK = 100


class SavedSearchLimit(Exception):
    """The user keeps as many saved searches as allowed already."""


class ItemNotSearchable(Exception):
    """The item is not (yet) in the public index: published a moment ago, or not public."""


def search_params(request: SearchRequest) -> dict[str, str]:
    """What a saved search keeps of a request: the text and the filters."""
    return request.as_params(sort="", page="", verbatim="")


def request_of(saved: SavedSearch) -> SearchRequest:
    """The saved search as a search request (malformed stored values are dropped)."""
    params = saved.params if isinstance(saved.params, dict) else {}
    return SearchRequest.from_params({k: str(v) for k, v in params.items()})


def summary(params: Mapping[str, Any]) -> str:
    """A one-line description of saved parameters: the text, then the filters' names."""
    request = SearchRequest.from_params({k: str(v) for k, v in params.items()})
    labels = Labels()
    parts = [f"“{request.q}”"] if request.q else [_("everything")]
    for name, value in request.filters.as_params().items():
        parts.append(value if name == "trl" else labels.facet(name, value))
    return " · ".join(parts)


def save_search(user_id: int, *, name: str, request: SearchRequest) -> SavedSearch:
    """Keep ``request`` under ``name`` for ``user_id``; refused beyond the limit."""
    with transaction.atomic():
        # The user's row locked: two saves at once cannot both pass the limit.
        from django.contrib.auth import get_user_model

        get_user_model().objects.select_for_update().filter(pk=user_id).first()
        if (
            SavedSearch.objects.filter(user_id=user_id).count()
            >= settings.SAVED_SEARCHES_PER_USER
        ):
            raise SavedSearchLimit
        return SavedSearch.objects.create(
            user_id=user_id, name=name.strip(), params=search_params(request)
        )


def delete_search(user_id: int, saved_search_id: int) -> bool:
    """Delete the user's saved search; False when it is not theirs (or gone)."""
    deleted, _rows = SavedSearch.objects.filter(
        pk=saved_search_id, user_id=user_id
    ).delete()
    return bool(deleted)


def set_paused(user_id: int, saved_search_id: int, *, paused: bool) -> bool:
    """Pause or resume the user's saved search; False when it is not theirs."""
    return bool(
        SavedSearch.objects.filter(pk=saved_search_id, user_id=user_id).update(
            paused=paused
        )
    )


def _item_organisation(kind: str, item_id: int) -> int | None:
    """The organisation that published the item (None: unknown kind or gone)."""
    if kind == CHALLENGE:
        return (
            Challenge.objects.filter(pk=item_id)
            .values_list("issuer_id", flat=True)
            .first()
        )
    if kind not in kinds:
        return None
    model = kinds.get(kind).model
    found = model.objects.filter(pk=item_id).values_list("organisation_id", flat=True)
    return found.first()


def _item_context(kind: str, item_id: int) -> dict[str, Any]:
    if kind == CHALLENGE:
        return {
            "item": Challenge.objects.filter(pk=item_id).first(),
            "kind_label": CHALLENGE_LABEL,
            "url": reverse("challenges:detail", args=[item_id]),
        }
    spec = kinds.get(kind) if kind in kinds else None
    item = spec.model.objects.filter(pk=item_id).first() if spec else None
    from cms.catalogue import catalogue_urls

    base = catalogue_urls(None).get(kind, "")
    return {
        "item": item,
        "kind_label": spec.label if spec else kind,
        "url": f"{base}{item_id}/" if base else "",
    }


def matching_searches(kind: str, item_id: int) -> list[int]:
    """Ids of the active saved searches that find item ``(kind, item_id)`` now.

    Raises ``ItemNotSearchable`` when the public index does not hold the item: the
    first of the searches sent is the item alone, without text or filters.
    """
    candidates = list(
        SavedSearch.objects.filter(paused=False, user__is_active=True)
        .exclude(
            pk__in=SavedSearchMatch.objects.filter(kind=kind, item_id=item_id).values(
                "saved_search_id"
            )
        )
        .order_by("pk")
        .values_list("pk", "params")
    )
    if not candidates:
        return []
    backend = get_backend()
    key = search_key(
        kind, item_id
    )  # what the document holds (a challenge's is negative)
    presence = SearchRequest(only=(kind, key), per_page=1)
    found: list[int] = []
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start : start + CHUNK]
        requests = [
            dataclasses.replace(
                SearchRequest.from_params(
                    {k: str(v) for k, v in (params or {}).items()}
                ),
                only=(kind, key),
                per_page=1,
                page=1,
            )
            for _pk, params in chunk
        ]
        answers = backend.search_many(([presence] if start == 0 else []) + requests)
        if start == 0:
            if not answers[0].total:
                raise ItemNotSearchable(f"{kind} {item_id}")
            answers = answers[1:]
        found += [
            pk for (pk, _p), answer in zip(chunk, answers, strict=True) if answer.total
        ]
    return found


def notify_new_item(kind: str, item_id: int) -> int:
    """Tell the owners of the saved searches that find the new item, each once; how
    many saved searches told their user now."""
    matched = matching_searches(kind, item_id)
    if not matched:
        return 0
    owner = _item_organisation(kind, item_id)
    context = _item_context(kind, item_id)
    told = 0
    for saved in SavedSearch.objects.filter(pk__in=matched).order_by("pk"):
        if owner is not None and owner in membership.active_organisation_ids(
            saved.user_id
        ):
            continue  # the user's own organisation's item
        try:
            with transaction.atomic():
                SavedSearchMatch.objects.create(
                    saved_search=saved, kind=kind, item_id=item_id
                )
                with translation.override(settings.LANGUAGE_CODE):
                    message = {**context, "saved": saved}
                    subject = render_to_string(
                        "search/email/saved_search_match_subject.txt", message
                    )
                    body = render_to_string(
                        "search/email/saved_search_match_body.txt", message
                    )
                notifier.notify(
                    [saved.user_id],
                    kind=KIND,
                    subject=" ".join(subject.split()),
                    body=body.strip(),
                    url=context["url"],
                )
                SavedSearch.objects.filter(pk=saved.pk).update(
                    last_notified_at=timezone.now()
                )
        except IntegrityError:
            continue  # told already (another run got there first)
        told += 1
    logger.info("%s %s matched %s saved searches", kind, item_id, told)
    return told


def on_published(kind: str, item_ids: Iterable[int]) -> None:
    """Schedule the saved-search check of newly published items after the commit."""
    ids = sorted({int(pk) for pk in item_ids})
    if not ids:
        return
    from search.tasks import match_saved_searches

    for item_id in ids:
        match_saved_searches.delay_on_commit(kind, item_id)


def on_listing_status_changed(
    sender: Any, *, listing_id: int, kind: str, new_status: str, **kwargs: Any
) -> None:
    """A listing was published: check the saved searches once it is indexed."""
    if new_status == "published":
        on_published(kind, [listing_id])


def on_listings_status_changed(
    sender: Any, *, listing_ids: Iterable[int], new_status: str, **kwargs: Any
) -> None:
    """Many listings were published at once (bulk moderation, an import)."""
    if new_status != "published":
        return
    from market.models import Listing

    by_kind: dict[str, list[int]] = {}
    for pk, kind in Listing.objects.filter(pk__in=list(listing_ids)).values_list(
        "pk", "kind"
    ):
        by_kind.setdefault(kind, []).append(pk)
    for kind, ids in by_kind.items():
        on_published(kind, ids)


def on_challenge_status_changed(
    sender: Any, *, challenge_id: int, new_status: str, **kwargs: Any
) -> None:
    """A challenge was published (发榜): check the saved searches once it is indexed."""
    if new_status == "published":
        on_published(CHALLENGE, [challenge_id])

"""Challenges (榜单) in the search index: the one place the search app knows them.

Challenges are not listings (``market.kinds.KindSpec`` describes ``Listing``
subclasses: maturity, cooperation modes, price or budget), so they enter the index
through this module rather than the kind registry: which of them are public, their
segmented text, their document body and the receivers that keep them in sync. They
use the listings' machinery unchanged — ``ListingText`` (version and words), the
``IndexOutbox`` and its drain, ``EmbeddedDocument`` — under a negative key
(``search.documents.search_key``: challenge 7 is -7), in their own index
(``<prefix>-challenges``) with the listings' mapping.

Public means ``market.models.PUBLIC_CHALLENGE_STATUSES`` (published and after, never
a draft, submitted, rejected or withdrawn challenge). An anonymous challenge's issuer
is neither stored with its text nor put into its document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q, QuerySet

from market import regions
from market.models import (
    PUBLIC_CHALLENGE_STATUSES,
    Challenge,
    ChallengeIndicator,
    Confidentiality,
)
from search.analysis import char_runs, normalise, segment, segment_many
from search.documents import (
    CHALLENGE,
    CHALLENGE_INDEX,
    Change,
    _suggest_inputs,
    _terms,
    _texts,
    item_id,
    search_key,
)

# The objectives are the hit's snippet; a document keeps the first of them only.
SUMMARY_LENGTH = 600

_ROW = (
    "pk",
    "title",
    "objectives",
    "confidentiality",
    "bounty_wan",
    "status",
    "application_deadline",
    "published_at",
    "issuer__name",
    "issuer__kind",
    "field__code",
    "region__code",
)


def public_ids() -> QuerySet[Any]:
    """Primary keys of the public challenges, in primary-key order."""
    return (
        Challenge.objects.filter(status__in=PUBLIC_CHALLENGE_STATUSES)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _plain(value: str) -> str:
    from search.texts import plain_text

    return plain_text(value)


def segmented_texts(keys: Iterable[int]) -> dict[int, dict[str, str]]:
    """The ``ListingText`` fields of the challenges that exist, by search key."""
    ids = [item_id(CHALLENGE, key) for key in keys]
    found: dict[int, dict[str, str]] = {}
    challenges = Challenge.objects.filter(pk__in=ids).select_related("issuer")
    indicators: dict[int, list[str]] = {}
    for challenge_id, name in ChallengeIndicator.objects.filter(
        challenge_id__in=ids
    ).values_list("challenge_id", "name"):
        indicators.setdefault(challenge_id, []).append(name)
    for challenge in challenges:
        body = [
            part
            for part in (
                _plain(challenge.background),
                challenge.deliverables,
                *indicators.get(challenge.pk, []),
            )
            if part
        ]
        hidden = challenge.confidentiality == Confidentiality.ANONYMOUS
        issuer = challenge.issuer
        found[search_key(CHALLENGE, challenge.pk)] = {
            "title_words": segment(challenge.title),
            "keywords_words": "",
            "summary_words": segment(challenge.objectives),
            "body_words": segment_many(body),
            "body_text": normalise(" ".join(body)),
            # Never the name of an anonymous challenge's issuer, not even here.
            "organisation_words": ""
            if hidden
            else segment_many([issuer.name, issuer.short_name]),
        }
    return found


def body_of(row: dict[str, Any], text: dict[str, Any]) -> dict[str, Any]:
    """The document body of a public challenge (a row of ``_ROW``) and its words."""
    hidden = row["confidentiality"] == Confidentiality.ANONYMOUS
    key = search_key(CHALLENGE, row["pk"])
    code = row["field__code"] or ""
    field_codes = [code[:2], code] if len(code) > 2 else ([code] if code else [])
    title, title_words = row["title"], text["title_words"]
    summary = (row["objectives"] or "").strip()[:SUMMARY_LENGTH]
    organisation = "" if hidden else row["issuer__name"]
    bounty = float(row["bounty_wan"]) if row["bounty_wan"] is not None else None
    published_at = row["published_at"]
    deadline = row["application_deadline"]
    return {
        "listing_id": key,
        "kind": CHALLENGE,
        "title": title,
        "title_words": title_words,
        "keywords": [],
        "keywords_words": "",
        "summary": summary,
        "summary_words": text["summary_words"],
        "body_words": text["body_words"],
        "organisation": organisation,
        "organisation_words": "" if hidden else text["organisation_words"],
        "organisation_kind": "" if hidden else row["issuer__kind"],
        "chars": [
            run
            for part in (title, summary, text["body_text"] or "", organisation)
            for run in char_runs(part)
        ],
        "field": code,
        "field_codes": field_codes,
        "region_codes": regions.chain(row["region__code"]),
        "maturity": None,
        "stage": "",
        "modes": [],
        # The bounty is the challenge's amount: sorted, filtered and counted in the
        # price bands like a price or a budget.
        "amount": bounty,
        "amount_from": bounty,
        "amount_to": bounty,
        "negotiable": False,
        "published_at": published_at.isoformat() if published_at else None,
        "view_count": 0,
        "status": row["status"],
        "deadline": deadline.isoformat() if deadline else None,
        "terms": _terms(title_words, []),
        "suggest": {
            "input": _suggest_inputs(title, title_words, []),
            "weight": 1,
            "contexts": {"kind": [CHALLENGE]},
        },
    }


def challenge_changes(keys: list[int]) -> Iterator[Change]:
    """The change each challenge (by search key) needs, from current database state."""
    ids = [item_id(CHALLENGE, key) for key in keys]
    rows = {
        row["pk"]: row
        for row in Challenge.objects.filter(
            pk__in=ids, status__in=PUBLIC_CHALLENGE_STATUSES
        ).values(*_ROW)
    }
    texts = _texts(keys)
    for key in keys:
        text = texts.get(key)
        version = text["version"] if text is not None else 1
        row = rows.get(item_id(CHALLENGE, key))
        body = body_of(row, text) if row is not None and text is not None else None
        yield Change(key, CHALLENGE_INDEX, version, body)


def keys_of_issuer(organisation_id: int) -> list[int]:
    """Search keys of an organisation's public challenges (its name is in them)."""
    return [
        search_key(CHALLENGE, pk)
        for pk in public_ids().filter(issuer_id=organisation_id)
    ]


def keys_containing(word: str) -> list[int]:
    """Search keys of the public challenges whose text mentions ``word``."""
    return [
        search_key(CHALLENGE, pk)
        for pk in public_ids()
        .filter(
            Q(title__icontains=word)
            | Q(objectives__icontains=word)
            | Q(background__icontains=word)
            | Q(deliverables__icontains=word)
            | Q(indicators__name__icontains=word)
        )
        .distinct()
    ]


# -- receivers: keeping the index true ------------------------------------------------


def on_challenge_saved(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    """A public challenge was saved (a step, a moderator's correction): reindex it.

    A step out of the public statuses (withdrawn) is seen by
    ``on_challenge_status_changed``, which knows the status it left.
    """
    if instance.status in PUBLIC_CHALLENGE_STATUSES:
        from search.sync import record_changes

        record_changes([search_key(CHALLENGE, instance.pk)])


def on_challenge_status_changed(
    sender: Any, *, challenge_id: int, old_status: str, new_status: str, **kwargs: Any
) -> None:
    """A challenge left the public statuses: delete its document."""
    if (
        old_status in PUBLIC_CHALLENGE_STATUSES
        and new_status not in PUBLIC_CHALLENGE_STATUSES
    ):
        from search.sync import record_changes

        record_changes([search_key(CHALLENGE, challenge_id)], segment_text=False)


def on_challenge_deleted(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    """A challenge row was deleted: delete its document (a no-op if it had none)."""
    from search.sync import record_changes

    record_changes([search_key(CHALLENGE, instance.pk)], segment_text=False)


def on_indicator_changed(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    """An indicator's name is part of its challenge's text: reindex a public one."""
    public = Challenge.objects.filter(
        pk=instance.challenge_id, status__in=PUBLIC_CHALLENGE_STATUSES
    ).exists()
    if public:
        from search.sync import record_changes

        record_changes([search_key(CHALLENGE, instance.challenge_id)])

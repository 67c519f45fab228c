"""Index documents: the Elasticsearch mapping and the one function that builds bodies.

Both backends store the same JSON body, built from current database state by
``build_bodies``; the expensive part, jieba segmentation, was done when the listing was
saved (``search.texts``), so building a body is a dictionary lookup and a few joins.
Only published listings have a body: anything else is deleted from the public index.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.conf import settings
from django.db.models import QuerySet
from elasticsearch.dsl import (
    Boolean,
    Completion,
    Date,
    Document,
    Float,
    Integer,
    Keyword,
    Long,
    Text,
    analyzer,
    token_filter,
)

from market import regions
from market.kinds import DEMAND, OUTCOME, registry
from market.models import (
    Confidentiality,
    Listing,
    ListingStatus,
    maturity_stage,
)
from search.analysis import STOPWORDS, char_runs, normalise
from search.models import ListingText
from search.query import CHALLENGE

# Challenges (榜单) are no listing kind (``market.kinds`` describes ``Listing``
# subclasses) but a kind of document (``search.query.CHALLENGE``):
# ``search.challenges`` builds theirs.
CHALLENGE_INDEX = "challenges"

# Index (alias) base names by document kind: a listing kind's plural ("outcomes"),
# then the challenges'.
INDEXES: dict[str, str] = {
    **{spec.key: spec.plural for spec in registry},
    CHALLENGE: CHALLENGE_INDEX,
}
KINDS: dict[str, str] = {index: kind for kind, index in INDEXES.items()}


def search_key(kind: str, pk: int) -> int:
    """The one integer that keys an item's text, outbox and embedded rows.

    A listing's is its primary key; a challenge's its primary key negated (challenge
    7 → -7), so the two never collide in the tables keyed by one integer.
    """
    return -int(pk) if kind == CHALLENGE else int(pk)


def item_id(kind: str, key: int) -> int:
    """The primary key of the item a search key (``search_key``) stands for."""
    return -int(key) if kind == CHALLENGE else int(key)


def is_challenge_key(key: int) -> bool:
    return int(key) < 0


# Character bigrams of each run of the text (``search.analysis.char_runs``: the runs are
# separate values, so no bigram spans punctuation or two keywords): the recall of a
# search, which a word segmented differently (提款权 / 提款 权) or a typo cannot break.
# The query side computes the same bigrams in Python (``search.analysis.bigrams``).
char_bigrams = analyzer(
    "char_bigrams",
    tokenizer="standard",
    filter=[
        "lowercase",
        token_filter(
            "run_bigrams",
            "shingle",
            min_shingle_size=2,
            max_shingle_size=2,
            output_unigrams=False,
            output_unigrams_if_no_shingles=True,
            token_separator="",
        ),
    ],
)


class ListingDocument(Document):
    """A published outcome or demand, or a public challenge, as the search sees it."""

    listing_id = Long()
    kind = Keyword()
    title = Text(analyzer="standard")
    title_words = Text(analyzer="whitespace", copy_to="words")
    keywords = Keyword()
    keywords_words = Text(analyzer="whitespace", copy_to="words")
    summary = Text(analyzer="standard")
    summary_words = Text(analyzer="whitespace", copy_to="words")
    body_words = Text(analyzer="whitespace", copy_to="words")
    organisation = Keyword()
    organisation_words = Text(analyzer="whitespace", copy_to="words")
    organisation_kind = Keyword()
    # All the words of a listing in one field: one BM25 over the whole text, so that a
    # short item does not win on a couple of words its short fields happen to hold.
    words = Text(analyzer="whitespace", index_options="freqs")
    # Runs of title, keywords, summary, body and organisation: bigrams, and (``.uni``)
    # single characters for words written in another order (磷掺杂 / 掺磷).
    chars = Text(
        analyzer=char_bigrams,
        index_options="freqs",
        fields={"uni": Text(analyzer="standard", index_options="freqs")},
    )
    field = Keyword()
    field_codes = Keyword()
    region_codes = Keyword()
    maturity = Integer()
    stage = Keyword()
    modes = Keyword()
    amount = Float()
    # The range shown in results (10–50 万元); not searched.
    amount_from = Float(index=False)
    amount_to = Float(index=False)
    negotiable = Boolean()
    published_at = Date()
    view_count = Integer()
    terms = Keyword()
    # Challenges only: their status and application deadline (shown on the hit).
    status = Keyword()
    deadline = Date(index=False)
    suggest = Completion(
        analyzer="simple",
        preserve_separators=False,
        contexts=[{"name": "kind", "type": "category", "path": "kind"}],
    )

    class Index:
        settings = {"number_of_shards": 1, "number_of_replicas": 0}


def index_body() -> dict[str, Any]:
    """Settings and mappings of a new index (the same for every kind)."""
    from elasticsearch.dsl import Index

    index = Index("template")
    index.settings(
        number_of_shards=1,
        number_of_replicas=getattr(settings, "SEARCH_INDEX_REPLICAS", 0),
    )
    index.document(ListingDocument)
    return index.to_dict()


@dataclass(frozen=True)
class Change:
    """What the index must do for one listing: put ``body`` or delete, at ``version``."""

    listing_id: int
    index: str
    version: int
    body: dict[str, Any] | None  # None: delete from the public index


def _terms(title_words: str, keywords: list[str]) -> list[str]:
    """Vocabulary for "did you mean": the keywords and the title's longer words."""
    found: dict[str, None] = {}
    for keyword in keywords:
        found.setdefault(normalise(keyword), None)
    for word in title_words.split():
        if len(word) >= 2 and word not in STOPWORDS:
            found.setdefault(word, None)
    return [term for term in found if term]


def _suggest_inputs(title: str, title_words: str, keywords: list[str]) -> list[str]:
    """Completion inputs: the title from each of its word starts, and each keyword.

    Completion matches prefixes only; starting the title at every word lets "电池"
    find "锂离子电池正极材料" as the visitor types. The word starts come from the
    words segmented at save time, so building a document runs no jieba.
    """
    inputs: dict[str, None] = {}
    text = normalise(title)
    inputs.setdefault(text, None)
    starts = sorted(
        {text.find(word) for word in title_words.split() if len(word) >= 2} - {-1, 0}
    )
    for at in starts:
        inputs.setdefault(text[at:][:60], None)
    for keyword in keywords:
        inputs.setdefault(normalise(keyword), None)
    return [value for value in inputs if value][:24]


_COMMON = (
    "pk",
    "kind",
    "title",
    "summary",
    "keywords",
    "confidentiality",
    "published_at",
    "view_count",
    "organisation__name",
    "organisation__kind",
    "field__code",
    "region__code",
)


class KindValues(NamedTuple):
    """What a document needs from a kind's own columns, under common names."""

    maturity: int | None
    amount: Any  # the amount sorted and filtered by
    low: Any
    high: Any
    negotiable: bool


DocumentBuilder = Callable[[dict[str, Any]], KindValues]


def register_document_builder(kind: str, builder: DocumentBuilder) -> None:
    """Say how a kind's own columns (``KindSpec.own_values``) become document values."""
    registry.attach(kind, "search.document_builder", builder)


def _outcome_values(row: dict[str, Any]) -> KindValues:
    amount = row["price_wan"]
    high = row["price_max_wan"] if row["price_max_wan"] is not None else amount
    return KindValues(row["maturity"], amount, amount, high, row["price_negotiable"])


def _demand_values(row: dict[str, Any]) -> KindValues:
    low, high = row["budget_min_wan"], row["budget_max_wan"]
    return KindValues(
        row["expected_maturity"], high or low, low, high, row["budget_negotiable"]
    )


register_document_builder(OUTCOME.key, _outcome_values)
register_document_builder(DEMAND.key, _demand_values)
_TEXT_FIELDS = (
    "listing_id",
    "version",
    "title_words",
    "keywords_words",
    "summary_words",
    "body_words",
    "organisation_words",
    "body_text",
)


def _rows(kind: str, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Published listings of ``kind`` as plain rows: one joined query, no model objects."""
    spec = registry.get(kind)
    rows = spec.model.objects.filter(pk__in=ids, status=ListingStatus.PUBLISHED).values(
        *_COMMON, *spec.own_values
    )
    return {row["pk"]: row for row in rows}


def _modes(ids: list[int]) -> dict[int, list[str]]:
    through = Listing.modes.through
    found: dict[int, list[str]] = {}
    for listing_id, code in through.objects.filter(listing_id__in=ids).values_list(
        "listing_id", "cooperationmode__code"
    ):
        found.setdefault(listing_id, []).append(code)
    return found


def _texts(ids: list[int]) -> dict[int, dict[str, Any]]:
    texts = {
        row["listing_id"]: row
        for row in ListingText.objects.filter(pk__in=ids).values(*_TEXT_FIELDS)
    }
    missing = [pk for pk in ids if pk not in texts]
    unfilled = [pk for pk, row in texts.items() if row["body_text"] is None]
    if unfilled:  # segmented before the plain body text was kept: keep it now, once
        from search.texts import fill_body_texts

        fill_body_texts(unfilled)
        missing += unfilled
    if missing:  # published before the search app knew it: segment it now, once
        from search.texts import ensure_texts

        ensure_texts(missing)
        texts.update(
            {
                row["listing_id"]: row
                for row in ListingText.objects.filter(pk__in=missing).values(
                    *_TEXT_FIELDS
                )
            }
        )
    return texts


def body_of(
    row: dict[str, Any], text: dict[str, Any], modes: list[str]
) -> dict[str, Any]:
    """The document body of a published listing (a row of ``_rows``) and its words."""
    kind = row["kind"]
    keywords = [str(k) for k in (row["keywords"] or []) if str(k).strip()]
    hidden = row["confidentiality"] == Confidentiality.ANONYMOUS
    maturity, amount, low, high, negotiable = registry.part(
        kind, "search.document_builder"
    )(row)
    code = row["field__code"] or ""
    field_codes = [code[:2], code] if len(code) > 2 else ([code] if code else [])
    title, summary, title_words = row["title"], row["summary"], text["title_words"]
    published_at = row["published_at"]
    view_count = row["view_count"]
    return {
        "listing_id": row["pk"],
        "kind": kind,
        "title": title,
        "title_words": title_words,
        "keywords": keywords,
        "keywords_words": text["keywords_words"],
        "summary": summary,
        "summary_words": text["summary_words"],
        "body_words": text["body_words"],
        "organisation": "" if hidden else row["organisation__name"],
        "organisation_words": "" if hidden else text["organisation_words"],
        "organisation_kind": "" if hidden else row["organisation__kind"],
        "chars": [
            run
            for text in (
                title,
                *keywords,
                summary,
                text["body_text"] or "",
                "" if hidden else row["organisation__name"],
            )
            for run in char_runs(text)
        ],
        "field": code,
        "field_codes": field_codes,
        "region_codes": regions.chain(row["region__code"]),
        "maturity": maturity,
        "stage": maturity_stage(maturity) or "",
        "modes": sorted(modes),
        "amount": float(amount) if amount is not None else None,
        "amount_from": float(low) if low is not None else None,
        "amount_to": float(high) if high is not None else None,
        "negotiable": bool(negotiable),
        "published_at": published_at.isoformat() if published_at else None,
        "view_count": view_count,
        "terms": _terms(title_words, keywords),
        "suggest": {
            "input": _suggest_inputs(title, title_words, keywords),
            "weight": 1 + min(view_count, 10_000) // 10,
            "contexts": {"kind": [kind]},
        },
    }


def build_changes(listing_ids: Iterable[int]) -> Iterator[Change]:
    """The change each item needs, from current database state, in ``listing_ids`` order.

    The ids are search keys (``search_key``): listings' primary keys, and challenges'
    negated. A published listing (a public challenge) gets its body; one that is not
    or no longer exists gets a delete. Both carry the item's text version. Rows, not
    model objects: a reindex builds 150,000 of these.
    """
    ids = list(dict.fromkeys(int(i) for i in listing_ids))
    if not ids:
        return
    found: dict[int, list[Change]] = {}
    listing_ids_ = [pk for pk in ids if not is_challenge_key(pk)]
    if listing_ids_:
        for change in _listing_changes(listing_ids_):
            found.setdefault(change.listing_id, []).append(change)
    challenge_keys = [pk for pk in ids if is_challenge_key(pk)]
    if challenge_keys:
        from search.challenges import challenge_changes

        for change in challenge_changes(challenge_keys):
            found.setdefault(change.listing_id, []).append(change)
    for pk in ids:
        yield from found.get(pk, [])


def _listing_changes(ids: list[int]) -> Iterator[Change]:
    kinds = dict(Listing.objects.filter(pk__in=ids).values_list("pk", "kind"))
    published: dict[int, dict[str, Any]] = {}
    for kind in set(kinds.values()):
        published.update(_rows(kind, [pk for pk, k in kinds.items() if k == kind]))
    texts = _texts(ids)
    modes = _modes(list(published))
    listing_indexes = [INDEXES[spec.key] for spec in registry]
    for pk in ids:
        text = texts.get(pk)
        version = text["version"] if text is not None else 1
        known_kind = kinds.get(pk)
        row = published.get(pk)
        if row is not None and text is not None:
            body = body_of(row, text, modes.get(pk, []))
            yield Change(pk, INDEXES[row["kind"]], version, body)
        else:
            # Gone or not public: delete from every kind's index it could be in.
            targets = [INDEXES[known_kind]] if known_kind else listing_indexes
            for index in targets:
                yield Change(pk, index, version, None)


def published_ids(kind: str) -> QuerySet[Any]:
    """Primary keys of a kind's public items, in primary-key order (for reindexing)."""
    if kind == CHALLENGE:
        from search.challenges import public_ids

        return public_ids()
    return (
        Listing.objects.filter(kind=kind, status=ListingStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def published_keys(kind: str) -> list[int]:
    """Search keys (``search_key``) of a kind's public items."""
    return [search_key(kind, pk) for pk in published_ids(kind)]

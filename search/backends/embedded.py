"""The embedded backend of `make run`: runs inside the web process, needs no server.

It stores the same document bodies Elasticsearch receives (``EmbeddedDocument``) and
searches them in memory with the same query plan: postings per field, the same
bigram recall rule (``required_grams`` of the anchor bigrams), Lucene's BM25 over the
same terms with the same weights for bigrams, characters, words, title and keywords,
phrase boosts, the same filters, facets, highlights, suggestions and vocabulary. Each process keeps its in-memory index and reloads it when the table changed
(one cheap aggregate query per search). It suits catalogues of a few thousand listings;
beyond that, use Elasticsearch.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import chain
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.html import escape

from search import query as query_module
from search.analysis import char_runs, run_bigrams, run_unigrams
from search.backends.common import (
    NEGOTIABLE,
    facet_filters,
    facet_values,
    hit_from,
    price_bands,
)
from search.documents import CHALLENGE_INDEX, INDEXES, Change
from search.models import EmbeddedDocument
from search.query import (
    FACETS,
    QueryPlan,
    SearchFilters,
    SearchRequest,
    SearchResults,
    Suggestion,
    plan,
    recall_grams,
    required_grams,
)

PRECISION_FIELDS = ("title_words", "keywords_words")
WORD_FIELDS = (
    "title_words",
    "keywords_words",
    "summary_words",
    "body_words",
    "organisation_words",
)
# Lucene's BM25 (k1 1.2, b 0.75; no (k1 + 1) factor since Lucene 8).
K1, B = 1.2, 0.75
SNIPPET = 140
# A phrase found verbatim: about what Elasticsearch's phrase clause scores.
PHRASE_SCORE = 4.0

_NON_WORD = re.compile(r"[\W_]+")


def compact(text: str) -> str:
    """Text without spaces and punctuation: what a phrase of the standard analyzer sees."""
    return _NON_WORD.sub("", (text or "").lower())


class _Field:
    """One indexed field: postings (term -> document -> frequency) and lengths."""

    __slots__ = ("average", "lengths", "postings")

    def __init__(self) -> None:
        self.postings: dict[str, dict[int, int]] = defaultdict(dict)
        self.lengths: dict[int, int] = {}
        self.average = 1.0

    def add(self, doc_id: int, terms: Iterable[str]) -> None:
        counts = Counter(terms)
        if not counts:
            return
        for term, count in counts.items():
            self.postings[term][doc_id] = count
        self.lengths[doc_id] = sum(counts.values())

    def finish(self) -> None:
        self.postings = dict(self.postings)
        if self.lengths:
            self.average = sum(self.lengths.values()) / len(self.lengths) or 1.0

    def scores(self, terms: Iterable[str], boost: float = 1.0) -> dict[int, float]:
        """BM25 of every document holding any of ``terms`` (each term once)."""
        found: dict[int, float] = defaultdict(float)
        count = len(self.lengths)
        for term in terms:
            posting = self.postings.get(term)
            if not posting:
                continue
            df = len(posting)
            idf = boost * math.log(1 + (count - df + 0.5) / (df + 0.5))
            ratio = K1 * B / self.average
            base = K1 * (1 - B)
            lengths = self.lengths
            for doc_id, tf in posting.items():
                found[doc_id] += idf * tf / (tf + base + ratio * lengths[doc_id])
        return found

    def matched(self, terms: Iterable[str]) -> Counter[int]:
        """How many of ``terms`` each document holds."""
        counts: Counter[int] = Counter()
        for term in terms:
            counts.update(self.postings.get(term, {}).keys())
        return counts


@dataclass
class _Doc:
    body: dict[str, Any]
    version: int
    title_lower: str
    summary_lower: str
    # The values each facet counts for this document (worked out once, not per search).
    facets: dict[str, tuple[str, ...]]


class _Index:
    """All documents in memory, with postings and the statistics BM25 needs."""

    def __init__(self, rows: Iterable[tuple[int, int, dict[str, Any]]]) -> None:
        self.docs: dict[int, _Doc] = {}
        self.fields: dict[str, _Field] = {
            name: _Field() for name in ("chars", "uni", "words", *PRECISION_FIELDS)
        }
        for listing_id, version, body in rows:
            runs = body.get("chars") or []
            if isinstance(runs, str):  # a body stored before the runs were
                runs = char_runs(runs)
            fields = self.fields
            fields["chars"].add(listing_id, (g for r in runs for g in run_bigrams(r)))
            fields["uni"].add(listing_id, (g for r in runs for g in run_unigrams(r)))
            fields["words"].add(
                listing_id,
                (w for name in WORD_FIELDS for w in str(body.get(name) or "").split()),
            )
            for name in PRECISION_FIELDS:
                fields[name].add(listing_id, str(body.get(name) or "").split())
            self.docs[listing_id] = _Doc(
                body=body,
                version=version,
                title_lower=compact(str(body.get("title") or "")),
                summary_lower=compact(str(body.get("summary") or "")),
                facets={facet: facet_values_of(facet, body) for facet in FACETS},
            )
        for one in self.fields.values():
            one.finish()
        self.count = len(self.docs)

    def scores(self, analysed: QueryPlan) -> dict[int, float]:
        """The score of every document the plan finds (the same parts as Elasticsearch).

        Found: enough of the bigrams of the query or of a synonym rewrite
        (``required_grams``); the best of those clauses, plus characters, words,
        title and keywords, and phrases, as ``should`` parts.
        """
        weights = query_module.WEIGHTS
        chars = self.fields["chars"]
        found: dict[int, float] = {}
        for i, grams in enumerate(analysed.grams):
            anchors, _ = recall_grams(grams)
            needed = required_grams(len(anchors))
            boost = 1.0 if i == 0 else weights.synonyms
            counts = chars.matched(anchors)
            passing = {doc for doc, n in counts.items() if n >= needed}
            if not passing:
                continue
            clause = chars.scores(grams, boost)
            for doc in passing:
                if clause[doc] > found.get(doc, -1.0):
                    found[doc] = clause[doc]
        if not found:
            return found
        extras: list[dict[int, float]] = [
            self.fields["uni"].scores(analysed.unigrams, weights.unigrams)
        ]
        words = self.fields["words"]
        best: dict[int, float] = defaultdict(float)
        for i, variant in enumerate(analysed.variants):
            boost = weights.words * (1.0 if i == 0 else weights.synonyms)
            for doc, score in words.scores(variant, boost).items():
                best[doc] = max(best[doc], score)
        extras.append(best)
        precise: dict[int, float] = defaultdict(float)
        for i, variant in enumerate(analysed.variants):
            boost = 1.0 if i == 0 else weights.synonyms
            for name, weight in zip(
                PRECISION_FIELDS, (weights.title, weights.keywords), strict=True
            ):
                field_scores = self.fields[name].scores(variant, weight * boost)
                for doc, score in field_scores.items():
                    precise[doc] = max(precise[doc], score)
        extras.append(precise)
        phrase = compact(analysed.phrases[0]) if analysed.phrases else ""
        for doc in found:
            total = found[doc] + sum(extra.get(doc, 0.0) for extra in extras)
            if phrase:
                item = self.docs[doc]
                if phrase in item.title_lower:
                    total += 3 * PHRASE_SCORE
                if phrase in item.summary_lower:
                    total += PHRASE_SCORE
            found[doc] = total
        return found


_lock = threading.Lock()
_cache: dict[str, Any] = {"stamp": None, "index": None}


def _stamp() -> tuple[Any, ...]:
    found = EmbeddedDocument.objects.aggregate(
        latest=Max("updated_at"), count=Count("pk"), version=Max("version")
    )
    return (found["latest"], found["count"], found["version"])


# Challenges are scored over statistics of their own, as in their own Elasticsearch
# index: a few hundred challenges must not change how outcomes and demands rank.
def _group(index: str) -> str:
    return CHALLENGE_INDEX if index == CHALLENGE_INDEX else "listings"


def _indices() -> list[_Index]:
    """The in-memory indices: the listings' and the challenges'."""
    stamp = _stamp()
    if _cache["stamp"] != stamp or _cache["index"] is None:
        with _lock:
            if _cache["stamp"] != stamp or _cache["index"] is None:
                rows = EmbeddedDocument.objects.values_list(
                    "listing_id", "version", "body", "index"
                )
                groups: dict[str, list[tuple[int, int, dict[str, Any]]]] = {}
                for key, version, body, index in rows.iterator(chunk_size=2000):
                    groups.setdefault(_group(index), []).append((key, version, body))
                _cache["index"] = [_Index(group) for group in groups.values()]
                _cache["stamp"] = stamp
    return _cache["index"]  # type: ignore[no-any-return]


def _all_docs() -> Iterator[_Doc]:
    for index in _indices():
        yield from index.docs.values()


def facet_values_of(facet: str, body: Mapping[str, Any]) -> tuple[str, ...]:
    """The values ``facet`` counts for a document (as Elasticsearch's aggregations)."""
    if facet == "kind":
        return (str(body.get("kind") or ""),)
    if facet == "field":
        return tuple(c for c in body.get("field_codes") or () if len(c) == 2)
    if facet == "subfield":
        code = str(body.get("field") or "")
        return (code,) if len(code) == 4 else ()
    if facet == "region":
        return tuple(c for c in body.get("region_codes") or () if c.endswith("0000"))
    if facet == "stage":
        return (str(body.get("stage") or ""),)
    if facet == "mode":
        return tuple(body.get("modes") or ())
    if facet == "org":
        return (str(body.get("organisation_kind") or ""),)
    if facet == "price":
        values = [NEGOTIABLE] if body.get("negotiable") else []
        amount = body.get("amount")
        if amount is not None:
            for key, above, up_to in price_bands():
                if (above is None or amount > above) and (
                    up_to is None or amount <= up_to
                ):
                    values.append(key)
        return tuple(values)
    return ()


def matches(body: Mapping[str, Any], filters: SearchFilters) -> bool:
    """Whether a body passes ``filters`` (the same rules as the Elasticsearch clauses)."""
    if filters.kind and body.get("kind") != filters.kind:
        return False
    if filters.field and filters.field not in (body.get("field_codes") or ()):
        return False
    if filters.region and filters.region not in (body.get("region_codes") or ()):
        return False
    if filters.stage and body.get("stage") != filters.stage:
        return False
    if filters.trl is not None and body.get("maturity") != filters.trl:
        return False
    if filters.mode and filters.mode not in (body.get("modes") or ()):
        return False
    if filters.price == NEGOTIABLE:
        if not body.get("negotiable"):
            return False
    elif filters.price:
        amount = body.get("amount")
        for key, above, up_to in price_bands():
            if key != filters.price:
                continue
            if amount is None:
                return False
            if above is not None and not amount > above:
                return False
            if up_to is not None and not amount <= up_to:
                return False
    return not (filters.org and body.get("organisation_kind") != filters.org)


def _mark(text: str, phrases: Iterable[str]) -> tuple[str, bool]:
    """``text`` escaped, with every occurrence of the phrases in <mark>."""
    lower = text.lower()
    marked = [False] * len(text)
    for phrase in phrases:
        if not phrase:
            continue
        start = lower.find(phrase)
        while start >= 0:
            for i in range(start, start + len(phrase)):
                marked[i] = True
            start = lower.find(phrase, start + 1)
    out: list[str] = []
    open_ = False
    for char, on in zip(text, marked, strict=True):
        if on and not open_:
            out.append("<mark>")
            open_ = True
        elif not on and open_:
            out.append("</mark>")
            open_ = False
        out.append(str(escape(char)))
    if open_:
        out.append("</mark>")
    return "".join(out), any(marked)


def _snippet(summary: str, phrases: tuple[str, ...]) -> str:
    lower = summary.lower()
    starts = [lower.find(p) for p in phrases if p and lower.find(p) >= 0]
    begin = max(0, min(starts) - SNIPPET // 3) if starts else 0
    fragment = summary[begin : begin + SNIPPET]
    return _mark(fragment, phrases)[0]


def _sort_key(request: SearchRequest) -> Callable[[tuple[float, _Doc]], Any]:
    def newest(doc: _Doc) -> tuple[str, int]:
        return (str(doc.body.get("published_at") or ""), int(doc.body["listing_id"]))

    if request.sort in ("price", "-price"):
        descending = request.sort == "-price"

        def by_price(item: tuple[float, _Doc]) -> Any:
            amount = item[1].body.get("amount")
            if amount is None:
                return (1, 0.0, _Reverse(newest(item[1])))
            return (0, -amount if descending else amount, _Reverse(newest(item[1])))

        return by_price
    if request.sort == "relevance" and request.q:
        return lambda item: (-item[0], _Reverse(newest(item[1])))
    return lambda item: _Reverse(newest(item[1]))


class _Reverse:
    """Sorts its value in descending order inside an ascending sort key."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __lt__(self, other: _Reverse) -> bool:
        return bool(self.value > other.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reverse) and self.value == other.value


class EmbeddedBackend:
    """Searches documents stored in the database, in this process's memory."""

    name = "embedded"

    def health(self) -> str:
        return f"embedded (in-process, {EmbeddedDocument.objects.count()} documents)"

    def ensure_indices(self) -> None:
        """Nothing to create: the table exists after migrate."""

    def kind_indices(self, kind: str) -> list[str]:
        """One table holds every kind, one row per listing: never more than one."""
        return [INDEXES[kind]]

    # -- writes -----------------------------------------------------------------

    def apply(self, changes: Iterable[Change]) -> set[int]:
        """Store or delete the changes whose version is newer than what is stored."""
        latest: dict[int, Change] = {}
        for change in changes:
            seen = latest.get(change.listing_id)
            if seen is None or change.version >= seen.version:
                latest[change.listing_id] = change
        if not latest:
            return set()
        now = timezone.now()
        with transaction.atomic():
            stored = dict(
                EmbeddedDocument.objects.select_for_update()
                .filter(pk__in=list(latest))
                .values_list("pk", "version")
            )
            for pk, change in latest.items():
                if stored.get(pk, 0) >= change.version and pk in stored:
                    continue  # this change, or a newer one, is there already
                if change.body is None:
                    EmbeddedDocument.objects.filter(pk=pk).delete()
                else:
                    EmbeddedDocument.objects.update_or_create(
                        pk=pk,
                        defaults={
                            "index": change.index,
                            "version": change.version,
                            "body": change.body,
                            "updated_at": now,
                        },
                    )
        return set()

    # -- reads ------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResults:
        """Results of ``request`` with facets, highlights and exact totals."""
        analysed = plan(request.q)
        scored: list[tuple[float, _Doc]] = []
        for index in _indices():
            if analysed.empty:
                scored += [(0.0, doc) for doc in index.docs.values()]
            else:
                scored += [
                    (score, index.docs[doc])
                    for doc, score in index.scores(analysed).items()
                ]
        if request.only is not None:
            # One item: the same query and filters, restricted to it.
            kind, item_id = request.only
            scored = [
                item
                for item in scored
                if item[1].body.get("listing_id") == item_id
                and item[1].body.get("kind") == kind
            ]
        results = SearchResults(request=request, backend=self.name)
        visible = [item for item in scored if matches(item[1].body, request.filters)]
        results.total = len(visible)
        if not request.beyond_depth:
            end = request.offset + request.per_page
            page = heapq.nsmallest(end, visible, key=_sort_key(request))
            for score, doc in page[request.offset : end]:
                title_html, _ = _mark(str(doc.body["title"]), analysed.phrases)
                results.hits.append(
                    hit_from(
                        doc.body,
                        title_html=title_html,
                        snippet_html=_snippet(
                            str(doc.body.get("summary") or ""), analysed.phrases
                        ),
                        score=score if analysed.variants else None,
                    )
                )
        results.facets = self._facets([doc for _, doc in scored], request.filters)
        return results

    def search_many(self, requests: list[SearchRequest]) -> list[SearchResults]:
        """Results of several requests, in order (in-process: no round trip to save)."""
        return [self.search(request) for request in requests]

    def _facets(self, docs: list[_Doc], filters: SearchFilters) -> dict[str, list[Any]]:
        facets: dict[str, list[Any]] = {}
        for facet in FACETS:
            narrowed = facet_filters(filters, facet)
            counted = (
                [doc for doc in docs if matches(doc.body, narrowed)]
                if narrowed != SearchFilters()
                else docs
            )
            counts = Counter(chain.from_iterable(doc.facets[facet] for doc in counted))
            if facet == "subfield" and filters.field:
                # Sub-fields of the chosen field only, as Elasticsearch's include.
                counts = Counter(
                    {k: v for k, v in counts.items() if k[:2] == filters.field[:2]}
                )
            facets[facet] = facet_values(counts)
        return facets

    def suggest(self, prefix: str, kind: str = "", size: int = 8) -> list[Suggestion]:
        """Titles and keywords starting with ``prefix`` (or with a word of a title)."""
        prefix = prefix.lower().replace(" ", "")
        if not prefix:
            return []
        found: list[tuple[int, str, Suggestion]] = []
        for doc in _all_docs():
            body = doc.body
            if kind and body.get("kind") != kind:
                continue
            suggest = body.get("suggest") or {}
            weight = int(suggest.get("weight") or 1)
            keywords = {str(k).lower(): str(k) for k in body.get("keywords") or []}
            for text in suggest.get("input") or ():
                if not text.replace(" ", "").startswith(prefix):
                    continue
                if text in keywords:
                    found.append((weight, text, Suggestion(keywords[text], "keyword")))
                else:
                    suggestion = Suggestion(
                        str(body["title"]),
                        "title",
                        int(body["listing_id"]),
                        body["kind"],
                    )
                    found.append((weight, text, suggestion))
        found.sort(key=lambda item: (-item[0], item[1]))
        suggestions: list[Suggestion] = []
        seen: set[str] = set()
        for _, text, suggestion in found:
            if text in seen:
                continue
            seen.add(text)
            suggestions.append(suggestion)
            if len(suggestions) >= size:
                break
        return suggestions

    def vocabulary(self) -> dict[str, int]:
        """Indexed keywords and title words with their document counts."""
        counts: Counter[str] = Counter()
        for doc in _all_docs():
            counts.update(doc.body.get("terms") or ())
        return dict(counts)

    def forget_vocabulary(self) -> None:
        """Nothing cached beyond the in-memory index, which reloads by itself."""

    def refresh(self) -> None:
        """Writes are visible at once."""

    def drop_all(self) -> None:
        EmbeddedDocument.objects.all().delete()

    def stored_versions(self, kind: str) -> Iterator[tuple[int, int]]:
        """(listing id, version) of every stored document of a kind."""
        yield from (
            EmbeddedDocument.objects.filter(index=INDEXES[kind])
            .values_list("listing_id", "version")
            .iterator()
        )

    def stored_body(self, kind: str, listing_id: int) -> dict[str, Any] | None:
        row = EmbeddedDocument.objects.filter(
            index=INDEXES[kind], listing_id=listing_id
        ).first()
        return row.body if row else None

    def reindex(
        self,
        kind: str,
        bodies: Callable[[], Iterator[Change]],
        *,
        progress: Callable[[int], None] = lambda n: None,
        chunk_size: int = 1000,
    ) -> dict[str, Any]:
        """Replace a kind's documents with ``bodies`` in one transaction."""
        base = INDEXES[kind]
        sent = 0
        now = timezone.now()
        with transaction.atomic():
            EmbeddedDocument.objects.filter(index=base).delete()
            batch: list[EmbeddedDocument] = []
            for change in bodies():
                if change.body is None:
                    continue
                batch.append(
                    EmbeddedDocument(
                        listing_id=change.listing_id,
                        index=base,
                        version=change.version,
                        body=change.body,
                        updated_at=now,
                    )
                )
                sent += 1
                if len(batch) >= chunk_size:
                    EmbeddedDocument.objects.bulk_create(batch)
                    batch = []
                    progress(sent)
            EmbeddedDocument.objects.bulk_create(batch)
        progress(sent)
        return {"kind": kind, "index": base, "documents": sent, "replaced": []}

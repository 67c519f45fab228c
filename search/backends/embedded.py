"""The embedded backend of `make run`: runs inside the web process, needs no server.

It stores the same document bodies Elasticsearch receives (``EmbeddedDocument``) and
searches them in memory with the same query plan: BM25 over the jieba-segmented word
fields with the same weights and "how many words must match" rule, the character-bigram
recall clause, phrase boosts, the same filters, facets, highlights, suggestions and
vocabulary. Each process keeps its in-memory index and reloads it when the table changed
(one cheap aggregate query per search). It suits catalogues of a few thousand listings;
beyond that, use Elasticsearch.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.html import escape

from search.backends.common import (
    NEGOTIABLE,
    facet_filters,
    facet_values,
    hit_from,
    price_bands,
)
from search.documents import INDEXES, Change
from search.models import EmbeddedDocument
from search.query import (
    FACETS,
    QueryPlan,
    SearchFilters,
    SearchRequest,
    SearchResults,
    Suggestion,
    plan,
    required_matches,
)

WORD_FIELDS: dict[str, float] = {
    "title_words": 4.0,
    "keywords_words": 3.0,
    "organisation_words": 2.0,
    "summary_words": 1.5,
    "body_words": 1.0,
}
CHAR_BOOST = 0.3
SYNONYM_BOOST = 0.9
K1, B = 1.2, 0.75
SNIPPET = 140

_NON_WORD = re.compile(r"[\W_]+")
_STANDARD_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+")


def char_positions(text: str) -> list[tuple[str, ...]]:
    """What the ``char_bigrams`` analyzer makes of ``text``, by position.

    Each position holds a token and the bigram starting there; Elasticsearch's match
    query counts a position as matched when either matches, and rounds the 75 % of
    positions down.
    """
    tokens = _STANDARD_TOKEN.findall((text or "").lower())
    return [
        (token, f"{token} {tokens[i + 1]}") if i + 1 < len(tokens) else (token,)
        for i, token in enumerate(tokens)
    ]


def char_grams(text: str) -> set[str]:
    """Every token and bigram of ``text`` (what a document's character field holds)."""
    return {gram for position in char_positions(text) for gram in position}


def compact(text: str) -> str:
    """Text without spaces and punctuation: what a phrase of the standard analyzer sees."""
    return _NON_WORD.sub("", (text or "").lower())


@dataclass
class _Doc:
    body: dict[str, Any]
    version: int
    fields: dict[str, Counter[str]]
    lengths: dict[str, int]
    grams: frozenset[str]
    title_lower: str
    summary_lower: str


class _Index:
    """All documents in memory, with the statistics BM25 needs."""

    def __init__(self, rows: Iterable[tuple[int, int, dict[str, Any]]]) -> None:
        self.docs: dict[int, _Doc] = {}
        self.df: dict[str, Counter[str]] = {name: Counter() for name in WORD_FIELDS}
        totals: Counter[str] = Counter()
        for listing_id, version, body in rows:
            fields = {
                name: Counter(str(body.get(name) or "").split()) for name in WORD_FIELDS
            }
            lengths = {name: sum(counts.values()) for name, counts in fields.items()}
            for name, counts in fields.items():
                self.df[name].update(counts.keys())
                totals[name] += lengths[name]
            self.docs[listing_id] = _Doc(
                body=body,
                version=version,
                fields=fields,
                lengths=lengths,
                grams=frozenset(char_grams(str(body.get("chars") or ""))),
                title_lower=compact(str(body.get("title") or "")),
                summary_lower=compact(str(body.get("summary") or "")),
            )
        count = max(len(self.docs), 1)
        self.average = {name: (totals[name] / count) or 1.0 for name in WORD_FIELDS}
        self.count = len(self.docs)

    def idf(self, name: str, word: str) -> float:
        df = self.df[name].get(word, 0)
        return math.log(1 + (self.count - df + 0.5) / (df + 0.5))

    def word_score(self, doc: _Doc, word: str) -> float:
        """BM25 of ``word`` blended over the word fields (0 when absent)."""
        score = 0.0
        for name, weight in WORD_FIELDS.items():
            tf = doc.fields[name].get(word, 0)
            if not tf:
                continue
            norm = K1 * (1 - B + B * doc.lengths[name] / self.average[name])
            score += weight * self.idf(name, word) * tf * (K1 + 1) / (tf + norm)
        return score


_lock = threading.Lock()
_cache: dict[str, Any] = {"stamp": None, "index": None}


def _stamp() -> tuple[Any, ...]:
    found = EmbeddedDocument.objects.aggregate(
        latest=Max("updated_at"), count=Count("pk"), version=Max("version")
    )
    return (found["latest"], found["count"], found["version"])


def _index() -> _Index:
    stamp = _stamp()
    if _cache["stamp"] != stamp or _cache["index"] is None:
        with _lock:
            if _cache["stamp"] != stamp or _cache["index"] is None:
                rows = EmbeddedDocument.objects.values_list(
                    "listing_id", "version", "body"
                )
                _cache["index"] = _Index(rows.iterator(chunk_size=2000))
                _cache["stamp"] = stamp
    return _cache["index"]  # type: ignore[no-any-return]


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


def _score(index: _Index, doc: _Doc, analysed: QueryPlan) -> float | None:
    """The document's score for the plan, or None when no clause matches."""
    best = 0.0
    matched = False
    for i, words in enumerate(analysed.variants):
        scores = [index.word_score(doc, word) for word in words]
        if sum(1 for s in scores if s > 0) >= required_matches(len(words)):
            matched = True
            best += sum(scores) * (1.0 if i == 0 else SYNONYM_BOOST)
    positions = char_positions(analysed.chars)
    if positions:
        found = sum(1 for grams in positions if any(g in doc.grams for g in grams))
        needed = len(positions) if len(positions) <= 3 else len(positions) * 3 // 4
        if found >= needed:
            matched = True
            best += CHAR_BOOST * 2.0 * found
    if analysed.phrases:
        phrase = compact(analysed.phrases[0])
        if phrase in doc.title_lower:
            matched = True
            best += 3 * 4.0
        if phrase in doc.summary_lower:
            matched = True
            best += 1 * 4.0
    return best if matched else None


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
        index = _index()
        analysed = plan(request.q)
        scored: list[tuple[float, _Doc]] = []
        for doc in index.docs.values():
            if analysed.empty:
                scored.append((0.0, doc))
                continue
            score = _score(index, doc, analysed)
            if score is not None:
                scored.append((score, doc))
        results = SearchResults(request=request, backend=self.name)
        visible = [item for item in scored if matches(item[1].body, request.filters)]
        results.total = len(visible)
        if not request.beyond_depth:
            visible.sort(key=_sort_key(request))
            for score, doc in visible[
                request.offset : request.offset + request.per_page
            ]:
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
        results.facets = self._facets([doc.body for _, doc in scored], request.filters)
        return results

    def search_many(self, requests: list[SearchRequest]) -> list[SearchResults]:
        """Results of several requests, in order (in-process: no round trip to save)."""
        return [self.search(request) for request in requests]

    def _facets(
        self, bodies: list[dict[str, Any]], filters: SearchFilters
    ) -> dict[str, list[Any]]:
        facets: dict[str, list[Any]] = {}
        for facet in FACETS:
            counted = [b for b in bodies if matches(b, facet_filters(filters, facet))]
            counts: Counter[str] = Counter()
            for body in counted:
                counts.update(self._values(facet, body, filters))
            facets[facet] = facet_values(counts)
        return facets

    @staticmethod
    def _values(
        facet: str, body: Mapping[str, Any], filters: SearchFilters
    ) -> list[str]:
        if facet == "kind":
            return [str(body.get("kind") or "")]
        if facet == "field":
            return [c for c in body.get("field_codes") or () if len(c) == 2]
        if facet == "subfield":
            code = str(body.get("field") or "")
            if len(code) != 4 or (filters.field and code[:2] != filters.field[:2]):
                return []
            return [code]
        if facet == "region":
            return [c for c in body.get("region_codes") or () if c.endswith("0000")]
        if facet == "stage":
            return [str(body.get("stage") or "")]
        if facet == "mode":
            return list(body.get("modes") or ())
        if facet == "org":
            return [str(body.get("organisation_kind") or "")]
        if facet == "price":
            values = [NEGOTIABLE] if body.get("negotiable") else []
            amount = body.get("amount")
            if amount is not None:
                for key, above, up_to in price_bands():
                    if (above is None or amount > above) and (
                        up_to is None or amount <= up_to
                    ):
                        values.append(key)
            return values
        return []

    def suggest(self, prefix: str, kind: str = "", size: int = 8) -> list[Suggestion]:
        """Titles and keywords starting with ``prefix`` (or with a word of a title)."""
        prefix = prefix.lower().replace(" ", "")
        if not prefix:
            return []
        found: list[tuple[int, str, Suggestion]] = []
        for doc in _index().docs.values():
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
        for doc in _index().docs.values():
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

"""What a search asks and answers, shared by both backends, the page and the JSON API.

``SearchRequest.from_params`` turns query parameters into a request (malformed values
are dropped, overlong text is cut and said so); ``plan`` analyses the text once —
segmentation, synonym variants, the phrases to highlight — so that Elasticsearch and
the embedded backend match the same words; ``SearchResults`` is what both return.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.translation import gettext as _

from market.filters import (
    CatalogueFilters,
    param_text,
    parse_page,
    parse_per_page,
    parse_sort,
)
from market.kinds import registry as kinds
from market.models import OrganisationKind
from search.analysis import (
    STOPWORDS,
    bigrams,
    dictionary_generation,
    has_cjk,
    normalise,
    unigrams,
    words,
)
from search.synonyms import groups as synonym_groups
from search.synonyms import variants

MAX_QUERY_LENGTH = 100
PER_PAGE = 20
MAX_PER_PAGE = 50
# Elasticsearch answers at most 10,000 hits deep (index.max_result_window).
MAX_DEPTH = 10_000
MAX_VARIANTS = 6
# Single-character function words (search.analysis.STOPWORDS): a bigram holding one is
# no anchor of a search.
_FUNCTION_CHARS = frozenset(w for w in STOPWORDS if len(w) == 1 and has_cjk(w))

SORTS = ("relevance", "newest", "price", "-price")

# What a search's kind filter may name: the listing kinds, and challenges (榜单),
# which are no listing kind but have an index of their own (search.challenges).
CHALLENGE = "challenge"
SEARCH_KINDS = (*kinds.keys(), CHALLENGE)

# Characters that have a meaning in Lucene's query syntax or in HTML; a query is text,
# so they are separators here.
_SYNTAX = re.compile(r"[\"'<>{}\[\]()^~*?:\\!&|=;`$%@]+")


@dataclass(frozen=True)
class SearchFilters(CatalogueFilters):
    """The catalogue's filters, plus the kind and organisation kind a search adds."""

    kind: str = ""  # "outcome", "demand", "challenge" or all (SEARCH_KINDS)
    org: str = ""  # OrganisationKind value

    # Links keep the order they had: kind first.
    PARAM_ORDER: ClassVar[tuple[str, ...]] = ("kind",)

    @classmethod
    def parse(cls, params: Mapping[str, Any]) -> dict[str, Any]:
        kind, org = param_text(params, "kind"), param_text(params, "org")
        return {
            **super().parse(params),
            "kind": kind if kind in SEARCH_KINDS else "",
            "org": org if org in OrganisationKind.values else "",
        }


@dataclass(frozen=True)
class SearchRequest:
    """One search: text, filters, order and page."""

    q: str = ""
    filters: SearchFilters = field(default_factory=SearchFilters)
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    messages: tuple[str, ...] = ()
    # Set when the text was corrected ("did you mean") and searched instead.
    corrected_from: str = ""
    # The visitor asked for exactly this text: no automatic correction.
    verbatim: bool = False
    # (kind, id): search this one item only (a saved search checking a new listing);
    # never read from query parameters.
    only: tuple[str, int] | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> SearchRequest:
        """A request from query parameters; what cannot be used is dropped or cut, and said."""
        messages: list[str] = []
        raw = params.get("q")
        q = raw if isinstance(raw, str) else ""
        q = normalise(q.replace("\x00", " "))
        if len(q) > MAX_QUERY_LENGTH:
            q = q[:MAX_QUERY_LENGTH].strip()
            messages.append(
                _("Your search was cut to its first %(n)d characters.")
                % {"n": MAX_QUERY_LENGTH}
            )
        sort = parse_sort(params.get("sort"), SORTS, "relevance" if q else "newest")
        page = parse_page(params.get("page"))
        per_page = parse_per_page(
            params.get("per_page"), default=PER_PAGE, maximum=MAX_PER_PAGE
        )
        return cls(
            q=q,
            filters=SearchFilters.from_params(params),
            sort=sort,
            page=page,
            per_page=per_page,
            messages=tuple(messages),
            verbatim=params.get("verbatim") in ("1", "true", "on"),
        )

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def beyond_depth(self) -> bool:
        """Whether the page lies deeper than any backend answers."""
        return self.offset + self.per_page > MAX_DEPTH

    def as_params(self, **overrides: Any) -> dict[str, str]:
        """The request as query parameters (for links), with ``overrides`` applied."""
        params: dict[str, Any] = {"q": self.q, **self.filters.as_params()}
        if self.sort != ("relevance" if self.q else "newest"):
            params["sort"] = self.sort
        if self.page != 1:
            params["page"] = self.page
        if self.verbatim:
            params["verbatim"] = "1"
        params.update(overrides)
        return {k: str(v) for k, v in params.items() if v not in ("", None)}


@dataclass(frozen=True)
class QueryPlan:
    """The analysed text of a request, the same for both backends.

    ``variants`` are word lists: the query's own words first, then one list per
    synonym rewrite. ``grams`` are the distinct character bigrams of the same texts
    (the recall: a document holding enough of one list is found), ``unigrams`` the
    distinct characters of the query itself. ``phrases`` are what to highlight and to
    boost when they appear verbatim.
    """

    text: str
    variants: tuple[tuple[str, ...], ...]
    phrases: tuple[str, ...]
    grams: tuple[tuple[str, ...], ...] = ()
    unigrams: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.variants or not self.variants[0]


# A search analyses its query more than once (the selector, the backend, a "did you
# mean" retry) and visitors repeat queries: the plans of the last few hundred are kept,
# each with the dictionary and synonym groups it was made with, and made again when
# either has been reloaded since.
PLAN_CACHE_SIZE = 512
_plans: dict[str, tuple[object, object, QueryPlan]] = {}
_plans_lock = threading.Lock()


def plan(q: str) -> QueryPlan:
    """Analyse ``q``: words, synonym variants, phrases to highlight."""
    q = q or ""
    dictionary, synonyms = dictionary_generation(), synonym_groups()
    cached = _plans.get(q)
    if cached is not None and cached[0] is dictionary and cached[1] is synonyms:
        return cached[2]
    made = _plan(q)
    with _plans_lock:
        if len(_plans) >= PLAN_CACHE_SIZE:
            _plans.pop(next(iter(_plans)))
        _plans[q] = (dictionary, synonyms, made)
    return made


def _plan(q: str) -> QueryPlan:
    text = normalise(_SYNTAX.sub(" ", q or "")).strip(" -+/#.")
    if not text:
        return QueryPlan("", (), ())
    texts = [text, *variants(text)][: MAX_VARIANTS + 1]
    word_lists: list[tuple[str, ...]] = []
    gram_lists: list[tuple[str, ...]] = []
    for variant in texts:
        found = tuple(dict.fromkeys(words(variant)))
        if found and found not in word_lists:
            word_lists.append(found)
        grams = tuple(dict.fromkeys(bigrams(variant)))
        if grams and grams not in gram_lists:
            gram_lists.append(grams)
    phrases: dict[str, None] = {}
    for variant in texts:
        # The whole text when it is short, then every word of two characters or more
        # (single CJK characters highlight noise).
        if len(variant) <= 20:
            phrases.setdefault(variant, None)
    for word_list in word_lists:
        for word in word_list:
            if len(word) >= 2 or not has_cjk(word):
                phrases.setdefault(word, None)
    return QueryPlan(
        text,
        tuple(word_lists),
        tuple(phrases),
        tuple(gram_lists),
        tuple(dict.fromkeys(unigrams(text))),
    )


@dataclass(frozen=True)
class Weights:
    """How much each part of a search counts, the same in both backends.

    The bigram clause that finds a listing counts 1 (a synonym rewrite's
    ``synonyms``); ``unigrams`` weighs single characters, ``words`` the jieba words
    over the whole listing, ``title`` and ``keywords`` the words found in those
    fields (the better of the two counts). bench/search_eval_csl.py and the demo
    relevance set measured them: docs/search-relevance.md.
    """

    synonyms: float = 0.9
    unigrams: float = 1.0
    words: float = 0.3
    title: float = 1.5
    keywords: float = 1.5


WEIGHTS = Weights()


def required_grams(n: int) -> int:
    """How many of a query's ``n`` distinct anchor bigrams a document must hold.

    Both of one or two, two of three to five, one from six on. A long query (a title,
    a list of keywords) describes its document in other words as often as in its
    own: on real abstracts the right document shares a single bigram with one hard
    title query in twenty (校风, 紫薇, 孤岛), and any share that grows with the
    query's length (75 % before) made it no candidate at all. For long queries,
    ranking — not this threshold — puts the loose matches last.
    """
    if n <= 2:
        return n
    return 2 if n <= 5 else 1


def recall_grams(grams: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``grams`` as the anchors a document must hold enough of, and the rest.

    Bigrams holding a function character (的, 和, 与 …) mostly span two words
    ("设的", "的思"): they add to the score but find nothing by themselves, unless
    the query has no other bigram.
    """
    anchors = tuple(g for g in grams if not _FUNCTION_CHARS.intersection(g))
    if not anchors:
        return grams, ()
    return anchors, tuple(g for g in grams if g not in anchors)


@dataclass(frozen=True)
class Hit:
    """One found listing with what the result list shows."""

    listing_id: int
    kind: str
    title: str
    title_html: str  # escaped, matches in <mark>
    snippet_html: str  # escaped, matches in <mark>
    organisation: str
    organisation_kind: str
    field: str
    region_codes: tuple[str, ...]
    maturity: int | None
    amount: float | None
    negotiable: bool
    modes: tuple[str, ...]
    keywords: tuple[str, ...]
    published_at: str | None
    score: float | None
    # The price range or budget bounds (None: open or single); older documents
    # lack them and show ``amount`` alone.
    amount_from: float | None = None
    amount_to: float | None = None
    # Challenges only: the status and the application deadline (ISO 8601, UTC).
    status: str = ""
    deadline: str | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int


@dataclass(frozen=True)
class Suggestion:
    """An as-you-type suggestion: a title (with its item's search key) or a keyword."""

    text: str
    kind: str  # "title" or "keyword"
    listing_id: int | None = None
    listing_kind: str = ""


@dataclass
class SearchResults:
    """What a search found, with facet counts and what to tell the visitor."""

    request: SearchRequest
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    did_you_mean: str = ""
    messages: list[str] = field(default_factory=list)
    backend: str = ""
    degraded: bool = False  # the configured engine was down: fewer features

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_DEPTH)
        return max(1, math.ceil(reachable / self.request.per_page))


# Facets every search counts, each over the results with all other filters applied.
FACETS = ("kind", "field", "subfield", "region", "stage", "mode", "price", "org")

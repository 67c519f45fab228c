"""The Elasticsearch 8 backend, through the official client and its DSL.

Each kind lives in an index behind a read alias (``<prefix>-outcomes``): first
``<prefix>-outcomes-initial``, created by whichever process writes first, then a
timestamped index per ``search_reindex``. While ``search_reindex`` fills a new index,
that index also carries the alias ``<prefix>-outcomes-next`` and every write goes to
both; documents carry their listing's change counter as an external version, so
whichever copy of a change arrives last, the newest version wins and a change sent twice
is applied once.

An alias must never stand for two indices: every document would be found twice. The
first index therefore has a fixed name (of processes creating it at once, one succeeds
and the others find it exists), and the reindex swap takes the alias off every index of
the kind in the same atomic update that puts it on the new one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from typing import Any

from django.conf import settings
from elasticsearch import (
    ApiError,
    BadRequestError,
    Elasticsearch,
    NotFoundError,
    TransportError,
)
from elasticsearch.helpers import scan, streaming_bulk

from search import query as query_module
from search.backends.common import (
    NEGOTIABLE,
    SNIPPET_LENGTH,
    SOURCE_FIELDS,
    SearchUnavailable,
    facet_filters,
    facet_values,
    hit_from,
    price_bands,
)
from search.documents import INDEXES, KINDS, Change, index_body
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

logger = logging.getLogger(__name__)

VOCABULARY_SIZE = 5000
VOCABULARY_TTL = 300.0
REINDEX_REQUESTS = 2  # bulk requests a reindex keeps in flight
REINDEX_TIMEOUT = 120  # seconds a bulk request of a reindex may take

HIGHLIGHTED_SOURCE_FIELDS = [name for name in SOURCE_FIELDS if name != "summary"]

_vocabulary: dict[str, Any] = {"at": 0.0, "terms": {}}


@cache
def _client(urls: str) -> Elasticsearch:
    from elasticsearch.serializer import OrjsonSerializer

    hosts = [url.strip() for url in urls.split(",") if url.strip()]
    return Elasticsearch(
        hosts,
        request_timeout=5,
        retry_on_timeout=False,
        # A request that cannot reach a node (refused, reset) is sent to the next
        # one; that node is then left out for a while. With one node, one retry.
        max_retries=max(1, len(hosts)),
        serializer=OrjsonSerializer(),
    )


def get_client() -> Elasticsearch:
    """The shared client for settings.ELASTICSEARCH_URL (one URL or several)."""
    return _client(settings.ELASTICSEARCH_URL)


def index_name(base: str) -> str:
    """An index or alias name under this deployment's (and test worker's) prefix."""
    return f"{settings.SEARCH_INDEX_PREFIX}-{base}".lower()


def first_index(base: str) -> str:
    """The fixed name of a kind's first index (before any reindex)."""
    return index_name(f"{base}-initial")


def generations(base: str) -> str:
    """A pattern matching every index of ``base`` (first, reindexed, in progress)."""
    return index_name(f"{base}-*")


_GENERATION = re.compile(r"\d{14,20}|initial")


def own_index(name: str) -> bool:
    """Whether ``name`` is an index this deployment makes under its prefix: a kind's
    generation (``<prefix>-outcomes-<stamp>`` or ``-initial``), a benchmark's scratch
    copy, or the matcher's vectors (``<prefix>-match-vectors-<version>``)."""
    prefix = f"{settings.SEARCH_INDEX_PREFIX}-".lower()
    if not name.startswith(prefix):
        return False
    rest = name[len(prefix) :]
    if rest.startswith("match-vectors-"):
        return True
    for base in INDEXES.values():
        for own in (base.lower(), f"scratch-{base}".lower()):
            if rest == own:
                return True
            if rest.startswith(f"{own}-") and _GENERATION.fullmatch(
                rest[len(own) + 1 :]
            ):
                return True
    return False


def next_alias(base: str) -> str:
    """The alias a reindex in progress puts on its new index."""
    return index_name(f"{base}-next")


def _unavailable(error: Exception) -> SearchUnavailable:
    return SearchUnavailable(f"Elasticsearch: {type(error).__name__}: {error}")


# -- queries ----------------------------------------------------------------------


def filter_clauses(filters: SearchFilters) -> list[dict[str, Any]]:
    """Elasticsearch filter clauses of ``filters``."""
    clauses: list[dict[str, Any]] = []
    if filters.kind:
        clauses.append({"term": {"kind": filters.kind}})
    if filters.field:
        clauses.append({"term": {"field_codes": filters.field}})
    if filters.region:
        clauses.append({"term": {"region_codes": filters.region}})
    if filters.stage:
        clauses.append({"term": {"stage": filters.stage}})
    if filters.trl is not None:
        clauses.append({"term": {"maturity": filters.trl}})
    if filters.mode:
        clauses.append({"term": {"modes": filters.mode}})
    if filters.price == NEGOTIABLE:
        clauses.append({"term": {"negotiable": True}})
    elif filters.price:
        for key, above, up_to in price_bands():
            if key == filters.price:
                bounds: dict[str, float] = {}
                if above is not None:
                    bounds["gt"] = above
                if up_to is not None:
                    bounds["lte"] = up_to
                clauses.append({"range": {"amount": bounds}})
    if filters.org:
        clauses.append({"term": {"organisation_kind": filters.org}})
    return clauses


def _terms(terms: tuple[str, ...]) -> str:
    """Terms the plan analysed already, for a query that splits them at spaces."""
    return " ".join(terms)


# The parts of a query; bench/search_relevance.py compares subsets. The bigram recall
# is always there: it decides what is found, the rest only how it ranks.
QUERY_PARTS = frozenset({"synonyms", "unigrams", "words", "precision", "phrase"})


def text_query(
    analysed: QueryPlan, parts: frozenset[str] | None = None
) -> dict[str, Any]:
    """What a search finds (bigrams) and how it ranks them (characters, words, phrases).

    A listing is found when it holds enough of the query's bigrams, or of a synonym
    rewrite's (``required_grams``: a share that falls with the query's length), so
    a word jieba segments differently in the query and the listing cannot lose it.
    Everything else is a ``should``: it adds to the score of what was found and
    finds nothing by itself.
    """
    parts = QUERY_PARTS if parts is None else parts
    weights = query_module.WEIGHTS
    recall: list[dict[str, Any]] = []
    for i, grams in enumerate(analysed.grams):
        if i and "synonyms" not in parts:
            break
        anchors, others = recall_grams(grams)
        boost = 1.0 if i == 0 else weights.synonyms
        clause: dict[str, Any] = {
            "must": [
                {
                    "match": {
                        "chars": {
                            "query": _terms(anchors),
                            "analyzer": "whitespace",
                            "minimum_should_match": str(required_grams(len(anchors))),
                        }
                    }
                }
            ]
        }
        if others:
            clause["should"] = [
                {
                    "match": {
                        "chars": {"query": _terms(others), "analyzer": "whitespace"}
                    }
                }
            ]
        recall.append({"bool": {**clause, "boost": boost}})
    if not recall:  # nothing a bigram could match (say, only "_")
        return {"match_none": {}}
    should: list[dict[str, Any]] = []
    if "unigrams" in parts and analysed.unigrams:
        should.append(
            {
                "match": {
                    "chars.uni": {
                        "query": _terms(analysed.unigrams),
                        "analyzer": "whitespace",
                        "boost": weights.unigrams,
                    }
                }
            }
        )
    variants = analysed.variants if "synonyms" in parts else analysed.variants[:1]
    if "words" in parts and variants:
        should.append(
            {
                "dis_max": {
                    "queries": [
                        {
                            "match": {
                                "words": {
                                    "query": _terms(words),
                                    "boost": 1.0 if i == 0 else weights.synonyms,
                                }
                            }
                        }
                        for i, words in enumerate(variants)
                    ],
                    "boost": weights.words,
                }
            }
        )
    if "precision" in parts and variants:
        # The words found in the title or the keywords (the better of the two), of
        # the query or of a synonym rewrite (the best of them).
        should.append(
            {
                "dis_max": {
                    "queries": [
                        {
                            "multi_match": {
                                "query": _terms(words),
                                "type": "best_fields",
                                "fields": [
                                    f"title_words^{weights.title}",
                                    f"keywords_words^{weights.keywords}",
                                ],
                                "boost": 1.0 if i == 0 else weights.synonyms,
                            }
                        }
                        for i, words in enumerate(variants)
                    ]
                }
            }
        )
    if "phrase" in parts:
        for phrase in analysed.phrases[:1]:
            should.append({"match_phrase": {"title": {"query": phrase, "boost": 3}}})
            should.append({"match_phrase": {"summary": {"query": phrase, "boost": 1}}})
    return {"bool": {"must": [{"dis_max": {"queries": recall}}], "should": should}}


def _highlight(analysed: QueryPlan) -> dict[str, Any]:
    def phrases_on(name: str) -> dict[str, Any]:
        return {
            "bool": {
                "should": [
                    {"match_phrase": {name: phrase}} for phrase in analysed.phrases[:12]
                ]
            }
        }

    return {
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "encoder": "html",
        "fields": {
            "title": {"number_of_fragments": 0, "highlight_query": phrases_on("title")},
            "summary": {
                "fragment_size": SNIPPET_LENGTH,
                "number_of_fragments": 1,
                "no_match_size": SNIPPET_LENGTH,
                "highlight_query": phrases_on("summary"),
            },
        },
    }


def _sort(request: SearchRequest) -> list[Any]:
    newest = [{"published_at": {"order": "desc"}}, {"listing_id": {"order": "desc"}}]
    if request.sort == "price":
        return [{"amount": {"order": "asc", "missing": "_last"}}, *newest]
    if request.sort == "-price":
        return [{"amount": {"order": "desc", "missing": "_last"}}, *newest]
    if request.sort == "relevance" and request.q:
        return ["_score", *newest]
    return newest


def _facet_aggregations(filters: SearchFilters) -> dict[str, Any]:
    def under(facet: str, aggregation: dict[str, Any]) -> dict[str, Any]:
        clauses = filter_clauses(facet_filters(filters, facet))
        return {
            "filter": {"bool": {"filter": clauses}},
            "aggs": {"values": aggregation},
        }

    subfield_include = (
        f"{filters.field[:2]}[0-9][0-9]" if filters.field else "[0-9][0-9][0-9][0-9]"
    )
    ranges = [
        {
            "key": key,
            **({"from": above} if above is not None else {}),
            **({"to": up_to} if up_to is not None else {}),
        }
        for key, above, up_to in price_bands()
    ]
    return {
        "kind": under("kind", {"terms": {"field": "kind", "size": 5}}),
        "field": under(
            "field",
            {"terms": {"field": "field_codes", "include": "[0-9][0-9]", "size": 20}},
        ),
        "subfield": under(
            "subfield",
            {"terms": {"field": "field", "include": subfield_include, "size": 30}},
        ),
        "region": under(
            "region",
            {
                "terms": {
                    "field": "region_codes",
                    "include": "[0-9][0-9]0000",
                    "size": 40,
                }
            },
        ),
        "stage": under("stage", {"terms": {"field": "stage", "size": 10}}),
        "mode": under("mode", {"terms": {"field": "modes", "size": 20}}),
        "price": under(
            "price", {"range": {"field": "amount", "keyed": True, "ranges": ranges}}
        ),
        "negotiable": under("price", {"filter": {"term": {"negotiable": True}}}),
        "org": under("org", {"terms": {"field": "organisation_kind", "size": 10}}),
    }


def search_body(request: SearchRequest, analysed: QueryPlan) -> dict[str, Any]:
    """The whole request body of a search (the benchmark sends it bare, too)."""
    query: dict[str, Any] = (
        {"match_all": {}} if analysed.empty else text_query(analysed)
    )
    if request.only is not None:
        # One item: the same query and filters, restricted to it; no facets.
        kind, item_id = request.only
        query = {
            "bool": {
                "must": [query],
                "filter": [
                    {"term": {"kind": kind}},
                    {"term": {"listing_id": item_id}},
                ],
            }
        }
    body: dict[str, Any] = {
        "query": query,
        "post_filter": {"bool": {"filter": filter_clauses(request.filters)}},
        "aggs": _facet_aggregations(request.filters),
        "sort": _sort(request),
        "from": request.offset,
        "size": request.per_page,
        "track_total_hits": True,
        "_source": SOURCE_FIELDS,
    }
    if request.only is not None:
        body["aggs"] = {}
    if not analysed.empty:
        body["highlight"] = _highlight(analysed)
        # The snippet comes highlighted (its first characters when nothing matched):
        # the summary itself would only make every answer a fifth larger.
        body["_source"] = HIGHLIGHTED_SOURCE_FIELDS
    return body


def search_kwargs(body: dict[str, Any]) -> dict[str, Any]:
    """A request body as keyword arguments of ``Elasticsearch.search``."""
    renamed = {"from": "from_", "_source": "source"}
    return {renamed.get(key, key): value for key, value in body.items()}


def _in_flight(
    client: Elasticsearch, actions: Iterator[dict[str, Any]], chunk_size: int
) -> Iterator[list[tuple[bool, Any]]]:
    """Bulk-send ``actions`` in chunks with ``REINDEX_REQUESTS`` requests in flight.

    Elasticsearch indexes one chunk while this thread builds and serialises the next.
    The chunks are built here, in the caller's thread (and so on its database
    connection); only the requests run in the pool. Yields each chunk's results.
    """
    pending: deque[Future[list[tuple[bool, Any]]]] = deque()

    def send(chunk: list[dict[str, Any]]) -> list[tuple[bool, Any]]:
        return list(
            streaming_bulk(
                client,
                chunk,
                chunk_size=len(chunk),
                raise_on_error=False,
                max_retries=2,
            )
        )

    with ThreadPoolExecutor(REINDEX_REQUESTS, thread_name_prefix="reindex") as pool:
        chunk: list[dict[str, Any]] = []
        for action in actions:
            chunk.append(action)
            if len(chunk) >= chunk_size:
                pending.append(pool.submit(send, chunk))
                chunk = []
                while len(pending) >= REINDEX_REQUESTS:
                    yield pending.popleft().result()
        if chunk:
            pending.append(pool.submit(send, chunk))
        while pending:
            yield pending.popleft().result()


class ElasticsearchBackend:
    """Searches an Elasticsearch 8 cluster."""

    name = "elasticsearch"

    def health(self) -> str:
        health = get_client().options(request_timeout=3).cluster.health()
        status = health["status"]
        if status == "red":
            raise RuntimeError("Elasticsearch cluster status is red")
        return f"elasticsearch {status}"

    # -- indices ----------------------------------------------------------------

    def _aliases(self) -> str:
        return ",".join(index_name(base) for base in INDEXES.values())

    def create_index(self, base: str, *, alias: str | None = None) -> str:
        """A new timestamped index for ``base``, optionally carrying ``alias``."""
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
        name = index_name(f"{base}-{stamp}")
        body = index_body()
        if alias:
            body["aliases"] = {alias: {}}
        get_client().indices.create(index=name, **body)
        return name

    def ensure_indices(self) -> None:
        """Create any kind's first index behind its alias, once however many race.

        Processes that find no alias at the same moment all create the same fixed
        name with the alias (one request, so index and alias appear together): one
        succeeds, the others get ``resource_already_exists_exception`` and write to
        the index it made. (A timestamped name each used to put two indices behind
        one alias.)
        """
        client = get_client()
        for base in INDEXES.values():
            alias = index_name(base)
            if client.indices.exists_alias(name=alias):
                continue
            body = index_body()
            body["aliases"] = {alias: {}}
            try:
                client.indices.create(index=first_index(base), **body)
            except BadRequestError as error:
                if error.error != "resource_already_exists_exception":
                    raise
                # Created meanwhile by another process, alias and all. Only a first
                # index left without its alias (a reindex interrupted after its
                # swap, then its index deleted by hand) needs the alias put back.
                if not client.indices.exists_alias(name=alias):
                    client.options(ignore_status=404).indices.put_alias(
                        index=first_index(base), name=alias
                    )

    def kind_indices(self, kind: str) -> list[str]:
        """The concrete indices a kind's searches read: one, unless something broke."""
        return self.indices_of(index_name(INDEXES[kind]))

    def indices_of(self, alias: str) -> list[str]:
        """The concrete indices behind ``alias`` (none when it does not exist)."""
        try:
            return sorted(get_client().indices.get_alias(name=alias).keys())
        except NotFoundError:
            return []

    def drop_all(self) -> None:
        """Delete every index of this prefix (tests and ``search_reindex --fresh``).

        Only names this deployment makes: another deployment on the same cluster whose
        prefix merely starts with ours (``techmatch-staging`` next to ``techmatch``)
        keeps its indices.
        """
        client = get_client()
        found = client.options(ignore_status=404).cat.indices(
            index=f"{settings.SEARCH_INDEX_PREFIX}-*".lower(),
            expand_wildcards="all",
            h="index",
            format="json",
        )
        rows = found.body if isinstance(found.body, list) else []
        names = [row["index"] for row in rows if own_index(row["index"])]
        for at in range(0, len(names), 50):
            client.options(ignore_status=404).indices.delete(
                index=",".join(names[at : at + 50]), expand_wildcards="all"
            )

    # -- writes -----------------------------------------------------------------

    def _targets(self, base: str) -> list[str]:
        client = get_client()
        names = [index_name(base), next_alias(base)]
        try:
            found = client.options(ignore_status=404).indices.get_alias(name=names)
        except TransportError as error:
            raise _unavailable(error) from error
        targets = sorted(k for k in found if k not in ("error", "status"))
        if not targets:
            self.ensure_indices()
            targets = self.indices_of(index_name(base))
        return targets

    def apply(self, changes: Iterable[Change]) -> set[int]:
        """Send the changes in one bulk request; the ids Elasticsearch did not accept.

        A version conflict means the index already holds this change or a newer
        one, and a missing document or index means there is nothing to delete:
        both count as done. Raises SearchUnavailable when the cluster cannot be
        reached at all.
        """
        by_index: dict[str, list[Change]] = {}
        for change in changes:
            by_index.setdefault(change.index, []).append(change)
        actions: list[dict[str, Any]] = []
        for base, items in by_index.items():
            for target in self._targets(base):
                for change in items:
                    action: dict[str, Any] = {
                        "_index": target,
                        "_id": str(change.listing_id),
                        "version": change.version,
                        "version_type": "external",
                    }
                    if change.body is None:
                        action["_op_type"] = "delete"
                    else:
                        action["_op_type"] = "index"
                        action["_source"] = change.body
                    actions.append(action)
        failed: set[int] = set()
        if not actions:
            return failed
        try:
            for ok, item in streaming_bulk(
                get_client(),
                actions,
                chunk_size=500,
                raise_on_error=False,
                raise_on_exception=True,
                max_retries=0,
            ):
                if ok:
                    continue
                result = next(iter(item.values()))
                status = result.get("status")
                error = result.get("error") or {}
                kind = error.get("type") if isinstance(error, dict) else None
                if (
                    status == 409
                    or status == 404
                    or kind == "index_not_found_exception"
                ):
                    continue
                logger.warning("index write refused: %s", result)
                failed.add(int(result["_id"]))
        except (TransportError, ApiError) as error:
            raise _unavailable(error) from error
        return failed

    # -- reads ------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResults:
        """Results of ``request`` with facets, highlights and exact totals."""
        results, body = self._prepared(request)
        try:
            response = get_client().search(
                index=self._aliases(), ignore_unavailable=True, **search_kwargs(body)
            )
        except (TransportError, ApiError) as error:
            raise _unavailable(error) from error
        return self._filled(results, response)

    def search_many(self, requests: list[SearchRequest]) -> list[SearchResults]:
        """Results of several requests in one round trip (``_msearch``), in order."""
        prepared = [self._prepared(request) for request in requests]
        searches: list[dict[str, Any]] = []
        for _, body in prepared:
            searches += [{"index": self._aliases(), "ignore_unavailable": True}, body]
        try:
            response = get_client().msearch(searches=searches)
        except (TransportError, ApiError) as error:
            raise _unavailable(error) from error
        answers = response["responses"]
        for answer in answers:
            if "error" in answer:  # one search of several failed: none is trusted
                raise SearchUnavailable(f"Elasticsearch: {answer['error']}")
        return [
            self._filled(results, answer)
            for (results, _), answer in zip(prepared, answers, strict=True)
        ]

    def _prepared(self, request: SearchRequest) -> tuple[SearchResults, dict[str, Any]]:
        """Empty results of ``request`` and the request body that fills them."""
        results = SearchResults(request=request, backend=self.name)
        if request.beyond_depth:
            request = dataclasses.replace(request, page=1)
            results.request = request
            out_of_range = True
        else:
            out_of_range = False
        body = search_body(request, plan(request.q))
        if out_of_range:
            body["size"] = 0
        return results, body

    def _filled(self, results: SearchResults, response: Any) -> SearchResults:
        """``results`` with the hits, total and facets of a search's response."""
        results.total = response["hits"]["total"]["value"]
        for hit in response["hits"]["hits"]:
            highlight = hit.get("highlight") or {}
            results.hits.append(
                hit_from(
                    hit["_source"],
                    title_html=(highlight.get("title") or [None])[0],
                    snippet_html=(highlight.get("summary") or [None])[0],
                    score=hit.get("_score"),
                )
            )
        aggregations = response.get("aggregations") or {}
        for facet in FACETS:
            if facet == "price":
                continue
            buckets = aggregations.get(facet, {}).get("values", {}).get("buckets", [])
            results.facets[facet] = facet_values(
                {str(b["key"]): b["doc_count"] for b in buckets}
            )
        price = aggregations.get("price", {}).get("values", {}).get("buckets", {})
        counts = {key: bucket["doc_count"] for key, bucket in price.items()}
        counts[NEGOTIABLE] = (
            aggregations.get("negotiable", {}).get("values", {}).get("doc_count", 0)
        )
        results.facets["price"] = facet_values(counts)
        return results

    def suggest(self, prefix: str, kind: str = "", size: int = 8) -> list[Suggestion]:
        """Titles and keywords starting with ``prefix`` (or with a word of a title)."""
        completion: dict[str, Any] = {
            "field": "suggest",
            "size": size,
            "skip_duplicates": True,
        }
        # A context suggester needs its contexts named: every kind unless one is asked.
        completion["contexts"] = {"kind": [kind] if kind else list(INDEXES)}
        try:
            response = get_client().search(
                index=self._aliases(),
                ignore_unavailable=True,
                suggest={"s": {"prefix": prefix, "completion": completion}},
                source={"includes": ["title", "keywords", "kind", "listing_id"]},
                size=0,
            )
        except (TransportError, ApiError) as error:
            raise _unavailable(error) from error
        suggestions: list[Suggestion] = []
        # No index at all (a new or wiped cluster) answers without a "suggest" part.
        entries = (response.get("suggest") or {}).get("s") or [{"options": []}]
        for option in entries[0]["options"]:
            source = option["_source"]
            text = option["text"]
            keywords = {str(k).lower(): str(k) for k in source.get("keywords") or []}
            if text in keywords:
                suggestions.append(Suggestion(keywords[text], "keyword"))
            else:
                suggestions.append(
                    Suggestion(
                        source["title"],
                        "title",
                        int(source["listing_id"]),
                        source["kind"],
                    )
                )
        return suggestions

    def vocabulary(self) -> dict[str, int]:
        """Indexed keywords and title words with their document counts (cached)."""
        now = time.monotonic()
        if now - _vocabulary["at"] < VOCABULARY_TTL and _vocabulary["terms"]:
            return _vocabulary["terms"]  # type: ignore[no-any-return]
        try:
            response = get_client().search(
                index=self._aliases(),
                ignore_unavailable=True,
                size=0,
                aggs={"terms": {"terms": {"field": "terms", "size": VOCABULARY_SIZE}}},
            )
        except (TransportError, ApiError) as error:
            raise _unavailable(error) from error
        # No index at all (a new or wiped cluster) answers without aggregations.
        aggregations = response.get("aggregations") or {}
        buckets = aggregations.get("terms", {}).get("buckets", [])
        terms = {b["key"]: b["doc_count"] for b in buckets}
        _vocabulary.update(at=now, terms=terms)
        return terms

    def forget_vocabulary(self) -> None:
        _vocabulary.update(at=0.0, terms={})

    def refresh(self) -> None:
        """Make every write searchable now (tests and commands; never per save)."""
        get_client().options(ignore_status=404).indices.refresh(index=self._aliases())

    def stored_versions(self, kind: str) -> Iterator[tuple[int, int]]:
        """(listing id, version) of every document of a kind's index."""
        alias = index_name(INDEXES[kind])
        if not self.indices_of(alias):
            return
        for hit in scan(
            get_client(),
            index=alias,
            query={"query": {"match_all": {}}},
            _source=False,
            version=True,
            size=2000,
        ):
            yield int(hit["_id"]), int(hit["_version"])

    def stored_body(self, kind: str, listing_id: int) -> dict[str, Any] | None:
        try:
            found = get_client().get(
                index=index_name(INDEXES[kind]), id=str(listing_id)
            )
        except NotFoundError:
            return None
        return found["_source"]  # type: ignore[no-any-return]

    # -- reindex ----------------------------------------------------------------

    def reindex(
        self,
        kind: str,
        bodies: Callable[[], Iterator[Change]],
        *,
        progress: Callable[[int], None] = lambda n: None,
        chunk_size: int = 1000,
    ) -> dict[str, Any]:
        """Fill a new index of ``kind`` from ``bodies`` and swap the alias to it.

        Searches keep reading the old index until the swap, which is one atomic
        alias update; changes made meanwhile reach both indices (see module doc).
        """
        base = INDEXES[kind]
        alias, following = index_name(base), next_alias(base)
        # A bulk of a thousand documents can take longer than a search may wait,
        # when the cluster merges segments or collects garbage on a small machine.
        client = get_client().options(request_timeout=REINDEX_TIMEOUT)
        for stale in self.indices_of(following):
            client.options(ignore_status=404).indices.delete(index=stale)
        new = self.create_index(base, alias=following)
        client.indices.put_settings(
            index=new, settings={"index": {"refresh_interval": "-1"}}
        )
        sent = 0
        try:
            for results in _in_flight(
                client,
                (
                    {
                        "_index": new,
                        "_id": str(change.listing_id),
                        "version": change.version,
                        "version_type": "external",
                        "_source": change.body,
                    }
                    for change in bodies()
                    if change.body is not None
                ),
                chunk_size,
            ):
                for ok, item in results:
                    if not ok:
                        result = next(iter(item.values()))
                        if result.get("status") != 409:
                            raise SearchUnavailable(f"reindex write refused: {result}")
                sent += len(results)
                progress(sent)
            client.indices.put_settings(
                index=new, settings={"index": {"refresh_interval": None}}
            )
            client.indices.refresh(index=new)
            # One atomic update. The alias comes off every index of the kind, not
            # only those it was on when the reindex began: another process may
            # have created the first index since (a fresh prefix's first write).
            swap: list[dict[str, Any]] = [
                {"remove": {"index": generations(base), "alias": alias}},
                {"add": {"index": new, "alias": alias}},
                {"remove": {"index": new, "alias": following}},
            ]
            answer = client.indices.update_aliases(actions=swap)
            # Removing an alias no index holds is reported, not fatal; the rest is.
            for result in answer.get("action_results") or []:
                action = result.get("action") or {}
                if result.get("status", 200) >= 300 and action.get("type") != "remove":
                    raise SearchUnavailable(f"alias swap refused: {result}")
        except BaseException:
            client.options(ignore_status=404).indices.delete(index=new)
            raise
        replaced = self._unaliased(base, keep=new)
        for index in replaced:
            client.options(ignore_status=404).indices.delete(index=index)
        progress(sent)
        return {"kind": kind, "index": new, "documents": sent, "replaced": replaced}

    def _unaliased(self, base: str, *, keep: str) -> list[str]:
        """Indices of ``base`` that no alias names any more (replaced), but ``keep``.

        Every index this backend creates carries an alias from its first moment (the
        read alias, or the reindex's ``-next``), so one without any was replaced.
        """
        try:
            found = get_client().indices.get_alias(index=generations(base))
        except NotFoundError:
            return []
        return sorted(
            name
            for name, entry in found.items()
            if name != keep and not (entry.get("aliases") or {})
        )


__all__ = ["KINDS", "ElasticsearchBackend", "get_client", "index_name"]

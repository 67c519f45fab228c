""" "Did you mean": the closest indexed terms to the words of a query.

Chinese typos are mostly one wrong character of a word (锂离子电吃, 人工只能), so a word
the index does not know is replaced by a known term of the same length that differs in
one character (two for words of five characters or more), preferring the most common.

When a correction is worth looking for (``search.selectors``): only when the query
found little — fewer than ``FEW_HITS`` results. A short query (one term of at most
``SHORT_QUERY_LENGTH`` characters, where a single slip changes the whole query) sends its
correction along in the same round trip; a longer one looks for it only after it found
little. A correction is offered only when it finds clearly more than the original
(``worth_offering``); a real term that finds a few listings (曝气 节能) is left alone.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import jieba

from search.analysis import STOPWORDS, normalise

# One term (no space) of at most this many characters: 人工智能, 锂离子电池, 减速器.
SHORT_QUERY_LENGTH = 6
# A query that finds at least this many results is never corrected: it found what the
# visitor typed, and a neighbouring term finding more is no reason to doubt it.
FEW_HITS = 3
# "Did you mean" is offered when the correction finds at least this many results more,
# and at least this many times as many, as the original.
OFFER_MIN_MORE = 3
OFFER_FACTOR = 2


def is_short(q: str) -> bool:
    """Whether ``q`` is one term of at most ``SHORT_QUERY_LENGTH`` characters."""
    text = normalise(q)
    return bool(text) and " " not in text and len(text) <= SHORT_QUERY_LENGTH


def finds_little(total: int) -> bool:
    """Whether a query that found ``total`` results is worth correcting at all."""
    return total < FEW_HITS


def worth_offering(original_total: int, corrected_total: int) -> bool:
    """Whether a correction of a query that found little finds clearly more."""
    return finds_little(original_total) and corrected_total >= max(
        original_total + OFFER_MIN_MORE, OFFER_FACTOR * original_total
    )


def _distance_at_most(a: str, b: str, limit: int) -> bool:
    """Whether the Levenshtein distance of ``a`` and ``b`` is at most ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(
                    previous[j] + 1,
                    current[j - 1] + 1,
                    previous[j - 1] + (char_a != char_b),
                )
            )
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


@dataclass
class _Lexicon:
    """A vocabulary arranged for correcting: terms by length, most common first."""

    source: Mapping[str, int]
    terms: frozenset[str]
    joined: str  # every term, newline-separated: "is a word inside a known term?"
    # length → (-count, position in the vocabulary, term), sorted
    by_length: dict[int, list[tuple[int, int, str]]]


_lexicon: list[_Lexicon] = []  # one slot: the vocabulary last asked about


def _lexicon_of(vocabulary: Mapping[str, int]) -> _Lexicon:
    """The arranged vocabulary, built once per vocabulary (a backend keeps its own for
    minutes); a correction then looks at the likeliest terms of fitting length only."""
    if _lexicon and _lexicon[0].source is vocabulary:
        return _lexicon[0]
    by_length: dict[int, list[tuple[int, int, str]]] = {}
    for position, (term, count) in enumerate(vocabulary.items()):
        by_length.setdefault(len(term), []).append((-count, position, term))
    for entries in by_length.values():
        entries.sort()
    lexicon = _Lexicon(
        vocabulary, frozenset(vocabulary), "\n".join(vocabulary), by_length
    )
    _lexicon[:] = [lexicon]
    return lexicon


def _candidates(word: str, lexicon: _Lexicon) -> Iterator[str]:
    """Terms of a length a correction of ``word`` may have, most common first (ties in
    vocabulary order)."""
    spread = 0 if len(word) < 4 else 1
    lists = [
        lexicon.by_length.get(length, [])
        for length in range(len(word) - spread, len(word) + spread + 1)
    ]
    for _, _, term in heapq.merge(*lists):
        yield term


def _correct_word(word: str, vocabulary: Mapping[str, int]) -> str | None:
    """The most common known term within the edit limit of ``word``, if any."""
    limit = 2 if len(word) >= 5 else 1
    for term in _candidates(word, _lexicon_of(vocabulary)):
        if term == word:
            continue
        if term[0] != word[0] and term[-1] != word[-1] and len(word) < 4:
            continue
        if _distance_at_most(word, term, limit):
            return term
    return None


def did_you_mean(q: str, vocabulary: Mapping[str, int]) -> str:
    """``q`` with unknown words replaced by close known terms; "" when nothing changes."""
    text = normalise(q)
    if not text or not vocabulary:
        return ""
    lexicon = _lexicon_of(vocabulary)

    def known(word: str) -> bool:
        # A word inside a known term (锂离子 in 锂离子电池) is no typo either.
        return word in lexicon.terms or word in lexicon.joined

    parts = jieba.lcut(text)
    changed = False
    out: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        # jieba splits an unknown word into known pieces; try it with its neighbour
        # (never across a space the visitor typed: it would be lost).
        joined = (
            part + parts[i + 1]
            if i + 1 < len(parts) and part.strip() and parts[i + 1].strip()
            else ""
        )
        next_part = parts[i + 1] if joined else ""
        unsure = not known(part) or len(part) == 1 or not known(next_part)
        if joined and unsure and len(joined) <= 8 and not known(joined):
            fixed = _correct_word(joined, vocabulary)
            if fixed:
                out.append(fixed)
                changed = True
                i += 2
                continue
        if len(part) >= 2 and not known(part) and part not in STOPWORDS:
            fixed = _correct_word(part, vocabulary)
            if fixed:
                out.append(fixed)
                changed = True
                i += 1
                continue
        out.append(part)
        i += 1
    return "".join(out).strip() if changed else ""

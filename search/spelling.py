""" "Did you mean": the closest indexed terms to the words of a query.

Chinese typos are mostly one wrong character of a word (锂离子电吃, 人工只能), so a word
the index does not know is replaced by a known term of the same length that differs in
one character (two for words of five characters or more), preferring the most common.
"""

from __future__ import annotations

from collections.abc import Mapping

import jieba

from search.analysis import STOPWORDS, normalise


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


def _correct_word(word: str, vocabulary: Mapping[str, int]) -> str | None:
    limit = 2 if len(word) >= 5 else 1
    best: tuple[int, str] | None = None
    for term, count in vocabulary.items():
        if term == word or abs(len(term) - len(word)) > (0 if len(word) < 4 else 1):
            continue
        if term[0] != word[0] and term[-1] != word[-1] and len(word) < 4:
            continue
        if (best is None or count > best[0]) and _distance_at_most(word, term, limit):
            best = (count, term)
    return best[1] if best else None


def did_you_mean(q: str, vocabulary: Mapping[str, int]) -> str:
    """``q`` with unknown words replaced by close known terms; "" when nothing changes."""
    text = normalise(q)
    if not text or not vocabulary:
        return ""
    terms = set(vocabulary)
    joined_terms = "\n".join(terms)

    def known(word: str) -> bool:
        # A word inside a known term (锂离子 in 锂离子电池) is no typo either.
        return word in terms or word in joined_terms

    parts = jieba.lcut(text)
    changed = False
    out: list[str] = []
    i = 0
    while i < len(parts):
        part = parts[i]
        # jieba splits an unknown word into known pieces; try it with its neighbour.
        joined = part + parts[i + 1] if i + 1 < len(parts) else ""
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

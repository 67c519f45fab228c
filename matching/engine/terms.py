"""The key terms two items share, and where they are in a text (for highlighting)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache

# Words that carry no topic in listings of this market (segmenter output).
STOP_WORDS = frozenset(
    [
        "技术",
        "研究",
        "开发",
        "应用",
        "方法",
        "系统",
        "装置",
        "一种",
        "及其",
        "以及",
        "进行",
        "提高",
        "实现",
        "可以",
        "通过",
        "用于",
        "基于",
        "我们",
        "公司",
        "企业",
        "需要",
        "需求",
        "项目",
        "产品",
        "生产",
        "问题",
        "要求",
        "具有",
        "采用",
        "相关",
        "the",
        "and",
        "for",
        "with",
        "from",
        "of",
        "in",
        "on",
        "to",
        "a",
        "an",
        "by",
        "is",
        "are",
    ]
)


@lru_cache(maxsize=200_000)  # pure, and asked for every token of every pair
def is_key_term(token: str) -> bool:
    """A token that can say what an item is about: two characters or more, not a
    stop word, not a number."""
    token = token.strip()
    if token.isascii():
        # Latin words and abbreviations (SiC, AGV, MOSFET), not units (mg, m3, kV).
        return (
            len(token) >= 3
            and token.lower() not in STOP_WORDS
            and bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", token))
            and not re.fullmatch(r"[A-Za-z]{1,2}\d+", token)
        )
    return (
        len(token) >= 2
        and token not in STOP_WORDS
        and not re.fullmatch(r"[\d.,%]+", token)
    )


def key_terms(tokens: Iterable[str]) -> frozenset[str]:
    """The distinct key terms of a token list."""
    return frozenset(filter(is_key_term, set(tokens)))


def ranked_terms(
    tokens: Iterable[str], weight: Callable[[str], float] | None = None
) -> tuple[str, ...]:
    """The distinct key terms of a token list, most telling first: by ``weight``
    (descending), then longer first, then alphabetically (a total order)."""
    weigh = weight or _no_weight
    return tuple(sorted(key_terms(tokens), key=lambda t: (-weigh(t), -len(t), t)))


def shared_terms(
    a: Iterable[str],
    b: Iterable[str],
    weight: Callable[[str], float] | None = None,
    limit: int = 8,
    prefer: Iterable[str] = (),
) -> list[str]:
    """The key terms both token lists contain, most telling first.

    Terms in ``prefer`` (the items' own keywords) come first; then ``weight`` (say, a
    term's inverse document frequency in the catalogue) orders them; among equals,
    longer terms come first.
    """
    return shared_ranked(ranked_terms(a, weight), key_terms(b), limit, prefer)


def shared_ranked(
    ranked: Sequence[str],
    other: AbstractSet[str],
    limit: int = 8,
    prefer: Iterable[str] = (),
) -> list[str]:
    """``shared_terms`` of an item's :func:`ranked_terms` and another's
    :func:`key_terms`: a full refresh asks this for every proposal, so each item's
    terms are ranked once and the pairs only intersect (no sort per pair)."""
    common = [t for t in ranked if t in other]
    preferred = set(prefer)
    if preferred:
        common = [t for t in common if t in preferred] + [
            t for t in common if t not in preferred
        ]
    # 催化剂 says it all: 催化 and 化剂 inside it add nothing to the explanation.
    # A term is inside another one exactly when it occurs twice in them all joined
    # (once as itself); the separator keeps a term from spanning two.
    joined = "\x00".join(common)
    wanted = limit if limit > 0 else len(common)
    found: list[str] = []
    for term in common:
        if joined.count(term) == 1:
            found.append(term)
            if len(found) == wanted:
                break
    return found[:limit]


def _no_weight(term: str) -> float:
    return 0.0


def highlight(text: str, terms: Sequence[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_a_term) runs; longest terms win overlaps."""
    if not text or not terms:
        return [(text, False)] if text else []
    ordered = sorted({t for t in terms if t}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() > position:
            pieces.append((text[position : match.start()], False))
        pieces.append((match.group(0), True))
        position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces

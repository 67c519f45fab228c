"""The key terms two items share, and where they are in a text (for highlighting)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
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
    # Intersect first: a full refresh asks this for millions of tokens.
    common = {t for t in set(a).intersection(b) if is_key_term(t)}
    preferred = set(prefer)
    # 催化剂 says it all: 催化 and 化剂 inside it add nothing to the explanation.
    whole = {t for t in common if not any(t != o and t in o for o in common)}
    weigh = weight or (lambda term: 0.0)
    return sorted(whole, key=lambda t: (t not in preferred, -weigh(t), -len(t), t))[
        :limit
    ]


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

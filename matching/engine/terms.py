"""The key terms two items share, and where they are in a text (for highlighting)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence

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


def is_key_term(token: str) -> bool:
    """A token that can say what an item is about: two characters or more, not a
    stop word, not a number."""
    token = token.strip()
    return (
        len(token) >= 2
        and token.lower() not in STOP_WORDS
        and not re.fullmatch(r"[\d.,%]+", token)
    )


def shared_terms(
    a: Iterable[str],
    b: Iterable[str],
    document_frequency: Mapping[str, int] | None = None,
    documents: int = 0,
    limit: int = 8,
) -> list[str]:
    """The terms both token lists contain, rarest in the catalogue first."""
    common = {t for t in a if is_key_term(t)} & {t for t in b if is_key_term(t)}

    def weight(term: str) -> tuple[float, int, str]:
        if document_frequency and documents:
            idf = math.log((1 + documents) / (1 + document_frequency.get(term, 0)))
        else:
            idf = 0.0
        return (-idf, -len(term), term)

    return sorted(common, key=weight)[:limit]


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

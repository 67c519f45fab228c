"""Chinese text analysis done in Python, so the index needs only Elasticsearch core analyzers.

Text is segmented with jieba when an item is saved and stored space-separated; the index
reads it with the ``whitespace`` analyzer. The same function serves the embedded backend.
"""

from __future__ import annotations

import logging
import re
from functools import cache

import jieba

_SPACE = re.compile(r"\s+")


@cache
def _tokenizer() -> jieba.Tokenizer:
    # jieba logs its dictionary build at DEBUG/INFO on every process start.
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def segment(text: str) -> str:
    """Words and search sub-words of ``text``, lower-cased, separated by single spaces."""
    words = (w.strip().lower() for w in _tokenizer().cut_for_search(text or ""))
    return _SPACE.sub(" ", " ".join(w for w in words if w and not w.isspace())).strip()

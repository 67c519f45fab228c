"""Chinese text analysis done in Python, so the index needs only Elasticsearch core analyzers.

Text is segmented with jieba when an item is saved and stored space-separated; the index
reads it with the ``whitespace`` analyzer, and queries are segmented the same way. The
embedded backend uses the same functions, so both backends see the same words.
Operators extend jieba's dictionary with domain terms (``DictionaryWord``); every process
picks up a change within ``DICTIONARY_TTL`` seconds, the one that made it at once.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Iterable

import jieba

DICTIONARY_TTL = 5.0
_DICTIONARY_VERSION_KEY = "search:dictionary-version"

_SPACE = re.compile(r"\s+")
_TERM_SEPARATORS = re.compile(r"[,，、;；\n]+")
_MEANINGFUL = re.compile(r"\w")
# Function words that match everything and rank nothing.
STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "是",
        "等",
        "对",
        "用",
        "于",
        "其",
        "之",
        "以",
        "为",
        "an",
        "and",
        "of",
        "the",
        "for",
        "in",
        "on",
        "with",
        "to",
    ]
)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

_lock = threading.Lock()
_state: dict[str, object] = {"tokenizer": None, "words": frozenset(), "checked": 0.0}


def normalise(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, single spaces."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "").lower()).strip()


def split_terms(text: str) -> list[str]:
    """Terms written one per line or separated by commas (either width) or 、."""
    return [term.strip() for term in _TERM_SEPARATORS.split(text or "") if term.strip()]


def _user_words() -> frozenset[str]:
    from search.models import DictionaryWord

    return frozenset(
        normalise(word)
        for word in DictionaryWord.objects.values_list("word", flat=True)
    )


def _dictionary_version() -> int:
    from django.core.cache import cache

    try:
        return int(cache.get(_DICTIONARY_VERSION_KEY) or 0)
    except Exception:  # a cache outage must not stop saving or searching
        return -1


def dictionary_changed() -> None:
    """Tell every process to reload the user dictionary (and reload this one now)."""
    from django.core.cache import cache

    try:
        cache.set(_DICTIONARY_VERSION_KEY, time.time_ns(), None)
    except Exception:
        logging.getLogger(__name__).warning("cache down: dictionary change not shared")
    _load(force=True)


def _load(force: bool = False) -> jieba.Tokenizer:
    now = time.monotonic()
    tokenizer = _state["tokenizer"]
    if (
        tokenizer is not None
        and not force
        and now - float(_state["checked"]) < DICTIONARY_TTL  # type: ignore[arg-type]
    ):
        return tokenizer  # type: ignore[return-value]
    with _lock:
        if tokenizer is None:
            # jieba logs its dictionary build at DEBUG/INFO on every process start.
            jieba.setLogLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _state["tokenizer"] = tokenizer
            _state["version"] = None
        version = _dictionary_version()
        if force or version != _state.get("version"):
            try:
                words = _user_words()
            except Exception:  # no table yet (before migrate) or no database
                words = frozenset()
            old = _state["words"]
            assert isinstance(old, frozenset)
            for word in old - words:
                tokenizer.del_word(word)  # type: ignore[attr-defined]
            for word in words - old:
                tokenizer.add_word(word, freq=None)  # type: ignore[attr-defined]
            _state["words"] = words
            _state["version"] = version
        _state["checked"] = now
        return tokenizer  # type: ignore[return-value]


def words(text: str) -> list[str]:
    """The words and search sub-words of ``text`` (normalised), in order, repeats kept."""
    found = []
    for word in _load().cut_for_search(normalise(text)):
        word = word.strip()
        if word and word not in STOPWORDS and _MEANINGFUL.search(word):
            found.append(word)
    return found


def precise_words(text: str) -> list[str]:
    """The words of ``text`` (normalised) without search sub-words, in order."""
    return [
        w for w in _load().lcut(normalise(text)) if w.strip() and _MEANINGFUL.search(w)
    ]


def segment(text: str) -> str:
    """Words and search sub-words of ``text``, lower-cased, separated by single spaces."""
    return " ".join(words(text))


def segment_many(texts: Iterable[str]) -> str:
    """``segment`` of several texts joined, for a field made of several parts."""
    return " ".join(part for part in (segment(text) for text in texts) if part)


_RUN = re.compile(
    r"[\u3040-\u309f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
    r"|[^\W_\u3040-\u309f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+"
)
_IDEOGRAPH = re.compile(r"[\u3040-\u309f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def char_runs(text: str) -> list[str]:
    """``text`` (normalised) cut into runs of Chinese characters and runs of other letters
    or digits, at every space, punctuation mark and change of script.

    The index gets the runs as separate values of the ``chars`` field, so its bigrams
    never span a comma or the gap between two keywords: "汤 单" in "补肾活血汤 单纯…"
    is no term of either the query or the document.
    """
    return _RUN.findall(normalise(text))


def run_bigrams(run: str) -> list[str]:
    """The character bigrams of one run; a one-character run or a Latin word itself."""
    if len(run) < 2 or not _IDEOGRAPH.match(run):
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def run_unigrams(run: str) -> list[str]:
    """The single characters of a Chinese run; a Latin word or number itself."""
    return list(run) if _IDEOGRAPH.match(run) else [run]


def bigrams(text: str) -> list[str]:
    """Every character bigram of ``text`` (within runs), in order, repeats kept.

    What the ``chars`` field's analyzer makes of the same runs (``standard``
    tokenizer, ``lowercase``, ``shingle`` 2-2 joined without a separator, a run's
    single token kept): the query side and the embedded backend compute it here.
    """
    return [gram for run in char_runs(text) for gram in run_bigrams(run)]


def unigrams(text: str) -> list[str]:
    """Every character of ``text`` (Latin words and numbers whole), repeats kept."""
    return [gram for run in char_runs(text) for gram in run_unigrams(run)]


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese character."""
    return bool(_CJK.search(text or ""))


def dictionary_generation() -> object:
    """The user dictionary in use: a new object whenever this process reloads it, so
    a cache of segmented queries can tell that it is stale."""
    _load()
    return _state["words"]


def warm_up() -> None:
    """Load jieba and the user dictionary now (a web process does so before serving)."""
    _load(force=True)


def forget() -> None:
    """Make this process re-read the user dictionary on its next use (tests)."""
    _state["checked"] = -1e9
    _state["version"] = object()

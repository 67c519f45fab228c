"""The CSL evaluation set (real Chinese abstracts and queries), read where it lies.

The data stays outside the repository (``../shared/eval/csl`` next to the checkout, or
``CSL_EVAL_DIR``); nothing here copies it. Shared by bench/search_eval_csl.py, the
latency benchmark (``--corpus csl``) and the regression test: where the data is, the
rows the import service reads, the reference BM25 over character bigrams, and the
figures (R@1, R@10, MRR@10) by query type.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ENV_DIR = "CSL_EVAL_DIR"
RELATIVE = Path("shared") / "eval" / "csl"
FILES = ("corpus.jsonl", "queries_dev.jsonl")
HARD_BELOW = 0.5  # lexical_overlap under this: the "hard" subset (README of the data)
ORGANISATION = "CSL 期刊论文评测集"
EXTERNAL_PREFIX = ""  # the corpus's own ids (csl-00000 …) are the external IDs
ROWS = ("keywords", "keywords, hard", "title", "title, hard")


def find_data(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The folder holding the CSL files, or None.

    ``explicit`` (a flag), then ``CSL_EVAL_DIR``, then ``shared/eval/csl`` beside the
    checkout or beside any folder above it (CI: ``../shared``; a worktree one level
    deeper finds the same folder).
    """
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    elif os.environ.get(ENV_DIR):
        candidates.append(Path(os.environ[ENV_DIR]))
    else:
        candidates += [parent / RELATIVE for parent in ROOT.parents]
    for folder in candidates:
        if all((folder / name).is_file() for name in FILES):
            return folder
    return None


def missing_message(explicit: str | None = None) -> str:
    """What to tell someone whose checkout has no CSL data beside it."""
    where = explicit or os.environ.get(ENV_DIR) or f"../{RELATIVE} (or above)"
    return (
        f"CSL evaluation data not found at {where}: it needs {', '.join(FILES)}. "
        f"Put the shared data beside the checkout or set {ENV_DIR}=/path/to/csl."
    )


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def read_corpus(folder: Path) -> list[dict[str, Any]]:
    """Documents: ``doc_id``, ``abstract``, ``discipline``, ``category``."""
    return _jsonl(folder / "corpus.jsonl")


def read_queries(folder: Path) -> list[dict[str, Any]]:
    """Queries: ``query_id``, ``qtype``, ``query``, ``target_doc_id``, ``lexical_overlap``."""
    return _jsonl(folder / "queries_dev.jsonl")


def row_of(doc: Mapping[str, Any], number: int) -> dict[str, str]:
    """An outcome row for the import service: the abstract as the description.

    Title and summary are neutral (the same words in every row), as an operator
    importing abstracts would have them: a query must find its paper through the
    abstract, as in the reference. Field, region and so on are what publishing needs.
    """
    return {
        "external_id": EXTERNAL_PREFIX + str(doc["doc_id"]),
        "title": f"期刊论文摘要 第{number}篇",
        "summary": "中文核心期刊论文的摘要，用于检索评测。",
        "description": str(doc["abstract"]),
        "field": "0101",
        "region": "110101",
        "organisation": ORGANISATION,
        "modes": "技术服务",
        "contact_name": "评测",
        "maturity": "1",
        "price": "面议",
    }


def sample(
    queries: Sequence[dict[str, Any]], size: int, *, salt: str = "csl"
) -> list[dict[str, Any]]:
    """A deterministic sample of ``size`` queries, half of them from the hard subset.

    Ordered by a CRC of the query id, so it is the same on every machine and run.
    """

    def key(query: Mapping[str, Any]) -> int:
        return zlib.crc32(f"{salt}:{query['query_id']}".encode())

    hard = sorted((q for q in queries if is_hard(q)), key=key)
    easy = sorted((q for q in queries if not is_hard(q)), key=key)
    half = size // 2
    return hard[:half] + easy[: size - min(half, len(hard))]


def is_hard(query: Mapping[str, Any]) -> bool:
    return float(query["lexical_overlap"]) < HARD_BELOW


def row_names(query: Mapping[str, Any]) -> list[str]:
    """The table rows a query counts in: its type, and its type's hard row."""
    names = [str(query["qtype"])]
    if is_hard(query):
        names.append(f"{query['qtype']}, hard")
    return names


@dataclass(frozen=True)
class Figures:
    """R@1, R@10 and MRR@10 of a row of queries."""

    n: int
    r1: float
    r10: float
    mrr10: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "R@1": round(self.r1, 3),
            "R@10": round(self.r10, 3),
            "MRR@10": round(self.mrr10, 3),
        }


def figures(ranks: Iterable[int | None]) -> Figures:
    """Figures of 1-based ranks of the targets (None: not in the first ten)."""
    values = [r if r is not None and r <= 10 else None for r in ranks]
    n = len(values) or 1
    return Figures(
        n=len(values),
        r1=sum(1 for r in values if r == 1) / n,
        r10=sum(1 for r in values if r) / n,
        mrr10=sum(1 / r for r in values if r) / n,
    )


def table(
    queries: Sequence[Mapping[str, Any]], ranks: Mapping[str, int | None]
) -> dict[str, Figures]:
    """Figures per row (see ``ROWS``) of the ranks by query id."""
    by_row: dict[str, list[int | None]] = defaultdict(list)
    for query in queries:
        for name in row_names(query):
            by_row[name].append(ranks.get(str(query["query_id"])))
    return {name: figures(by_row[name]) for name in ROWS if by_row[name]}


# --- The reference: plain BM25 over character bigrams -------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")


def reference_tokens(text: str) -> list[str]:
    """Bigrams of each run of Chinese characters (a lone character itself), and Latin
    words and numbers whole: no segmenter, no synonyms."""
    tokens: list[str] = []
    for match in _RUN.finditer(unicodedata.normalize("NFKC", text).lower()):
        run = match.group()
        if "a" <= run[0] <= "z" or run[0].isdigit() or len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


class ReferenceBM25:
    """BM25 (k1 1.2, b 0.75) over ``reference_tokens`` of the abstracts alone."""

    def __init__(
        self, docs: Sequence[Mapping[str, Any]], k1: float = 1.2, b: float = 0.75
    ) -> None:
        self.ids = [str(doc["doc_id"]) for doc in docs]
        self.k1, self.b = k1, b
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.lengths: list[int] = []
        for i, doc in enumerate(docs):
            counts = Counter(reference_tokens(str(doc["abstract"])))
            self.lengths.append(sum(counts.values()))
            for token, count in counts.items():
                self.postings[token].append((i, count))
        self.average = sum(self.lengths) / max(len(self.lengths), 1)

    def top(self, query: str, size: int = 10) -> list[str]:
        """Ids of the best ``size`` documents for ``query`` (each query term once)."""
        scores: dict[int, float] = defaultdict(float)
        count = len(self.lengths)
        for token in dict.fromkeys(reference_tokens(query)):
            posting = self.postings.get(token)
            if not posting:
                continue
            df = len(posting)
            idf = math.log(1 + (count - df + 0.5) / (df + 0.5))
            for i, tf in posting:
                norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / self.average)
                scores[i] += idf * tf * (self.k1 + 1) / (tf + norm)
        best = sorted(scores, key=lambda i: (-scores[i], i))[:size]
        return [self.ids[i] for i in best]


def rank_of(target: str, found: Sequence[str]) -> int | None:
    """1-based rank of ``target`` in ``found``, None when absent."""
    return found.index(target) + 1 if target in found else None

"""Agents' decisions as a table (CSV or XLSX): the re-ranker's labelled data, portable.

One row per decision, with who decided, when, what, why, the scores as they stood
then and the pair's ids and titles. A text cell a spreadsheet would run as a formula
(starting with = + - @, tab or carriage return) gets an apostrophe before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from market.spreadsheets import to_csv, to_xlsx
from matching.models import Decision

COLUMNS = (
    "decision_id",
    "decided_at",
    "agent_id",
    "agent",
    "action",
    "reason",
    "note",
    "snoozed_until",
    "score",
    "engine_version",
    "model_version",
    "proposal_id",
    "demand_id",
    "demand_title",
    "outcome_id",
    "outcome_title",
)
# Each component score gets a column of its own, named with this prefix.
COMPONENT_PREFIX = "component_"

Cell = str | int | float | None


def _when(value: Any) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def decision_table(decisions: Iterable[Decision]) -> tuple[list[str], list[list[Cell]]]:
    """The header and one row per decision; every component seen gets a column."""
    rows = list(decisions)
    components = sorted({name for d in rows for name in (d.components or {})})
    header = [*COLUMNS, *(COMPONENT_PREFIX + name for name in components)]
    table: list[list[Cell]] = []
    for decision in rows:
        proposal = decision.proposal
        agent = decision.agent
        scores = decision.components or {}
        table.append(
            [
                decision.pk,
                _when(decision.created_at),
                decision.agent_id,
                (agent.display_name or agent.email) if agent is not None else "",
                decision.action,
                decision.reason,
                decision.note,
                _when(decision.snoozed_until),
                decision.score,
                decision.engine_version,
                decision.model_version,
                proposal.pk,
                proposal.demand_id,
                proposal.demand.title,
                proposal.outcome_id,
                proposal.outcome.title,
                *(_number(scores.get(name)) for name in components),
            ]
        )
    return header, table


def _number(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


def export_decisions(decisions: Iterable[Decision], format: str) -> bytes:
    """The decisions as a ``format`` ("csv" or "xlsx") file."""
    header, rows = decision_table(decisions)
    if format == "xlsx":
        return to_xlsx(header, rows, "decisions")
    if format == "csv":
        return to_csv(header, rows)
    raise ValueError(f"unknown export format {format!r}")

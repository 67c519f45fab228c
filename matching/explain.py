"""A proposal's reasons as sentences in the visitor's language (zh-hans first).

The engine stores reason codes with their values; this module turns them into text at
read time, so that a visitor reading English sees English and a label renamed by a
moderator shows its new name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from market.models import CooperationMode, MaturityStage, Region, TechField


def _labels(model: Any, field: str, codes: Iterable[str]) -> dict[str, str]:
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return {
        getattr(row, field): str(row)
        for row in model.objects.filter(**{f"{field}__in": wanted})
    }


def _money(value: Any) -> str:
    """An amount in 10k CNY as people write it: 80, 12.5, 100000000 (never 1e+08)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    # Two decimals at most, trailing zeros dropped, no exponent.
    return f"{amount:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Labels:
    """The names of the fields, regions and modes some reasons name (read at once)."""

    fields: Mapping[str, str]
    regions: Mapping[str, str]
    modes: Mapping[str, str]


def labels_for(reason_lists: Iterable[Iterable[Mapping[str, Any]]]) -> Labels:
    """The labels every reason of ``reason_lists`` needs, in three queries at most."""
    params = [r.get("params") or {} for reasons in reason_lists for r in reasons]
    return Labels(
        fields=_labels(
            TechField,
            "code",
            [p.get(k, "") for p in params for k in ("demand_field", "outcome_field")],
        ),
        regions=_labels(
            Region,
            "code",
            [p.get(k, "") for p in params for k in ("demand_region", "outcome_region")],
        ),
        modes=_labels(
            CooperationMode,
            "code",
            [m for p in params for m in str(p.get("modes", "")).split(",")],
        ),
    )


def sentences(
    reasons: Iterable[Mapping[str, Any]],
    shared_terms: Iterable[str] = (),
    labels: Labels | None = None,
) -> list[str]:
    """One sentence per reason worth saying, the shared key terms first.

    ``labels`` (from :func:`labels_for`) spares the queries when explaining many
    proposals at once.
    """
    reasons = [r for r in reasons if isinstance(r, Mapping)]
    params = [r.get("params") or {} for r in reasons]
    if labels is None:
        labels = labels_for([reasons])
    fields, regions, modes = labels.fields, labels.regions, labels.modes
    stages = dict(MaturityStage.choices)
    said: list[str] = []
    terms = list(shared_terms)
    if terms:
        said.append(_("Shared key terms: %(terms)s") % {"terms": "、".join(terms)})
    for reason, p in zip(reasons, params, strict=True):
        code = reason.get("code")
        text = _sentence(str(code), p, fields, regions, modes, stages)
        if text:
            said.append(text)
    return said


def _sentence(
    code: str,
    p: Mapping[str, Any],
    fields: Mapping[str, str],
    regions: Mapping[str, str],
    modes: Mapping[str, str],
    stages: Mapping[str, Any],
) -> str:
    field_name = fields.get(str(p.get("outcome_field", "")), "")
    # A damaged or older record lacking its values: say nothing rather than "None".
    amounts = (p.get("price_low"), p.get("budget_high"))
    levels = (p.get("offered"), p.get("expected"))
    if (
        code.startswith("price_") and code != "price_negotiable" and None in amounts
    ) or (code.startswith("maturity_") and None in levels):
        return ""
    match code:
        case "field_same":
            return _("Same technology field: %(field)s") % {"field": field_name}
        case "field_same_parent":
            return _(
                "Same field group: the demand is in %(a)s, the outcome in %(b)s"
            ) % {
                "a": fields.get(str(p.get("demand_field", "")), ""),
                "b": field_name,
            }
        case "field_related":
            return _("Related fields: %(a)s and %(b)s") % {
                "a": fields.get(str(p.get("demand_field", "")), ""),
                "b": field_name,
            }
        case "field_different":
            return _("Different fields: %(a)s and %(b)s") % {
                "a": fields.get(str(p.get("demand_field", "")), ""),
                "b": field_name,
            }
        case "maturity_meets":
            return _(
                "Maturity fits: the outcome is at TRL %(offered)s (%(offered_stage)s), "
                "the demand expects TRL %(expected)s (%(expected_stage)s)"
            ) % _stage_params(p, stages)
        case "maturity_gap":
            return _(
                "Maturity gap: the outcome is at TRL %(offered)s (%(offered_stage)s), "
                "the demand expects TRL %(expected)s (%(expected_stage)s)"
            ) % _stage_params(p, stages)
        case "price_within_budget":
            return _(
                "Price within budget: from %(price)s (10k CNY), budget up to %(budget)s"
            ) % {
                "price": _money(p.get("price_low")),
                "budget": _money(p.get("budget_high")),
            }
        case "price_near_budget":
            return _(
                "Price a little over budget: from %(price)s (10k CNY), budget up to "
                "%(budget)s"
            ) % {
                "price": _money(p.get("price_low")),
                "budget": _money(p.get("budget_high")),
            }
        case "price_over_budget":
            return _(
                "Price over budget: from %(price)s (10k CNY), budget up to %(budget)s"
            ) % {
                "price": _money(p.get("price_low")),
                "budget": _money(p.get("budget_high")),
            }
        case "price_negotiable":
            return _("Price or budget negotiable")
        case "modes_in_common":
            names = [modes.get(m, m) for m in str(p.get("modes", "")).split(",") if m]
            return _("Cooperation modes in common: %(modes)s") % {
                "modes": "、".join(names)
            }
        case "modes_none_in_common":
            return _("No cooperation mode in common")
        case "region_same_city" | "region_same_province" | "region_neighbouring":
            template = {
                "region_same_city": _("Same city: %(a)s and %(b)s"),
                "region_same_province": _("Same province: %(a)s and %(b)s"),
                "region_neighbouring": _("Neighbouring provinces: %(a)s and %(b)s"),
            }[code]
            return template % {
                "a": regions.get(str(p.get("demand_region", "")), ""),
                "b": regions.get(str(p.get("outcome_region", "")), ""),
            }
        case "deadline_closing_soon":
            return _("The demand closes in %(days)s days") % {"days": p.get("days")}
    # Unknown or unremarkable (region elsewhere, open deadline): nothing to say.
    return ""


def _stage_params(p: Mapping[str, Any], stages: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "offered": p.get("offered"),
        "expected": p.get("expected"),
        "offered_stage": stages.get(str(p.get("offered_stage")), ""),
        "expected_stage": stages.get(str(p.get("expected_stage")), ""),
    }

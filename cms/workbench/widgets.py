"""Widgets of the workbench forms: the three-level region select and multiple uploads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from market.models import Region

REGION_PART_LABELS = (_("Province"), _("City"), _("District"))


class RegionSelectWidget(forms.MultiWidget):
    """Province, city and district as three labelled selects.

    Without JavaScript every city and district is offered (grouped by the level
    above) and the most specific choice wins; workbench.js narrows the options.
    """

    template_name = "workbench/_region_widget.html"

    def __init__(
        self,
        choices: tuple[list[Any], list[Any], list[Any]] = ([], [], []),
        regions_by_pk: dict[int, Region] | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> None:
        widgets = [
            forms.Select(choices=part, attrs={"data-region-level": str(level)})
            for level, part in enumerate(choices, start=1)
        ]
        self.regions_by_pk = regions_by_pk or {}
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        region = value if isinstance(value, Region) else None
        if region is None and value not in (None, ""):
            try:
                region = self.regions_by_pk.get(int(value))
            except (TypeError, ValueError):
                region = None
        codes: list[str | None] = [None, None, None]
        node = region
        while node is not None:
            codes[node.level - 1] = node.code
            node = self.regions_by_pk.get(node.parent_id) if node.parent_id else None
        return codes

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["parts"] = list(
            zip(REGION_PART_LABELS, context["widget"]["subwidgets"], strict=True)
        )
        return context


class MultipleFileInput(forms.FileInput):
    """A file input that sends several files at once."""

    allow_multiple_selected = True

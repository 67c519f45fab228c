"""Forms of the search app: saving a search under a name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from search.query import MAX_QUERY_LENGTH, SearchFilters, SearchRequest


class SavedSearchForm(forms.Form):
    """A name for the search whose text and filters come along (hidden) from the page.

    A filter the search would drop as malformed is an error here, not silently
    widened: the user would be told about listings they did not ask for.
    """

    name = forms.CharField(label=_("Name"), max_length=60)
    q = forms.CharField(
        label=_("Search for"), max_length=MAX_QUERY_LENGTH, required=False
    )

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        for name in SearchFilters.names():
            self.fields[name] = forms.CharField(required=False, max_length=30)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Please give the search a name."), code="required")
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        raw = {
            name: cleaned.get(name) or ""
            for name in ("q", *SearchFilters.names())
            if name in cleaned
        }
        request = SearchRequest.from_params(raw)
        kept = request.filters.as_params()
        for name in SearchFilters.names():
            if raw.get(name) and name not in kept:
                self.add_error(name, _("This filter is not valid."))
        if not request.q and not kept and not self.errors:
            raise ValidationError(
                _("Search for something or choose a filter before saving."),
                code="empty",
            )
        self.search_request = request
        return cleaned

"""Wagtail admin for search, under one "Search" menu: synonyms, dictionary, index status.

Synonym groups apply to the next search without reindexing (they expand queries);
a dictionary word re-segments the listings that contain it in the background.
The status page tells operators whether the engine answers and what waits to be sent.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn, DateColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from search.analysis import normalise, split_terms
from search.backends import get_backend
from search.models import DictionaryWord, IndexOutbox, Synonym

STATUS_PERMISSION = "search.view_synonym"
MAX_TERM_LENGTH = 40


class SynonymForm(WagtailAdminModelForm):
    """A synonym group: at least two different terms, each a short phrase."""

    def clean_terms(self) -> str:
        # Kept as written (case, width); two spellings of one term count once.
        written: dict[str, str] = {}
        for term in split_terms(self.cleaned_data["terms"]):
            if normalise(term):
                written.setdefault(normalise(term), term)
        terms = list(written.values())
        if len(terms) < 2:
            raise forms.ValidationError(
                _("Write at least two different terms, separated by commas.")
            )
        too_long = [term for term in terms if len(term) > MAX_TERM_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Terms are at most %(n)d characters: %(terms)s")
                % {"n": MAX_TERM_LENGTH, "terms": "、".join(too_long)}
            )
        return "，".join(terms)


class DictionaryWordForm(WagtailAdminModelForm):
    """One domain term, without spaces or separators (jieba keeps it whole)."""

    def clean_word(self) -> str:
        word = normalise(self.cleaned_data["word"])
        if not word or any(ch.isspace() for ch in word) or len(split_terms(word)) != 1:
            raise forms.ValidationError(
                _("Write one term without spaces or commas, e.g. 钙钛矿.")
            )
        queryset = DictionaryWord.objects.filter(word=word)
        if self.instance.pk:
            queryset = queryset.exclude(pk=self.instance.pk)
        if queryset.exists():
            raise forms.ValidationError(_("This word is in the dictionary already."))
        return word


class SynonymViewSet(ModelViewSet):
    """Operator-managed synonym groups, expanded in every query at once."""

    model = Synonym
    name = "search_synonyms"
    url_prefix = "search/synonyms"
    icon = "resubmit"
    menu_label = gettext_lazy("Synonyms")
    menu_order = 10
    copy_view_enabled = False
    list_display = [
        "terms",
        "note",
        BooleanColumn("is_active", label=gettext_lazy("active"), sort_key="is_active"),
        DateColumn(
            "updated_at", label=gettext_lazy("updated at"), sort_key="updated_at"
        ),
    ]
    list_filter = ["is_active"]
    search_fields = ["terms", "note"]
    ordering = ["terms"]
    edit_handler = ObjectList(
        [FieldPanel("terms"), FieldPanel("note"), FieldPanel("is_active")],
        base_form_class=SynonymForm,
    )


class DictionaryWordViewSet(ModelViewSet):
    """Domain terms the Chinese word segmenter must keep whole."""

    model = DictionaryWord
    name = "search_dictionary"
    url_prefix = "search/dictionary"
    icon = "doc-full"
    menu_label = gettext_lazy("Dictionary")
    menu_order = 20
    copy_view_enabled = False
    list_display = [
        "word",
        "note",
        DateColumn(
            "updated_at", label=gettext_lazy("updated at"), sort_key="updated_at"
        ),
    ]
    search_fields = ["word", "note"]
    ordering = ["word"]
    list_per_page = 100
    edit_handler = ObjectList(
        [FieldPanel("word"), FieldPanel("note")],
        base_form_class=DictionaryWordForm,
    )


def index_status() -> dict[str, Any]:
    """What the status page shows: engine health and the outbox (never raises)."""
    backend = get_backend()
    try:
        health, healthy = backend.health(), True
    except Exception as error:  # unreachable, timing out or red: say so
        health, healthy = f"{type(error).__name__}: {error}"[:500], False
    pending = IndexOutbox.objects.aggregate(oldest=Min("created_at"))
    failing = (
        IndexOutbox.objects.exclude(last_error="")
        .order_by("-attempts", "-pk")
        .values("listing_id", "attempts", "last_error")
        .first()
    )
    oldest = pending["oldest"]
    return {
        "backend": backend.name,
        "health": health,
        "healthy": healthy,
        "pending": IndexOutbox.objects.count(),
        "oldest": oldest,
        "oldest_age": timezone.now() - oldest if oldest else None,
        "failing": failing,
        "synonyms": Synonym.objects.filter(is_active=True).count(),
        "words": DictionaryWord.objects.count(),
    }


class IndexStatusView(View):
    """Read-only: is the search engine answering, and what is waiting to be indexed."""

    http_method_names = ["get", "head"]

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm(STATUS_PERMISSION):
            raise PermissionDenied
        return render(request, "search/admin/index_status.html", index_status())


class _StatusMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(STATUS_PERMISSION)


class IndexStatusViewSet(ViewSet):
    """The "Search index" status page."""

    name = "search_status"
    url_prefix = "search/status"
    icon = "pick"
    menu_label = gettext_lazy("Search index")
    menu_order = 30
    menu_item_class = _StatusMenuItem

    def get_urlpatterns(self) -> list[Any]:
        return [path("", IndexStatusView.as_view(), name="index")]


class SearchViewSetGroup(ViewSetGroup):
    """The "Search" admin menu."""

    menu_label = gettext_lazy("Search")
    menu_icon = "search"
    menu_order = 250
    items = (SynonymViewSet, DictionaryWordViewSet, IndexStatusViewSet)


@hooks.register("register_admin_viewset")
def register_search_viewsets() -> SearchViewSetGroup:
    return SearchViewSetGroup()

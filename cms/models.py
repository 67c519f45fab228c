"""Wagtail pages of the portal: home, the two catalogues, and the editorial pages."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms import catalogue
from cms.blocks import BodyBlock
from cms.catalogue import INDEX_PAGE
from market.kinds import registry as kinds
from market.models import ListingKind, ListingStatus
from market.params import parse_page

INTRO_FEATURES = ["bold", "italic", "link", "ol", "ul"]
CHILDREN_PER_PAGE = 12


def _paginate(
    request: HttpRequest, items: Any, per_page: int = CHILDREN_PER_PAGE
) -> Any:
    """A page of ``items``; a malformed or too high page number never fails."""
    return Paginator(items, per_page).get_page(parse_page(request.GET.get("page")))


class HomePage(Page):
    """The portal's home page: an editable introduction above the market's highlights."""

    intro = models.CharField(_("headline"), max_length=200, blank=True)
    body = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue.home_context(request))
        return context


class CatalogueIndexPage(RoutablePageMixin, Page):
    """A catalogue of published listings of one kind, with a detail page per listing.

    Editors choose its title, introduction and place; the listings come from the
    market. ``/<pk>/`` below the page shows one listing.
    """

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    listing_kind: ClassVar[str]

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    max_count = 1
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types: ClassVar[list[str]] = []

    class Meta:
        abstract = True

    @path("", name="index")
    def index_view(self, request: HttpRequest) -> HttpResponse:
        return catalogue.index_view(self, request)

    @path("<int:pk>/", name="detail")
    def detail_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return catalogue.detail_view(self, request, pk)

    def detail_url(self, pk: int, request: HttpRequest | None = None) -> str:
        """The site-relative address of listing ``pk`` below this page."""
        return (self.get_url(request) or "/") + self.reverse_subpage(
            "detail", kwargs={"pk": pk}
        )


class OutcomeIndexPage(CatalogueIndexPage):
    """The catalogue of research outcomes (科技成果)."""

    listing_kind = ListingKind.OUTCOME
    template = "cms/catalogue_index_page.html"

    class Meta:
        verbose_name = _("outcome catalogue")


class DemandIndexPage(CatalogueIndexPage):
    """The catalogue of technology demands (技术需求)."""

    listing_kind = ListingKind.DEMAND
    template = "cms/catalogue_index_page.html"

    class Meta:
        verbose_name = _("demand catalogue")


# The page class that lists each kind (read by cms.catalogue through the registry).
for _page_model in (OutcomeIndexPage, DemandIndexPage):
    kinds.attach(_page_model.listing_kind, INDEX_PAGE, _page_model)


class StandardPage(Page):
    """A general page (about us, services, guides) composed from blocks."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class NewsIndexPage(Page):
    """News (新闻动态): its news pages, newest first."""

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.NewsPage"]

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        context = super().get_context(request, *args, **kwargs)
        news = (
            NewsPage.objects.child_of(self)
            .live()
            .public()
            .select_related("image")
            .order_by("-date", "-first_published_at")
        )
        context["news"] = _paginate(request, news)
        return context


class NewsPage(Page):
    """One news article with its date, summary and picture."""

    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.TextField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("Shown in lists and search results."),
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("news article")


class PolicyPage(Page):
    """A policy document (政策文件) with its issuer, 文号 and effective date."""

    issuing_authority = models.CharField(_("issuing authority"), max_length=120)
    document_number = models.CharField(
        _("document number"),
        max_length=80,
        blank=True,
        help_text=_("The official number (文号), e.g. 苏科技规〔2026〕12号."),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    summary = models.TextField(_("summary"), max_length=500, blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("issuing_authority"),
                FieldPanel("document_number"),
                FieldRowPanel([FieldPanel("issued_on"), FieldPanel("effective_date")]),
            ],
            heading=_("Document"),
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("issuing_authority"),
        index.SearchField("document_number"),
        index.SearchField("summary"),
        index.SearchField("body"),
    ]

    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("policy document")


class PolicyAttachment(Orderable):
    """A file of a policy document: the original, an interpretation, a form."""

    page = ParentalKey(PolicyPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(
        _("link text"),
        max_length=120,
        blank=True,
        help_text=_("Empty: the document's title."),
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")


class EventIndexPage(Page):
    """Events (roadshows, 成果直通车): upcoming first, then past ones."""

    intro = RichTextField(_("introduction"), blank=True, features=INTRO_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.EventPage"]

    class Meta:
        verbose_name = _("event index")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        context = super().get_context(request, *args, **kwargs)
        events = EventPage.objects.child_of(self).live().public()
        now = timezone.now()
        context["upcoming"] = list(
            events.filter(starts_at__gte=now).order_by("starts_at")
        )
        context["past"] = _paginate(
            request, events.filter(starts_at__lt=now).order_by("-starts_at")
        )
        return context


class EventPage(Page):
    """A roadshow (成果直通车) or other event, with the outcomes it presents."""

    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    organiser = models.CharField(_("organiser"), max_length=200, blank=True)
    registration_url = models.URLField(_("registration link"), blank=True)
    summary = models.TextField(_("summary"), max_length=300, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                FieldPanel("venue"),
                FieldPanel("organiser"),
                FieldPanel("registration_url"),
            ],
            heading=_("When and where"),
        ),
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("body"),
        InlinePanel(
            "featured_outcomes",
            label=_("Outcomes presented"),
            help_text=_("Published outcomes this event presents, in this order."),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("venue"),
        index.SearchField("organiser"),
        index.SearchField("body"),
        index.FilterField("starts_at"),
    ]

    parent_page_types = ["cms.EventIndexPage"]
    subpage_types: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("event")

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        super().clean()
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError(
                {"ends_at": _("The event cannot end before it starts.")}
            )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        context = super().get_context(request, *args, **kwargs)
        # Only what is still published: an outcome archived since stays listed in
        # the admin but leaves the public page. (Python filter: previews hold the
        # rows in memory, where related lookups are not available.)
        rows = self.featured_outcomes.select_related(
            "outcome__cover_image",
            "outcome__organisation",
            "outcome__field__parent",
            "outcome__region__parent__parent",
        )
        outcomes = [row.outcome for row in rows if row.outcome.is_public]
        context["outcomes"] = catalogue.listing_cards(outcomes, request)
        return context


class EventOutcome(Orderable):
    """An outcome an event presents."""

    page = ParentalKey(
        EventPage, on_delete=models.CASCADE, related_name="featured_outcomes"
    )
    outcome = models.ForeignKey(
        "market.Outcome",
        verbose_name=_("outcome"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"status": ListingStatus.PUBLISHED},
    )

    panels = [FieldPanel("outcome")]

    class Meta(Orderable.Meta):
        verbose_name = _("outcome presented")
        verbose_name_plural = _("outcomes presented")

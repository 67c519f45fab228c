"""StreamField blocks the editorial pages are composed from."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from market.models import ListingKind

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "link", "ol", "ul", "document-link"]


class HeadingBlock(blocks.StructBlock):
    """A section heading; pages own the h1, so blocks start at h2."""

    text = blocks.CharBlock(label=_("text"), max_length=120)
    level = blocks.ChoiceBlock(
        label=_("level"),
        choices=[
            ("h2", _("Heading 2")),
            ("h3", _("Heading 3")),
            ("h4", _("Heading 4")),
        ],
        default="h2",
    )

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"


class CaptionedImageBlock(blocks.StructBlock):
    """An image with alternative text and an optional caption."""

    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(
        label=_("alternative text"),
        required=False,
        max_length=200,
        help_text=_(
            "What the image shows, for screen readers. Empty: the image title."
        ),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class QuoteBlock(blocks.StructBlock):
    """A pull quote with who said it."""

    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(
        label=_("attribution"), required=False, max_length=120
    )

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class CallToActionBlock(blocks.StructBlock):
    """A highlighted box with one button, to a page of the site or an address."""

    title = blocks.CharBlock(label=_("title"), max_length=120)
    text = blocks.TextBlock(label=_("text"), required=False)
    button_text = blocks.CharBlock(label=_("button text"), max_length=40)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("or address"), required=False)

    class Meta:
        icon = "pick"
        label = _("Call to action")
        template = "cms/blocks/call_to_action.html"

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(_("Choose a page or give an address.")),
                }
            )
        return value


class DocumentLinksBlock(blocks.StructBlock):
    """A titled list of downloadable documents."""

    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    documents = blocks.ListBlock(
        DocumentChooserBlock(label=_("document")), label=_("documents"), min_num=1
    )

    class Meta:
        icon = "doc-full"
        label = _("Documents")
        template = "cms/blocks/documents.html"


class FeaturedListingsBlock(blocks.StructBlock):
    """The newest featured outcomes or demands of the market, shown as cards."""

    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    kind = blocks.ChoiceBlock(
        label=_("kind"), choices=ListingKind.choices, default=ListingKind.OUTCOME
    )
    count = blocks.IntegerBlock(
        label=_("how many"), min_value=1, max_value=12, default=3
    )

    class Meta:
        icon = "list-ul"
        label = _("Featured listings")
        template = "cms/blocks/featured_listings.html"

    def get_context(self, value: Any, parent_context: Any = None) -> dict[str, Any]:
        from cms.catalogue import listing_cards
        from market.selectors import latest_listings

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        listings = latest_listings(value["kind"], featured=True, limit=value["count"])
        context["listings"] = listing_cards(listings, request)
        return context


class TableWithCaptionBlock(TableBlock):
    """A table typed in a spreadsheet-like editor (first row may be the header)."""

    class Meta:
        icon = "table"
        label = _("Table")
        template = "cms/blocks/table.html"


class BodyBlock(blocks.StreamBlock):
    """The blocks every editorial page body offers."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), icon="pilcrow", features=RICH_TEXT_FEATURES
    )
    image = CaptionedImageBlock()
    quote = QuoteBlock()
    call_to_action = CallToActionBlock()
    table = TableWithCaptionBlock()
    documents = DocumentLinksBlock()
    featured_listings = FeaturedListingsBlock()

    class Meta:
        template = "cms/blocks/body.html"

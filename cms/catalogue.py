"""The public catalogue: the views behind the catalogue pages, links to listings, cards.

Views count: a detail page's view is added to a counter in Redis, by the page cache
middleware when it answers from the cache and here otherwise (the owner's own visits do
not count); ``cms.tasks.flush_view_counts`` writes the counters to the listings. No
JavaScript beacon is needed, and a crawler that fetches a page counts like a person.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.template.loader import get_template
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.cache import (
    PAGES,
    RELATED,
    cached_part,
    count_view,
    get_parts,
    host,
    mark_cacheable,
    part_key,
    set_parts,
)
from market import regions
from market.kinds import registry as kinds
from market.models import (
    Demand,
    Listing,
    Maturity,
    MaturityStage,
    Outcome,
    maturity_stage,
)
from market.params import parse_page
from market.permissions import can_see_contact, can_see_owner, can_view, is_owner
from market.selectors import (
    DEFAULT_SORT,
    NEGOTIABLE,
    PER_PAGE,
    CatalogueEntry,
    CatalogueFilters,
    FacetOption,
    Facets,
    catalogue,
    catalogue_count,
    catalogue_entries,
    catalogue_facets,
    latest_listings,
    listing_detail,
    market_counts,
    sorts_for,
)

if TYPE_CHECKING:
    from cms.models import CatalogueIndexPage

# The query parameters a catalogue page reads; with any other, it is not cached.
CATALOGUE_PARAMS = frozenset(
    [*(f.name for f in dataclasses.fields(CatalogueFilters)), "sort", "page"]
)

# The registry part naming the page class that lists a kind (set by cms.models).
INDEX_PAGE = "cms.index_page"

CARD_TEMPLATE = "cms/_listing_card.html"
FILTERS_TEMPLATE = "cms/_catalogue_filters.html"

# The rendition social networks get.
SHARE_IMAGE = "fill-1200x630"


# --- Where listings live -----------------------------------------------------


def _page_models() -> dict[str, type[Page]]:
    # Attached to each kind by cms.models (the page class that lists it).
    return {spec.key: kinds.part(spec.key, INDEX_PAGE) for spec in kinds}


def catalogue_pages(request: HttpRequest | None = None) -> dict[str, Page]:
    """The live catalogue page of each kind (one query, remembered on the request)."""
    remembered = getattr(request, "_catalogue_pages", None)
    if remembered is not None:
        return remembered
    models = _page_models()
    types = ContentType.objects.get_for_models(*models.values())
    kind_of_type = {types[model].pk: kind for kind, model in models.items()}
    pages: dict[str, Page] = {}
    for page in (
        Page.objects.live()
        .filter(content_type_id__in=kind_of_type)
        .order_by("path")
        .only("id", "url_path", "title", "content_type_id", "live")
    ):
        pages.setdefault(kind_of_type[page.content_type_id], page)
    if request is not None:
        request._catalogue_pages = pages  # type: ignore[attr-defined]
    return pages


def catalogue_urls(request: HttpRequest | None = None) -> dict[str, str]:
    """Kind → address of its catalogue page; a kind without a live page is left out.

    Kept in the cache until an editor changes the page tree, and on the request.
    """
    remembered = getattr(request, "_catalogue_urls", None)
    if remembered is not None:
        return remembered

    def urls_now() -> dict[str, str]:
        urls = {}
        for kind, page in catalogue_pages(request).items():
            url = page.get_url(request)
            if url:
                urls[kind] = url
        return urls

    urls = cached_part(request, *_urls_part(request), urls_now)
    _remember_urls(request, urls)
    return urls


def _urls_part(request: HttpRequest | None) -> tuple[str, tuple[str], tuple[str]]:
    # Addresses are relative to the site the request is for.
    return "catalogue-urls", (PAGES,), (host(request) if request is not None else "",)


def _remember_urls(request: HttpRequest | None, urls: dict[str, str]) -> None:
    if request is not None:
        request._catalogue_urls = urls  # type: ignore[attr-defined]


def listing_url(listing: Listing, request: HttpRequest | None = None) -> str | None:
    """The address of a listing's detail page, or None when its catalogue is missing."""
    base = catalogue_urls(request).get(listing.kind)
    # Mirrors the "detail" route of CatalogueIndexPage.
    return f"{base}{listing.pk}/" if base else None


# --- Presentation helpers ----------------------------------------------------


def _amount(value: Decimal) -> str:
    # normalize() drops trailing zeros ("300.00" → "300"); "f" avoids "3E+2".
    return f"{value.normalize():f}"


def wan(value: Decimal) -> str:
    """An amount in 10k CNY as shown to people: "300 万元" in Chinese."""
    return _("%(amount)s × 10k CNY") % {"amount": _amount(value)}


def wan_range(low: Decimal, high: Decimal) -> str:
    """A range in 10k CNY as shown to people: "10–50 万元" in Chinese."""
    return _("%(low)s–%(high)s × 10k CNY") % {
        "low": _amount(low),
        "high": _amount(high),
    }


def price_label(listing: Listing) -> str:
    """The price of an outcome or the budget of a demand, or "negotiable"."""
    if isinstance(listing, Outcome):
        if listing.price_wan is not None:
            high = listing.price_max_wan
            if high is not None and high != listing.price_wan:
                label = wan_range(listing.price_wan, high)
            else:
                label = wan(listing.price_wan)
            if listing.price_negotiable:
                label = _("%(price)s (negotiable)") % {"price": label}
            return label
        return _("Negotiable") if listing.price_negotiable else ""
    if isinstance(listing, Demand):
        low, high = listing.budget_min_wan, listing.budget_max_wan
        if low is not None and high is not None and low != high:
            label = wan_range(low, high)
        elif high is not None:
            label = _("up to %(amount)s") % {"amount": wan(high)}
        elif low is not None:
            label = _("from %(amount)s") % {"amount": wan(low)}
        else:
            return _("Negotiable") if listing.budget_negotiable else ""
        if listing.budget_negotiable:
            label = _("%(price)s (negotiable)") % {"price": label}
        return label
    return ""


def _level(listing: Listing) -> int | None:
    if isinstance(listing, Outcome):
        return listing.maturity
    if isinstance(listing, Demand):
        return listing.expected_maturity
    return None


def stage_label(level: int | None) -> str:
    """ "Pilot scale · TRL 6" for a readiness level; empty without one."""
    stage = maturity_stage(level)
    if stage is None:
        return ""
    return _("%(stage)s · TRL %(level)s") % {
        "stage": MaturityStage(stage).label,
        "level": level,
    }


@dataclass
class ListingCard:
    """What a list shows of one listing, with the owner already hidden when needed."""

    listing: Listing
    url: str | None
    owner_name: str | None
    field: str
    region: str
    stage: str
    price: str
    modes: list[str]
    image: Any


def listing_cards(listings: Any, request: HttpRequest | None) -> list[ListingCard]:
    """Cards for ``listings`` as ``request.user`` may see them (no query per listing).

    Cooperation modes appear when they were prefetched, so a caller that did not
    prefetch them does not pay a query per card.
    """
    user = getattr(request, "user", None)
    urls = catalogue_urls(request)
    cards = []
    for listing in listings:
        prefetched = getattr(listing, "_prefetched_objects_cache", {})
        base = urls.get(listing.kind)
        cards.append(
            ListingCard(
                listing=listing,
                url=f"{base}{listing.pk}/" if base else None,
                owner_name=(
                    listing.organisation.name if can_see_owner(user, listing) else None
                ),
                field=listing.field.label if listing.field else "",
                region=listing.region.full_name if listing.region else "",
                stage=stage_label(_level(listing)),
                price=price_label(listing),
                modes=[str(m) for m in listing.modes.all()]
                if "modes" in prefetched
                else [],
                image=getattr(listing, "cover_image", None),
            )
        )
    return cards


def catalogue_cards(
    request: HttpRequest, kind: str, entries: list[CatalogueEntry]
) -> list[str]:
    """The cards of ``entries``, rendered, as the visitor may see them, in order.

    A card is rendered once per language and owner visibility until its kind changes
    and then comes from the cache, whatever filter, sort or page shows it; the
    listings of the cards not in the cache are read in one go.
    """
    user = getattr(request, "user", None)
    # Cards link to the catalogue of the site the request is for. One prefix for
    # all cards of the page (a key per card without hashing: pages show 20).
    prefix = part_key(request, "cards", (kind, PAGES), (get_language(), host(request)))
    # An entry carries all can_see_owner() reads: owner_hidden and organisation_id.
    wanted = [
        (entry.pk, can_see_owner(user, entry))  # type: ignore[arg-type]
        for entry in entries
    ]
    keys = {card: f"{prefix}:{card[0]}:{card[1]:d}" for card in wanted}
    found = get_parts(keys)
    missing = [pk for pk, shown in wanted if (pk, shown) not in found]
    if missing:
        template = get_template(CARD_TEMPLATE)
        rendered = {}
        for card in listing_cards(catalogue(kind).filter(pk__in=missing), request):
            html = template.render({"card": card})
            wanted_key = (card.listing.pk, card.owner_name is not None)
            found[wanted_key] = html
            if wanted_key in keys:
                rendered[keys[wanted_key]] = html
        set_parts(rendered)
    # Rendered by our template above or stored from such a rendering (marked safe by
    # the caller, once for the whole list).
    return [found[card] for card in wanted if card in found]


def json_ld_script(data: dict[str, Any]) -> str:
    """JSON for a <script type="application/ld+json">: no "</script>" can end it early."""
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    return text.translate(
        {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
    )


def _yuan(wan_amount: Decimal) -> int:
    # Two decimals of 10k CNY are whole yuan, so the product is an integer.
    return int(wan_amount * 10000)


def listing_json_ld(
    listing: Listing, *, url: str, show_owner: bool, image_url: str | None
) -> dict[str, Any]:
    """schema.org data of a listing: a CreativeWork on offer, or a Demand."""
    organisation = {"@type": "Organization", "name": listing.organisation.name}
    if listing.organisation.website:
        organisation["url"] = listing.organisation.website
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Demand" if isinstance(listing, Demand) else "CreativeWork",
        "name": listing.title,
        "description": listing.summary,
        "url": url,
    }
    if isinstance(listing, Outcome):
        if listing.keywords:
            data["keywords"] = ", ".join(str(k) for k in listing.keywords)
        if listing.field:
            data["about"] = listing.field.label
        if listing.published_at:
            data["datePublished"] = listing.published_at.isoformat()
        data["dateModified"] = listing.updated_at.isoformat()
        if image_url:
            data["image"] = image_url
        if show_owner:
            data["provider"] = organisation
        if listing.price_wan is not None:
            offer: dict[str, Any] = {
                "@type": "Offer",
                "price": _yuan(listing.price_wan),
                "priceCurrency": "CNY",
                "url": url,
            }
            high = listing.price_max_wan
            if high is not None and high != listing.price_wan:
                # A range: schema.org states it as a price specification.
                del offer["price"], offer["priceCurrency"]
                offer["priceSpecification"] = {
                    "@type": "PriceSpecification",
                    "priceCurrency": "CNY",
                    "minPrice": _yuan(listing.price_wan),
                    "maxPrice": _yuan(high),
                }
            data["offers"] = offer
    elif isinstance(listing, Demand):
        data["itemOffered"] = {"@type": "Service", "name": listing.title}
        if listing.field:
            data["itemOffered"]["category"] = listing.field.label
        if listing.region:
            data["areaServed"] = {
                "@type": "AdministrativeArea",
                "name": listing.region.full_name,
            }
        valid = listing.deadline or listing.valid_until
        if valid:
            data["validThrough"] = valid.isoformat()
        if listing.budget_min_wan is not None or listing.budget_max_wan is not None:
            spec: dict[str, Any] = {
                "@type": "PriceSpecification",
                "priceCurrency": "CNY",
            }
            if listing.budget_min_wan is not None:
                spec["minPrice"] = _yuan(listing.budget_min_wan)
            if listing.budget_max_wan is not None:
                spec["maxPrice"] = _yuan(listing.budget_max_wan)
            data["priceSpecification"] = spec
        if show_owner:
            # schema.org says an organisation "seeks" a Demand; JSON-LD states that
            # from the Demand's side with @reverse.
            data["@reverse"] = {"seeks": organisation}
    return data


# --- Views ---------------------------------------------------------------------


def record_view(listing_id: int) -> None:
    """Count one view of a published listing (in Redis; written every few minutes)."""
    count_view(listing_id)


def _without(request: HttpRequest, page_url: str, name: str) -> str:
    """The current catalogue address without filter ``name`` (and back on page 1)."""
    params = request.GET.copy()
    for key in (name, "page"):
        params.pop(key, None)
    query = params.urlencode()
    return f"{page_url}?{query}" if query else page_url


def _choices(
    options: list[FacetOption], selected: str, *, indent: str = ""
) -> list[dict[str, Any]]:
    return [
        {
            "value": option.value,
            "name": option.label,
            "label": f"{indent}{option.label} ({option.count})",
            "selected": option.value == selected,
        }
        for option in options
    ]


def _prefix(code: str) -> str:
    """The part of a code its sub-divisions share: "320000" → "32", "04" → "04"."""
    return regions.prefix(code) if regions.is_region_code(code) else code


def _nested_choices(
    parents: list[FacetOption], children: list[FacetOption], selected: str
) -> list[dict[str, Any]]:
    """Parent options, with the chosen parent's children right after it, indented."""
    choices = []
    for parent in parents:
        choices.extend(_choices([parent], selected))
        prefix = _prefix(parent.value)
        mine = [
            c
            for c in children
            if c.value != parent.value and c.value.startswith(prefix)
        ]
        choices.extend(_choices(mine, selected, indent="— "))
    return choices


def _filter_groups(
    kind: str, facets: Facets, filters: CatalogueFilters
) -> list[dict[str, Any]]:
    spec = kinds.get(kind)
    price_label_text, stage_text = str(spec.amount_label), str(spec.level_label)
    return [
        {
            "name": "field",
            "label": _("Technology field"),
            "choices": _nested_choices(facets.fields, facets.subfields, filters.field),
        },
        {
            "name": "region",
            "label": _("Region"),
            "choices": _nested_choices(facets.provinces, facets.cities, filters.region),
        },
        {
            "name": "stage",
            "label": stage_text,
            "choices": _choices(facets.stages, filters.stage),
        },
        {
            "name": "trl",
            "label": _("Readiness level"),
            "choices": _choices(facets.levels, str(filters.trl or "")),
        },
        {
            "name": "mode",
            "label": _("Cooperation mode"),
            "choices": _choices(facets.modes, filters.mode),
        },
        {
            "name": "price",
            "label": price_label_text,
            "choices": _choices(facets.prices, filters.price),
        },
    ]


def _active_filters(
    request: HttpRequest,
    page_url: str,
    groups: list[dict[str, Any]],
    filters: CatalogueFilters,
) -> list[dict[str, str]]:
    """Chips for the filters in force, each with the address that removes it."""
    chips = []
    values = filters.as_params()
    for group in groups:
        value = values.get(group["name"])
        if not value:
            continue
        name = next((c["name"] for c in group["choices"] if c["value"] == value), value)
        chips.append(
            {
                "label": f"{group['label']}: {name}",
                "remove_url": _without(request, page_url, group["name"]),
            }
        )
    return chips


def _page_hrefs(request: HttpRequest) -> Callable[[int], str]:
    """``{% querystring page=n %}`` for any n, the query encoded only once."""
    params = request.GET.copy()
    params["page"] = "0"  # where "page" goes: in place if present, else last
    pieces = [
        None if key == "page" else urlencode({key.encode(): str(value).encode()})
        for key, values in params.lists()
        for value in values
    ]

    def href(number: int) -> str:
        page = f"page={number}"
        return "?" + "&".join(page if piece is None else piece for piece in pieces)

    return href


def pagination_html(
    results: Any, numbers: list[Any], href: Callable[[int], str]
) -> SafeString:
    """The page links of a catalogue page, as HTML.

    Made here rather than by a template loop: this runs for every catalogue page the
    page cache has not seen, where the loop of ``{% if %}`` per link took ≈ 0.08 ms of
    the ≈ 1.3 ms of CPU the whole page costs.
    """
    previous_text, next_text = escape(_("Previous page")), escape(_("Next page"))
    label = escape(_("Result pages"))
    items = []
    if results.has_previous():
        previous = escape(href(results.number - 1))
        items.append(f'<li><a href="{previous}" rel="prev">{previous_text}</a></li>')
    for number in numbers:
        if number == results.paginator.ELLIPSIS:
            items.append('<li><span aria-hidden="true">…</span></li>')
        elif number == results.number:
            items.append(f'<li><span aria-current="page">{number}</span></li>')
        else:
            items.append(f'<li><a href="{escape(href(number))}">{number}</a></li>')
    if results.has_next():
        following = escape(href(results.number + 1))
        items.append(f'<li><a href="{following}" rel="next">{next_text}</a></li>')
    return mark_safe(  # noqa: S308 - every piece escaped above
        f'<nav class="pagination" aria-label="{label}"><ul>{"".join(items)}</ul></nav>'
    )


def _page_head(page: CatalogueIndexPage) -> dict[str, str]:
    """The introduction as HTML and the meta description of a catalogue page."""
    from wagtail.templatetags.wagtailcore_tags import richtext

    return {
        "intro_html": str(richtext(page.intro)) if page.intro else "",
        "meta_description": Truncator(
            page.search_description or strip_tags(page.intro)
        ).chars(160),
    }


def count_label(kind: str, count: int) -> str:
    """ "128 outcomes": the heading of a catalogue's results."""
    return kinds.get(kind).count_text(count)


def index_view(page: CatalogueIndexPage, request: HttpRequest) -> HttpResponse:
    """A catalogue page: filters, counts and one page of published listings.

    The total, facet counts, filter form, the page's listings and their cards are
    cached until the kind changes, each on its own (read in one round trip, and
    kept in process memory as well), so a page the page cache has not seen is mostly
    assembled from parts other pages share.
    """
    kind = page.listing_kind
    page_url = page.get_url(request) or "/"
    mark_cacheable(
        request,
        kinds=(kind,),
        params=CATALOGUE_PARAMS,
        under=urlsplit(page_url).path,
    )
    filters = CatalogueFilters.from_params(request.GET)
    sorts = sorts_for(kind)
    sort = request.GET.get("sort", DEFAULT_SORT)
    if sort not in sorts:
        sort = DEFAULT_SORT
    language = get_language()
    requested = parse_page(request.GET.get("page"))

    keys = {
        "total": part_key(request, "total", (kind,), (kind, filters)),
        "facets": part_key(request, "facets", (kind,), (kind, filters, language)),
        "form": part_key(
            request, "form", (kind, PAGES), (kind, filters, sort, language, page_url)
        ),
        "entries": part_key(
            request, "entries", (kind,), (kind, filters, sort, requested)
        ),
        "urls": part_key(request, *_urls_part(request)),
        # The page's own fields, as published (a preview shows the draft's).
        "head": part_key(
            request, "head", (PAGES,), (page.pk, page.intro, page.search_description)
        ),
    }
    parts = get_parts(keys)
    fresh: dict[str, Any] = {}
    if "urls" in parts:
        _remember_urls(request, parts["urls"])
    if "total" not in parts:
        parts["total"] = fresh[keys["total"]] = catalogue_count(kind, filters)
    # The paginator needs only the total: the page's listings come below.
    results = Paginator(range(parts["total"]), PER_PAGE).get_page(requested)
    if results.number != requested or "entries" not in parts:
        start = (results.number - 1) * PER_PAGE
        parts["entries"] = cached_part(
            request,
            "entries",
            (kind,),
            (kind, filters, sort, results.number),
            lambda: catalogue_entries(
                kind, filters, sort, start=start, stop=start + PER_PAGE
            ),
        )
    if "head" not in parts:
        parts["head"] = fresh[keys["head"]] = _page_head(page)
    groups: list[dict[str, Any]] = []
    if "form" not in parts or filters.active:
        if "facets" not in parts:
            parts["facets"] = fresh[keys["facets"]] = catalogue_facets(kind, filters)
        groups = _filter_groups(kind, parts["facets"], filters)
    if "form" not in parts:
        parts["form"] = fresh[keys["form"]] = get_template(FILTERS_TEMPLATE).render(
            {
                "page_url": page_url,
                "filter_groups": groups,
                "filters": filters,
                "sort": sort,
                "sorts": list(sorts.items()),
            }
        )
    set_parts(fresh)
    canonical = request.build_absolute_uri(page_url)
    if results.number > 1:
        canonical += f"?page={results.number}"
    cards = catalogue_cards(request, kind, parts["entries"])
    pagination = (
        pagination_html(
            results,
            list(results.paginator.get_elided_page_range(results.number)),
            _page_hrefs(request),
        )
        if results.paginator.num_pages > 1
        else ""
    )
    return page.render(
        request,
        context_overrides={
            "kind": kind,
            "listings": cards,
            # Rendered by our card template (catalogue_cards): one string to output.
            "listings_html": mark_safe("".join(cards)),  # noqa: S308
            "count_label": count_label(kind, results.paginator.count),
            "results": results,
            "pagination_html": pagination,
            "filters_form": mark_safe(parts["form"]),  # noqa: S308 - rendered above
            # Rendered by Wagtail's richtext filter (_page_head).
            "intro_html": mark_safe(parts["head"]["intro_html"]),  # noqa: S308
            "active_filters": _active_filters(request, page_url, groups, filters)
            if groups
            else [],
            "filters": filters,
            "sort": sort,
            "canonical_url": canonical,
            # Filtered and re-sorted views repeat the catalogue: keep them out of indexes.
            "noindex": filters.active or sort != DEFAULT_SORT,
            "meta_description": parts["head"]["meta_description"],
            "negotiable": NEGOTIABLE,
        },
    )


def _login_url(request: HttpRequest) -> str:
    return (
        resolve_url(settings.LOGIN_URL)
        + "?"
        + urlencode({"next": request.get_full_path()})
    )


def detail_view(
    page: CatalogueIndexPage, request: HttpRequest, pk: int
) -> HttpResponse:
    """One listing: public to all once published, to its owners and moderators before."""
    kind = page.listing_kind
    page_url = page.get_url(request) or "/"
    # Only a published listing's page is ever cached: others are 404 to anonymous.
    # Its panels (related items) change with other apps' data: RELATED.
    mark_cacheable(
        request,
        kinds=(kind, RELATED),
        listing_id=pk,
        under=urlsplit(page_url).path,
    )
    counts = request.method == "GET"
    listing = listing_detail(kind, pk)
    user = request.user
    if listing is None or not can_view(user, listing):
        raise Http404(_("No such listing."))
    owner = is_owner(user, listing)
    if counts and listing.is_public and not owner:
        record_view(listing.pk)
    url = request.build_absolute_uri(f"{page_url}{listing.pk}/")
    show_owner = can_see_owner(user, listing)
    image_url = None
    cover = getattr(listing, "cover_image", None)
    if cover is not None:
        image_url = request.build_absolute_uri(cover.get_rendition(SHARE_IMAGE).url)
    level = _level(listing)
    context: dict[str, Any] = {
        "kind": kind,
        "listing": listing,
        "catalogue_url": page_url,
        "canonical_url": url,
        "meta_description": Truncator(listing.summary).chars(160),
        "og_image": image_url,
        "structured_data": listing_json_ld(
            listing, url=url, show_owner=show_owner, image_url=image_url
        ),
        "show_owner": show_owner,
        "show_contact": can_see_contact(user, listing),
        "is_owner": owner,
        "login_url": _login_url(request),
        "field_path": (
            [f.label for f in (listing.field.parent, listing.field) if f is not None]
            if listing.field
            else []
        ),
        "region_label": listing.region.full_name if listing.region else "",
        "maturity_label": Maturity(level).label if level else "",
        "stage_label": stage_label(level),
        "price_label": price_label(listing),
        "modes": [str(mode) for mode in listing.modes.all()],
        "engagement_enabled": getattr(settings, "PORTAL_ENGAGEMENT_PANEL", True),
        # Region, contact or deadline the market operator filled in at import.
        "operator_provided": listing.operator_provided(),
    }
    return page.render(
        request, template="cms/listing_detail.html", context_overrides=context
    )


def home_context(request: HttpRequest) -> dict[str, Any]:
    """Featured and newest listings of both kinds, and the market's headline numbers."""
    mark_cacheable(request, kinds=kinds.keys())
    context: dict[str, Any] = {"counts": market_counts(), "catalogue_urls": {}}
    urls = catalogue_urls(request)
    for spec in kinds:
        name = spec.plural
        context[f"{name}_url"] = urls.get(spec.key)
        context[f"featured_{name}"] = listing_cards(
            latest_listings(spec.key, featured=True, limit=4), request
        )
        context[f"latest_{name}"] = listing_cards(
            latest_listings(spec.key, limit=6), request
        )
    return context

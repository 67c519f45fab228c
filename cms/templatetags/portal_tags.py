"""Template helpers of the portal: catalogue links, structured data, frame pieces."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from cms.cache import anonymous_fragment
from cms.catalogue import catalogue_urls, json_ld_script
from cms.panels import render_panels

register = template.Library()


@register.simple_tag(takes_context=True)
def catalogue_url(context: dict[str, Any], kind: str) -> str:
    """The address of the catalogue of ``kind`` ("outcome", "demand"), or "" if none."""
    return catalogue_urls(context.get("request")).get(kind, "")


@register.simple_tag(takes_context=True)
def panels(context: dict[str, Any], slot: str, **kwargs: Any) -> SafeString:
    """``{% panels "slot" listing=listing %}``: what other apps registered for a slot."""
    return render_panels(slot, context.get("request"), **kwargs)


@register.filter
def json_ld(data: dict[str, Any]) -> SafeString:
    """``data`` as JSON safe to place inside <script type="application/ld+json">."""
    return mark_safe(json_ld_script(data))  # noqa: S308 - escaped by json_ld_script


@register.simple_tag(takes_context=True)
def absolute_url(context: dict[str, Any], url: str) -> str:
    """``url`` with scheme and host of the current request (as social networks need)."""
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


class AnonymousFragmentNode(template.Node):
    """Renders its content once per language, host and page tree for anonymous visitors."""

    # A fragment holds no {% block %} (it is rendered apart from the page): {% extends %}
    # need not search it for blocks, which it does on every rendering of every page.
    child_nodelists = ()

    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        return anonymous_fragment(
            context.get("request"), self.name, lambda: self.nodelist.render(context)
        )


@register.tag("anonymous_fragment")
def do_anonymous_fragment(
    parser: template.base.Parser, token: template.base.Token
) -> AnonymousFragmentNode:
    """``{% anonymous_fragment "name" %}…{% endanonymous_fragment %}``.

    For a piece of the page frame that anonymous visitors all see alike in a language
    (navigation, footer): it may use the user, the language, ``{% url %}``,
    ``{% static %}`` and the catalogue links, nothing from the page or the address.
    """
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("anonymous_fragment takes one quoted name")
    nodelist = parser.parse(("endanonymous_fragment",))
    parser.delete_first_token()
    return AnonymousFragmentNode(bits[1][1:-1], nodelist)


@register.filter
def plain_number(value: Any) -> str:
    """A Decimal as people write it: no trailing zeros, never an exponent ("100")."""
    if value is None or value == "":
        return ""
    from decimal import Decimal

    return f"{Decimal(value).normalize():f}"

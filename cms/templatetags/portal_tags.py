"""Template helpers of the portal: catalogue links and structured data."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from cms.catalogue import catalogue_urls, json_ld_script

register = template.Library()


@register.simple_tag(takes_context=True)
def catalogue_url(context: dict[str, Any], kind: str) -> str:
    """The address of the catalogue of ``kind`` ("outcome", "demand"), or "" if none."""
    return catalogue_urls(context.get("request")).get(kind, "")


@register.filter
def json_ld(data: dict[str, Any]) -> SafeString:
    """``data`` as JSON safe to place inside <script type="application/ld+json">."""
    return mark_safe(json_ld_script(data))  # noqa: S308 - escaped by json_ld_script


@register.simple_tag(takes_context=True)
def absolute_url(context: dict[str, Any], url: str) -> str:
    """``url`` with scheme and host of the current request (as social networks need)."""
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url

"""Sanitising the rich text that owners type into listings (description, problem).

Owners write in a plain textarea; whatever they send is cut down to the few tags the
portal renders (the same set the Wagtail editor offers) before it is saved, so stored
HTML is safe to show to anyone.
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "h3", "h4", "a"}
)
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed together with their content, not just unwrapped: their text is never prose.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "template", "noscript", "svg"}
)
# User-supplied links: no referrer, no opener, and no search-engine credit for spam.
LINK_REL = "noopener noreferrer nofollow"

_MARKUP_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
_BLANK_LINE_RE = re.compile(r"\n\s*\n")
_TAG_RE = re.compile(r"<[^>]*>")


def sanitize_rich_text(value: str) -> str:
    """Safe HTML for a rich-text field: allowed tags only, http(s)/mailto links only.

    Text without any markup is taken as paragraphs separated by blank lines, so an
    owner who never writes HTML still gets readable paragraphs and line breaks.
    """
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not value:
        return ""
    if not _MARKUP_RE.search(value):
        value = _paragraphs(value)
    cleaned = nh3.clean(
        value,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        url_relative="deny",
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return cleaned.strip()


def rich_text_to_plain(value: str) -> str:
    """The visible text of stored rich text (for length checks and summaries)."""
    # nh3's output is well-formed, so every "<" left is a tag and a regex is safe.
    cleaned = nh3.clean(
        value or "",
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={},
        link_rel=None,
    )
    text = _TAG_RE.sub(" ", cleaned)
    return " ".join(html.unescape(text).split())


def _paragraphs(text: str) -> str:
    paragraphs = [p.strip() for p in _BLANK_LINE_RE.split(text) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )

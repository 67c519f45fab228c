"""Rich text from owners is cut down to safe, allowed markup before it is saved."""

from __future__ import annotations

import pytest

from market.sanitize import rich_text_to_plain, sanitize_rich_text


def test_sanitize_strips_scripts_styles_and_iframes_with_their_content():
    html = (
        "<p>正文</p><script>alert('x')</script><style>p{color:red}</style>"
        "<iframe src='https://evil.example'>框架</iframe>"
    )

    assert sanitize_rich_text(html) == "<p>正文</p>"


def test_sanitize_strips_event_handlers_and_unknown_tags():
    html = '<p onclick="steal()">点击</p><img src="x" onerror="alert(1)"><div>块</div>'

    assert sanitize_rich_text(html) == "<p>点击</p>块"


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "java&#x09;script:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "/relative/path",
    ],
)
def test_sanitize_drops_links_that_are_not_http_https_or_mailto(href):
    cleaned = sanitize_rich_text(f'<p><a href="{href}">链接</a></p>')

    assert "href" not in cleaned
    assert "链接" in cleaned


def test_sanitize_keeps_allowed_markup_and_safe_links():
    html = (
        "<h3>技术原理</h3><p><strong>高强</strong>、<b>韧性</b>、<em>轻量</em>、<i>低成本</i><br>第二行</p>"
        "<ul><li>一</li></ul><ol><li>二</li></ol><h4>小节</h4>"
        '<p><a href="https://example.cn/a?b=1">网站</a> <a href="mailto:a@example.cn">邮件</a></p>'
    )

    cleaned = sanitize_rich_text(html)

    for fragment in (
        "<h3>技术原理</h3>",
        "<strong>高强</strong>",
        "<b>韧性</b>",
        "<em>轻量</em>",
        "<i>低成本</i>",
        "<br>",
        "<ul><li>一</li></ul>",
        "<ol><li>二</li></ol>",
        "<h4>小节</h4>",
        'href="https://example.cn/a?b=1"',
        'href="mailto:a@example.cn"',
    ):
        assert fragment in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_sanitize_turns_plain_text_into_paragraphs_and_escapes_it():
    text = "第一段第一行\r\n第一段第二行\n\n第二段 a < b & c"

    assert sanitize_rich_text(text) == (
        "<p>第一段第一行<br>第一段第二行</p><p>第二段 a &lt; b &amp; c</p>"
    )


def test_sanitize_of_empty_text_is_empty():
    assert sanitize_rich_text("  \n ") == ""


def test_rich_text_to_plain_gives_the_visible_text_only():
    html = "<p>镍 &lt; 0.1 mg/L</p><script>x()</script><ul><li>成本</li></ul>"

    assert rich_text_to_plain(html) == "镍 < 0.1 mg/L 成本"

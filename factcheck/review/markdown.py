"""Write-ups: Markdown rendered to HTML through an allowlist sanitiser.

The write-up is stored exactly as the reviewer typed it and rendered on every
view. Two steps, each doing what it is good at:

1. markdown-it-py (CommonMark, raw HTML switched off) turns Markdown into HTML.
   It already refuses ``javascript:``/``vbscript:``/``data:`` link targets.
2. nh3 (Rust ammonia) cleans that HTML against a short allowlist of tags and
   attributes, so whatever slips through step 1 (a parser quirk, a future
   option switched on) still cannot carry a script, an event handler, a style
   or a non-http link. ``lxml.html.clean`` is not used (CVE-2021-43818).

Pure: text in, ``Markup`` out. The output is safe to put into a template
because it is the sanitiser's output, never the user's text as typed.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# The public fact-check page renders write-ups with this same function, so the
# preview on the desk shows exactly what readers will see.
ALLOWED_TAGS = frozenset({
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "a",
    "ul", "ol", "li", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
    "del", "sup", "sub",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed with their content, not just unwrapped: their text is code, not prose.
DROPPED_WITH_CONTENT = frozenset({"script", "style"})

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> Markup:
    """Render a write-up's Markdown to sanitised HTML."""
    if not text or not text.strip():
        return Markup("")
    return sanitise_html(_parser.render(text))


def sanitise_html(html: str) -> Markup:
    """Clean an HTML fragment with the write-up allowlist; the result is safe to show."""
    clean = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    # Safe: the nh3 allowlist's output, never the text as typed (see the module doc).
    return Markup(clean)  # noqa: S704  # nosec B704

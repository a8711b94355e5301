"""Markdown written by editors, rendered once to sanitised HTML."""

import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "sub", "sup", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}


# One converter per thread: building one costs more than a short conversion
# (an import renders thousands of rationales), and a converter is not thread-safe.
local = threading.local()


def converter():
    if not hasattr(local, "markdown"):
        local.markdown = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    return local.markdown


def render_markdown(text):
    """Return sanitised HTML for editor-written markdown; raw HTML is stripped, not trusted."""
    if not text:
        return ""
    html = converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )

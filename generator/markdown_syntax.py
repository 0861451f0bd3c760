"""A Python-Markdown extension that takes out the inline syntax generated pages never use.

Listed in `mkdocs.yml` as `generator.markdown_syntax`. Python-Markdown tries every registered
inline pattern, in priority order, on every run of text of every page, so a pattern costs time
on each page whether or not it ever matches; inline patterns are most of what the site engine
spends converting a page (`benchmarks/README.md`, "The site engine against Hugo"). The pages are
written by the templates, whose Markdown is confined to `generator/templates/_macros.md.j2` and a
few fixed pages, and contributor text reaches them escaped (generator/render.py), so none of the
patterns below can fire from it. Taking them out changes no page's HTML: tests/test_lean_pages.py
renders every page of the published briefing and of a synthetic one with and without this
extension and compares them, and tests/test_hostile.py does the same for the hostile corpus.

What stays: code spans (the Data page), backslash escapes and entities (how contributor text is
escaped), footnote references, inline links (`[text](target)`, `[text](<url>)`), raw inline
HTML (a few anchors the templates write) and `*emphasis*` / `**strong**`.
"""

from __future__ import annotations

from typing import Any

from markdown import Markdown
from markdown.extensions import Extension

UNUSED: dict[str, str] = {
    "reference": "`[text][label]` and `[text][]`: every link is written inline",
    "short_reference": "`[label]` alone as a link: every link is written inline",
    "image_link": "`![alt](src)`: the pages show no Markdown images (the map is drawn by script)",
    "image_reference": "`![alt][label]`: no Markdown images",
    "short_image_ref": "`![label]`: no Markdown images",
    "autolink": "`<https://...>` as a link on its own: URLs are link targets, `[text](<url>)`",
    "automail": "`<name@host>`: no mail links",
    "linebreak": "two trailing spaces as a line break: templates never end a line so",
}
"""Python-Markdown's inline patterns the pages never use, by their registered name, and why."""


class UnusedInlineSyntax(Extension):
    """Deregisters the inline patterns in `UNUSED` (patterns already absent are skipped)."""

    def extendMarkdown(self, md: Markdown) -> None:
        for name in UNUSED:
            md.inlinePatterns.deregister(name, strict=False)


def makeExtension(**kwargs: Any) -> UnusedInlineSyntax:
    """The entry point Python-Markdown calls for `generator.markdown_syntax`."""
    return UnusedInlineSyntax(**kwargs)

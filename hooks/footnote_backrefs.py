"""MkDocs hook: a footnote cited many times on a page gets one back-link arrow, then numbers.

Python-Markdown writes one "↩" per citation of a footnote, so an article page whose every
sentence cites its source ends that footnote with a row of sixteen identical arrows. Here the
first back-link keeps the arrow and each further one shows the number of the citation it returns
to ("↩ 2 3 4"), with a title saying so. Trusted code (see SECURITY.md): it only rewrites the
back-links Python-Markdown made.
"""

from __future__ import annotations

import re
from typing import Any

_BACKREF = re.compile(
    r'<a class="footnote-backref" href="#fnref(\d+):([^"]+)" '
    r'title="Jump back to footnote [^"]*">&#8617;</a>')


def _numbered(match: re.Match[str]) -> str:
    nth, note = match.group(1), match.group(2)
    return (f'<a class="footnote-backref footnote-backref-more" href="#fnref{nth}:{note}" '
            f'title="Jump back to citation {nth} of footnote {note}">{nth}</a>')


def on_page_content(html: str, **kwargs: Any) -> str:
    if 'class="footnote-backref"' not in html:
        return html
    return _BACKREF.sub(_numbered, html)

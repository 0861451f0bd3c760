"""The text filters: escaping that stays what its first, regular-expression versions gave."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from generator import render


def _inline_by_regex(text: str) -> str:
    """`render._inline` as first written, with regular expressions."""
    special = re.compile("[" + re.escape("".join(render._INLINE)) + "]")
    flat = re.sub(r"\s+", " ", text).strip()
    escaped = special.sub(lambda mo: render._INLINE[mo.group()], flat)
    escaped = render._LEADING_RE.sub(lambda mo: "".join(f"&#{ord(c)};" for c in mo.group()),
                                     escaped)
    return render.narrow(escaped)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2000\u2028"
                                                  "\u3000-+>?1.)\\`*_{}[]<>&|~^=#!$@"),
                                  st.characters()), max_size=40))
def test_inline_escaping_by_translation_matches_the_regular_expressions(text: str) -> None:
    """The `t` filter collapses whitespace with `split` and escapes with one `translate`;
    it gives what the regular expressions it replaced gave, on any text."""
    assert render._inline(text) == _inline_by_regex(text)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.one_of(st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2000\u2028"
                                                  "\x01\x7f<>&`\\{}a"),
                                  st.characters()), max_size=30))
def test_titles_collapse_whitespace_as_the_regular_expression_did(text: str) -> None:
    """`plain_title` collapses whitespace with `split`, as `\\s+` did before it."""
    old = render._UNPRINTABLE_RE.sub("", re.sub(r"\s+", " ", text))
    old = old.translate(render._TITLE_DROP).strip()
    # Quotes then curl (or become look-alikes), as `plain_title` does after collapsing.
    old = render._OPENING_QUOTE_RE.sub(lambda mo: render._QUOTES[mo.group(1)][0], old)
    assert render.plain_title(text) == old.replace('"', "”").replace("'", "’")

"""Jinja environment and the escaping that keeps contributor text inert.

Every content string reaches a template through one of the filters below, chosen for the place it
lands: `t` (inline Markdown: paragraph, list item, link text, footnote), `cell` (table cell),
`yaml_str` (front matter). Each produces text that Python-Markdown, Material and the browser show
literally: raw HTML, attribute lists, footnote and admonition syntax, snippet markers and Jinja
markers all come out as characters, never as markup. Autoescape is off because the output is
Markdown, not HTML: the filters do the escaping, and `StrictUndefined` makes a missing value an
error rather than an empty string.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import jinja2

from generator import model as m
from generator.vocab import DayPart, Status

TEMPLATES = Path(__file__).parent / "templates"

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")

# Characters that start or shape Markdown / extension syntax anywhere in a line. "]" is an
# entity, not "\]": a link label opening a line with "\]:" reads as a reference definition.
_INLINE = {
    "\\": "\\\\", "`": "\\`", "*": "\\*", "_": "\\_", "{": "&#123;", "}": "&#125;",
    "[": "\\[", "]": "&#93;", "<": "&lt;", ">": "&gt;", "&": "&amp;", "|": "&#124;",
    "~": "&#126;", "^": "&#94;", "=": "&#61;", "#": "\\#", "!": "\\!", "$": "&#36;",
    "@": "&#64;",
}
_BLANK_RUNS = re.compile("\n\n\n+")
_LEADING_RE = re.compile(r"^([-+>?]|\d+[.)])")
# Front matter reaches the theme's templates outside the Markdown body: `title` lands in <title>,
# the header, the navigation and the search index; `description` in a double-quoted attribute
# (`<meta name="description" content="...">`); `tags` in the search index. The theme writes
# them unescaped and decodes entities in some of them, so escaping cannot be relied on: such
# text holds no character that HTML gives a meaning in any of those contexts. `< > &` and the
# quotes become look-alikes (quotes curl, so the text still reads naturally), the rest are
# characters Markdown or Jinja would act on. Characters YAML front matter cannot hold (the
# loader already rejects them in content) are dropped.
_UNPRINTABLE_RE = re.compile("[\x00-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_TITLE_DROP = str.maketrans({"<": "‹", ">": "›", "&": "+", "`": "’", "\\": "/", "{": "(",
                             "}": ")"})
_OPENING_QUOTE_RE = re.compile(r"""(?:^|(?<=[\s(\[‹“‘—–-]))(["'])""")
_QUOTES = {'"': ("“", "”"), "'": ("‘", "’")}
HEAD_UNSAFE = frozenset("<>&\"'`\\{}")
"""Characters that never reach the page head (see `plain_title`); tests assert it."""


_INLINE_TABLE = str.maketrans(_INLINE)
_INLINE_SPECIAL = re.compile("[" + re.escape("".join(_INLINE)) + "]")
_LEADING_FIRST = frozenset("-+>?0123456789")
"""The characters `_LEADING_RE` can match first: text starting otherwise needs no look."""


def inline(text: str | None) -> str:
    """Escape text for an inline Markdown position; newlines collapse to spaces."""
    if text is None:
        return ""
    return _inline(text if type(text) is str else str(text))


@functools.lru_cache(maxsize=1 << 17)
def _inline(text: str) -> str:
    # Names and titles recur on thousands of pages; escaping each once is enough.
    # `split()` splits on exactly what `\s` matches (`str.isspace`), and `translate` makes
    # the one-character replacements of `_INLINE` in one pass, for the text that holds any
    # (most does not, and `translate` looks every character up in a table).
    escaped = " ".join(text.split())
    if _INLINE_SPECIAL.search(escaped):
        escaped = escaped.translate(_INLINE_TABLE)
    # A line-leading list, quote or definition marker would turn the text into a block.
    if escaped[:1] in _LEADING_FIRST:
        escaped = _LEADING_RE.sub(lambda mo: "".join(f"&#{ord(c)};" for c in mo.group()),
                                  escaped)
    return narrow(escaped)


def narrow(text: str) -> str:
    """Text with every character above U+00FF as a numeric character reference, as
    `latin1_body` would write it in a page body.

    Done where text enters a page (the `t`, `cell` and `abbr_title` filters) rather than only
    on the joined page: a long page with one such character would be held at two bytes per
    character, doubling the cost of every later pass over it. Templates write such characters
    as references for the same reason (`tests/test_narrow_text.py` keeps them Latin-1).
    """
    if text.isascii():
        return text
    return text.encode("latin-1", "xmlcharrefreplace").decode("latin-1")


def cell(text: str | None) -> str:
    """Escape text for a Markdown table cell (as inline; `|` is already an entity)."""
    return inline(text)


def plain_title(text: str) -> str:
    """Text for the page head (title, description, tags): safe as element text and inside a
    quoted attribute, where the theme writes it without escaping (see `HEAD_UNSAFE`)."""
    text = _UNPRINTABLE_RE.sub("", " ".join(text.split())).translate(_TITLE_DROP).strip()
    text = _OPENING_QUOTE_RE.sub(lambda mo: _QUOTES[mo.group(1)][0], text)
    return text.replace('"', "”").replace("'", "’")


def yaml_str(text: str) -> str:
    """A YAML double-quoted scalar (JSON is valid YAML) for front matter."""
    return json.dumps(plain_title(text), ensure_ascii=False)


def abbr_title(text: str) -> str:
    """Text for an abbreviation's title attribute (the Markdown serializer escapes it)."""
    return narrow(plain_title(text))


def date_label(date: m.FuzzyDate | None, *, marks: bool = True) -> str:
    """Human date with its precision: "5 March 2026", "March 2025", "c. April 2023 (inferred)"."""
    if date is None:
        return "undated"
    return _date_label(date.value, date.part, marks and date.approximate,
                       marks and bool(date.inferred))


@functools.lru_cache(maxsize=1 << 13)
def _date_label(value: str, part: DayPart | None, approximate: bool, inferred: bool) -> str:
    # Pages show the same few thousand dates again and again.
    parts = value.split("-")
    if len(parts) == 3:
        text = f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    elif len(parts) == 2:
        text = f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    else:
        text = parts[0]
    if part is not None:
        text = f"{part.label} {text}"
    if approximate:
        text = f"c. {text}"
    if inferred:
        text = f"{text} (inferred)"
    return text


def day_heading(date: m.FuzzyDate) -> str:
    """A chronology day heading: like `date_label` but without the time of day."""
    bare = date.model_copy(update={"part": None})
    return date_label(bare)


def detail_label(key: str) -> str:
    """A detail key as readers see it: `iran-denial` -> "Iran denial" (plain text, for `t`).

    Keys are contributors' identifiers, meant for comparing accounts; readers get words."""
    words = key.replace("-", " ").replace("_", " ")
    return words[:1].upper() + words[1:]


LANGUAGES: dict[str, str] = {
    "ar": "Arabic", "az": "Azerbaijani", "de": "German", "en": "English", "es": "Spanish",
    "fa": "Persian", "fr": "French", "he": "Hebrew", "hy": "Armenian", "it": "Italian",
    "ka": "Georgian", "ku": "Kurdish", "ru": "Russian", "tr": "Turkish", "uk": "Ukrainian",
    "zh": "Chinese",
}
"""Names of the languages briefings meet most; any other BCP 47 code is shown as given."""


def language_name(code: str) -> str:
    """A BCP 47 code as readers see it: `en` -> "English", `az-Latn` -> "Azerbaijani (az-Latn)"."""
    name = LANGUAGES.get(code.split("-")[0].lower())
    if name is None:
        return f"language code {code}"
    return name if "-" not in code else f"{name} ({code})"


def status(value: Status) -> str:
    """A verification status as it appears beside an account or statement: "*disputed*"."""
    return f"*{value.label.lower()}*"


def iso(date: m.FuzzyDate) -> str:
    return date.value


class Footnotes:
    """Numbered source footnotes for one page, in order of first citation."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.articles: list[m.Article] = []

    def cite(self, *articles: m.Article) -> str:
        """Footnote references to the articles, in number order (none for none); commas keep
        ¹,² from reading as ¹²."""
        for article in articles:
            if article.id not in self.numbers:
                self.articles.append(article)
                self.numbers[article.id] = len(self.articles)
        return ",".join(f"[^{n}]" for n in sorted({self.numbers[a.id] for a in articles}))

    def items(self) -> list[tuple[int, m.Article]]:
        return list(enumerate(self.articles, start=1))


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja environment used for every page: one per process, so a long-lived process
    (`briefing serve`) compiles each template once. Jinja's loader checks a template file's
    modification time whenever it is fetched, so an edited template is compiled again."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(t=inline, cell=cell, yaml_str=yaml_str, abbr_title=abbr_title,
                       date=date_label, day=day_heading, iso=iso, status=status,
                       detail=detail_label, language=language_name)
    return env


def render(env: jinja2.Environment, template: str, context: dict[str, Any]) -> str:
    """Render one page, normalize blank lines so output is stable, and make its body Latin-1."""
    text = _BLANK_RUNS.sub("\n\n", env.get_template(template).render(**context))
    text = text.strip() + "\n"
    return latin1_body(text)


def with_abbreviations(page: str, definitions: list[tuple[str, str]]) -> str:
    """The page followed by the abbreviation definitions (`(term, "*[TERM]: expansion\n")`)
    of the glossary terms it uses.

    Python-Markdown's abbr extension marks a term only where the page's text has it, so the
    definition of a term the page never uses changes nothing in its HTML, while every
    definition costs the site engine a block to parse on every page. A term counts as used
    wherever it appears in the page as written, which is everywhere the extension could find
    it and more (front matter, link targets)."""
    used = [line for term, line in definitions if term in page]
    return page + "\n" + "".join(used) if used else page


def latin1_body(page: str) -> str:
    """Write every character above U+00FF in the page body as a numeric character reference.

    The site engine keeps every page's Markdown and HTML in memory until its build ends, and
    CPython stores a string with even one character above U+00FF (a curly quote, a dash, a
    non-Latin name) at two bytes per character instead of one, so this keeps the engine's
    memory at one byte per character of the body. Browsers, the search indexer and
    Python-Markdown (in text, table cells, headings, footnotes, abbreviation titles and link
    targets) all read `&#8220;` as `"`. The front matter keeps its characters (YAML is not HTML),
    and the JSON-LD script is ASCII already (`jsonld.embed_json`), since a script would not decode
    references. Content never produces a reference of its own: `inline` escapes every `&`.
    """
    end = page.find("\n---\n", 4) if page.startswith("---\n") else -1
    start = end + 5 if end >= 0 else 0
    return page[:start] + narrow(page[start:])

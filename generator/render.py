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

import contextlib
import functools
import hashlib
import json
import re
from pathlib import Path
from types import MethodType
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.runtime

from generator import model as m
from generator.deps import note_field
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
    on the joined page: a page of 10 MB with one such character is held at two bytes per
    character, which doubles the cost of every pass over it (footnotes, blank lines, the
    Latin-1 pass itself). Templates write such characters as references for the same reason
    (`tests/test_narrow_text.py` keeps them Latin-1).
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
    # Pages show the same few thousand dates 140,000 times at 5,000 articles.
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
    """Numbered source footnotes for one page, in order of first citation.

    `cite` writes a placeholder naming the cited articles (`\\0id id\\0`, a character content
    can never hold, see load.py), and `resolve` turns placeholders into numbers once the page
    is rendered. A citation's text then does not depend on what the page cited before it, so a
    fragment of a page can be kept from one regeneration to the next (`deps.Fragments`) while
    the numbers still come out in order of first citation.
    """

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.articles: list[m.Article] = []
        self.log: list[str] = []
        """Every cited article id, in the order cited (read by `deps.Fragments`)."""

    def _first(self, article: m.Article) -> None:
        """Give an article cited for the first time the next number."""
        self.articles.append(article)
        self.numbers[article.id] = len(self.articles)

    def replay(self, ids: tuple[str, ...], articles: dict[str, m.Article]) -> None:
        """Cite again, in order, the articles with these ids (`articles` maps ids to them), as
        `cite` did for a fragment kept from the last rendering."""
        self.log.extend(ids)
        for article_id in ids:
            if article_id not in self.numbers:
                self._first(articles[article_id])

    def cite(self, *articles: m.Article) -> str:
        """A placeholder for the articles' references (see `resolve`); none for none."""
        if len(articles) == 1:  # most citations
            article = articles[0]
            self.log.append(article.id)
            if article.id not in self.numbers:
                self._first(article)
            return f"\0{article.id}\0"
        if not articles:
            return ""
        ids = [article.id for article in articles]
        self.log.extend(ids)
        for article in articles:
            if article.id not in self.numbers:
                self._first(article)
        return "\0" + " ".join(ids) + "\0"

    def resolve(self, text: str) -> str:
        """Every placeholder as references in number order; commas keep ¹,² from reading
        as ¹²."""
        if not self.log:
            return text
        numbers = self.numbers
        parts = text.split("\0")  # text, ids, text, ids, ..., text
        refs = {ids: f"[^{numbers[ids]}]" if " " not in ids else
                ",".join(f"[^{n}]" for n in sorted({numbers[a] for a in ids.split(" ")}))
                for ids in set(parts[1::2])}
        parts[1::2] = map(refs.__getitem__, parts[1::2])  # a big page has 50,000 citations
        return "".join(parts)

    def items(self) -> list[tuple[int, m.Article]]:
        return list(enumerate(self.articles, start=1))


class _Context(jinja2.runtime.Context):
    """Jinja's template context with a shorter path for calls to plain bound methods and to
    macros.

    Templates call the page helpers (`actor(id)`, `cite(a)`, `ix.outlet_name(a)`) and macros
    several hundred thousand times in a large build. Jinja's `Context.call` inspects every
    callee for `pass_context`-style markers on each call; a macro never has one, and for a
    bound method without one the answer never changes, so it is looked up once per function.
    Such a callee is called as Jinja would call it: without the loop and block variables Jinja
    passes along for marked callables. Everything else takes Jinja's own path unchanged.
    """

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        cls = __obj.__class__
        if cls is MethodType:
            func = __obj.__func__
            plain = _PLAIN_METHODS.get(func)
            if plain is None:
                plain = _PLAIN_METHODS[func] = not hasattr(func, "jinja_pass_arg")
        else:
            plain = cls is jinja2.runtime.Macro
        if not plain:
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
        try:
            return __obj(*args, **kwargs) if kwargs else __obj(*args)
        except StopIteration:
            return __self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


_PLAIN_METHODS: dict[Any, bool] = {}
"""Functions known to take no Jinja-injected first argument (see `_Context.call`)."""


class RecordingEnvironment(jinja2.Environment):
    """The template environment of pages rendered with their reads recorded (`briefing serve`):
    every attribute or item a template reads goes through `deps.note_field`, which notes the
    report fields of articles (`model.REPORT_FIELDS`, see generator/deps.py).

    Jinja compiles `a.b` to `environment.getattr(a, "b")` and `a["b"]` (and the `attribute=`
    of filters such as `map` and `sort`) to `environment.getitem`; the bodies below are
    Jinja's own. A plain build uses `jinja2.Environment`, without this cost.
    """

    def getattr(self, obj: Any, attribute: str) -> Any:
        if obj.__class__ is m.Article:  # checked here too: a call per attribute costs
            note_field(obj, attribute)
        try:
            return getattr(obj, attribute)
        except AttributeError:
            pass
        try:
            return obj[attribute]
        except (TypeError, LookupError, AttributeError):
            return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if type(argument) is str:
            note_field(obj, argument)
        return super().getitem(obj, argument)


@functools.cache
def environment(recording: bool = False) -> jinja2.Environment:
    """The Jinja environment used for every page (`RecordingEnvironment` for pages rendered
    with their reads recorded): one per process, so a long-lived process (`briefing serve`)
    compiles each template once. Jinja's loader checks a template file's modification time
    whenever it is fetched, so an edited template is compiled again."""
    env = (RecordingEnvironment if recording else jinja2.Environment)(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.context_class = _Context
    env.filters.update(t=inline, cell=cell, yaml_str=yaml_str, abbr_title=abbr_title,
                       date=date_label, day=day_heading, iso=iso, status=status,
                       detail=detail_label, language=language_name)
    env.bytecode_cache = _template_cache(env)
    return env


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's cache of compiled templates in a private folder of the system's temporary
    folder (made with mode 0700 and checked to be this user's), so that a build does not
    compile every template again: 0.1 s of a 1,000-article build, in the process that then
    forks the render workers. An entry is used only for a template of the very same source
    (Jinja checks a checksum) and, through `pattern`, the same syntax options; a cache that
    cannot be read or written is skipped, never an error."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().load_bytecode(bucket)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _template_cache(env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """The compiled-template cache for `env`, or None where no private folder can be had."""
    options = repr((jinja2.__version__, env.block_start_string, env.block_end_string,
                    env.variable_start_string, env.variable_end_string,
                    env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
                    env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
                    env.newline_sequence, env.keep_trailing_newline, env.autoescape,
                    env.optimized, env.finalize is None, sorted(env.extensions)))
    tag = hashlib.sha1(options.encode(), usedforsecurity=False).hexdigest()[:12]
    try:
        return _TemplateCache(pattern=f"__briefing-{tag}-%s.cache")
    except (OSError, RuntimeError):  # Jinja refuses a folder another user could tamper with
        return None


def render(env: jinja2.Environment, template: str, context: dict[str, Any]) -> str:
    """Render one page, normalize blank lines so output is stable, and make its body Latin-1."""
    text = env.get_template(template).render(**context)
    footnotes = context.get("footnotes")
    if footnotes is not None:
        text = footnotes.resolve(text)
    if "\n\n\n" in text:  # every run of blank lines becomes one
        # One pass: replacing three newlines by two until none are left took three times as
        # long over a page held at one byte per character (`latin1_body`).
        text = _BLANK_RUNS.sub("\n\n", text)
    text = text.strip() + "\n"
    return latin1_body(text)


def latin1_body(page: str) -> str:
    """Write every character above U+00FF in the page body as a numeric character reference.

    The site engine keeps every page's Markdown and HTML in memory until its build ends, and
    CPython stores a string with even one character above U+00FF (a curly quote, a dash, a
    non-Latin name) at two bytes per character instead of one: measured on a 1,000-article
    briefing, this cut the engine's peak memory by a fifth. Browsers, the search indexer and
    Python-Markdown (in text, table cells, headings, footnotes, abbreviation titles and link
    targets) all read `&#8220;` as `"`. The front matter keeps its characters (YAML is not HTML),
    and the JSON-LD script is ASCII already (`jsonld.embed_json`), since a script would not decode
    references. Content never produces a reference of its own: `inline` escapes every `&`.
    """
    end = page.find("\n---\n", 4) if page.startswith("---\n") else -1
    start = end + 5 if end >= 0 else 0
    return page[:start] + narrow(page[start:])

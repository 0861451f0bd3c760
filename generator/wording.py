"""Editorial checks of what the texts say: a weekday written next to a date it does not fall
on, words that take sides, an abbreviation no text uses.

`weekday_mismatches` and `loaded_words` are functions of one text (tested on their own); the
checks run them on the content's texts and report at the field that holds each text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from generator import model as m
from generator.findings import WARNING, Finding, event_date, per_article, report, statement_of
from generator.index import Index
from generator.problems import Problems
from generator.vocab import Status

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
"""English weekday names by `date.weekday()`; spelled out so no locale can change them."""
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
_DAYS = "|".join(DAY_NAMES)
_MONTH_NUMBER = {name: i for i, name in enumerate(MONTH_NAMES, 1)}
_MONTH_NUMBER.update({name[:3]: i for i, name in enumerate(MONTH_NAMES, 1)})
_MONTH_NUMBER["Sept"] = 9
_MONTHS = "|".join(sorted(_MONTH_NUMBER, key=len, reverse=True))
_WD = rf"(?P<wd>{_DAYS})"
_MON = rf"(?P<mon>{_MONTHS})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_SEP = r"(?:\s*,\s*|\s*\(\s*|\s+)(?:on\s+)?(?:the\s+)?"
WEEKDAY_PATTERNS = tuple(re.compile(p) for p in (
    rf"\b{_WD}{_SEP}{_MON}\s+{_DAY}\b{_YEAR}",
    rf"\b{_WD}{_SEP}{_DAY}\s+(?:of\s+)?{_MON}\b{_YEAR}",
    rf"\b{_MON}\s+{_DAY}{_YEAR}\s*\(\s*{_WD}\s*\)",
    rf"\b{_DAY}\s+{_MON}{_YEAR}\s*\(\s*{_WD}\s*\)",
))
"""A weekday written next to the date it names: "Wednesday (March 5)", "Wednesday, March 5",
"on Wednesday 5 March", "March 5 (Wednesday)"; an explicit year is used when given."""
_ANY_WEEKDAY = re.compile(_DAYS)
"""Fast path: every pattern above needs a weekday name (case-sensitive, like them)."""


@dataclass(frozen=True)
class WeekdayMismatch:
    """A weekday written next to a date that falls on another day."""

    written: str
    named: str
    date: dt.date

    @property
    def actual(self) -> str:
        return DAY_NAMES[self.date.weekday()]


def weekday_mismatches(text: str, reference: dt.date) -> list[WeekdayMismatch]:
    """Weekday-and-date phrases in `text` whose weekday is wrong (year nearest `reference`)."""
    return list(_weekday_mismatches(text, reference))


def _weekday_mismatches(text: str, reference: dt.date) -> tuple[WeekdayMismatch, ...]:
    found: dict[tuple[int, int], WeekdayMismatch] = {}
    if not _ANY_WEEKDAY.search(text):
        return ()
    for pattern in WEEKDAY_PATTERNS:
        for match in pattern.finditer(text):
            month, day = _MONTH_NUMBER[match["mon"]], int(match["day"])
            if match["year"]:
                years = [int(match["year"])]
            else:
                years = [reference.year - 1, reference.year, reference.year + 1]
            dates = []
            for year in years:
                with contextlib.suppress(ValueError):
                    dates.append(dt.date(year, month, day))
            if not dates:
                continue
            date = min(dates, key=lambda d: abs((d - reference).days))
            if DAY_NAMES[date.weekday()] != match["wd"]:
                written = match[0] + (")" if "(" in match[0] and ")" not in match[0] else "")
                found.setdefault(match.span(), WeekdayMismatch(written, match["wd"], date))
    return tuple(found[k] for k in sorted(found))


def _weekday_message(mismatch: WeekdayMismatch, fix: str) -> str:
    d = mismatch.date
    return (f"'{mismatch.written}' puts {MONTH_NAMES[d.month - 1]} {d.day}, {d.year} on a "
            f"{mismatch.named}, but it was a {mismatch.actual}; {fix}")


DatedText = tuple[object, tuple[str | int, ...], str, dt.date, str | None]
"""(record, field, text, reference date, event id): a text a weekday is checked in.

Notes, conflict notes, `inferred` explanations, headlines and quote texts are never checked:
they record what a source printed, mistakes included."""


def _article_texts_with_dates(index: Index, article: m.Article) -> Iterator[DatedText]:
    """The texts of one article a weekday is checked in (besides the briefing's sentences and
    the event titles, see `check_weekdays`)."""
    ref = article.published.start
    yield article, ("summary",), article.summary, ref, None
    for i, point in enumerate(article.key_points):
        yield article, ("key_points", i), point, ref, None
    for acc in article.accounts:
        acc_ref = event_date(index, acc).start
        yield acc, ("summary",), acc.summary, acc_ref, acc.event
        for key, value in acc.details.items():
            if key != "weekday":
                yield acc, ("details", key), value, acc_ref, acc.event
    for rep in article.reports:
        st = statement_of(index, rep)
        yield rep, ("summary",), rep.summary, (rep.date or st.date).start, st.event
    for q in article.quotes:
        if q.context:
            yield q, ("context",), q.context, q.date.start, None


def _records_weekday_conflict(index: Index, event_id: str | None) -> bool:
    if event_id is None:
        return False
    return any(c.detail == "weekday" for c in index.events[event_id].event.conflicts)


def check_weekdays(index: Index, problems: Problems) -> None:
    """Warning: a weekday written next to a date it does not fall on, or a `weekday` detail that
    disagrees with the account's date, unless the event records a `weekday` conflict."""
    b = index.briefing
    texts: list[DatedText] = [
        (b, (name, i, "text"), item.text, b.as_of.start, None)
        for name in ("summary", "takeaways") for i, item in enumerate(getattr(b, name))]
    texts += [(e.event, ("title",), e.event.title, e.event.date.start, e.event.id)
              for e in index.events.values()]
    texts += [(s.statement, ("summary",), s.statement.summary, s.statement.date.start,
               s.statement.event) for s in index.statements.values()]
    for finding in _weekday_findings(index, texts):
        report(index, problems, *finding)
    per_article(index, problems, _article_weekdays)


def _weekday_findings(index: Index, texts: Iterable[DatedText]) -> Iterator[Finding]:
    for record, fields, text, ref, event_id in texts:
        mismatches = _weekday_mismatches(text, ref)
        if not mismatches or _records_weekday_conflict(index, event_id):
            continue
        fix = ("correct the weekday; if the source has it wrong, say so in the article's "
               "`notes`")
        if event_id is not None:
            fix += f" and record a `weekday` conflict on event '{event_id}'"
        for mismatch in mismatches:
            yield record, fields, _weekday_message(mismatch, fix), WARNING, ()


def _article_weekdays(index: Index, article: m.Article) -> Iterator[Finding]:
    yield from _weekday_findings(index, _article_texts_with_dates(index, article))
    for acc in article.accounts:
        value = acc.details.get("weekday")
        date = event_date(index, acc)
        if value is None or date.precision != "day" or date.approximate:
            continue
        if _records_weekday_conflict(index, acc.event):
            continue
        actual = DAY_NAMES[date.start.weekday()]
        named = re.findall(rf"\b(?:{_DAYS})\b", value)
        if named and actual not in named:
            yield (acc, ("details", "weekday"),
                   f"'{value}' does not match the date {date.value}, which was a {actual}; "
                   f"correct it, or if the source has it wrong record a `weekday` conflict "
                   f"on event '{acc.event}' in content/events.yml", WARNING, ())


_SENTENCE = re.compile(r"[^.!?;]+(?:[.!?;]+|$)")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|‘[^’]*’|(?<![\w’])'[^']*'(?![\w])")
ATTRIBUTION = re.compile(r"\b(?:said|says|say|saying|stated|called|calls|calling|described|"
                         r"describes|describing|accused|accuses|accusing|according to|termed|"
                         r"branded|labell?ed|denounced|condemned|told)\b", re.IGNORECASE)
ADMITTED = re.compile(r"\badmi(?:tted|ts|t|tting)\b", re.IGNORECASE)
TERROR = re.compile(r"\bterror(?:ist|ists|ism)?\b", re.IGNORECASE)
CLAIMED = re.compile(r"\b(?:claimed|claiming|(?<!the )(?<!'s )(?<!’s )(?<!its )(?<!their )"
                     r"claims that)\b", re.IGNORECASE)
""""Claimed" as a verb; "the claims that" and "its claim that" are nouns."""
NEUTRAL = re.compile(r"\b(?:said|says|say|stated|states|according to)\b", re.IGNORECASE)


def _unquoted(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    spans = [q.span() for q in _QUOTED.finditer(text)]
    return [mt for mt in pattern.finditer(text)
            if not any(s <= mt.start() < e for s, e in spans)]


def _lowered(text: str) -> str:
    """`text` in lower case, for looking up a stem as the case-insensitive patterns would find
    it: the two characters other than `i` and `I` that they take for an `i`, the dotted capital
    (which lowers to two characters) and the dotless small one, become `i` too."""
    low = text.lower()
    if not low.isascii():
        low = low.replace("i\u0307", "i").replace("\u0131", "i")
    return low


def loaded_words(text: str) -> list[str]:
    """Messages for the words in `text` that take sides (see `check_loaded_words`)."""
    return list(_loaded_words(text))


def _loaded_words(text: str) -> tuple[str, ...]:
    # Most texts hold none of the stems: a substring search settles them before any
    # case-insensitive pattern runs. Then each word is looked for in the whole text before the
    # text is taken apart: "claims" (a noun) and "administration" hold a stem but not the word.
    low = _lowered(text)
    admi, terror_stem, claim = "admi" in low, "terror" in low, "claim" in low
    if not (admi or terror_stem or claim):
        return ()
    found: list[str] = []
    admitted = admi and ADMITTED.search(text)
    terror = terror_stem and TERROR.search(text)
    if admitted or terror:
        for sentence in _SENTENCE.findall(text):
            if admitted:
                for mt in _unquoted(ADMITTED, sentence):
                    found.append(f"'{mt[0]}' presents the statement as true and reluctantly "
                                 f"made; write 'said' or 'acknowledged', attributed to the "
                                 f"speaker")
            if terror and not ATTRIBUTION.search(sentence):
                for mt in _unquoted(TERROR, sentence):
                    found.append(f"'{mt[0]}' is not attributed in \"{sentence.strip()}\"; say "
                                 f"who used the word (e.g. 'X called it a {mt[0].lower()} act') "
                                 f"or put it in quotation marks")
    if claim and CLAIMED.search(text):
        claimed = _unquoted(CLAIMED, text)
        if claimed and _unquoted(NEUTRAL, text):
            found.append(f"'{claimed[0][0]}' is used for one side while another side 'said'; "
                         f"use the same neutral verb for every side (e.g. 'said')")
    return tuple(found)


def _side_taking_texts(article: m.Article) -> Iterator[tuple[object, tuple[str | int, ...], str]]:
    """An article's own sentences where a word can take sides: confirmed accounts and
    statements aside (the briefing's sentences are checked too, see `check_loaded_words`)."""
    yield article, ("summary",), article.summary
    for i, point in enumerate(article.key_points):
        yield article, ("key_points", i), point
    records: list[m.Account | m.Report] = [*article.accounts, *article.reports]
    for record in records:
        if record.status is not Status.CONFIRMED:
            yield record, ("summary",), record.summary


def check_loaded_words(index: Index, problems: Problems) -> None:
    """Warning: "admitted", an unattributed "terrorist"/"terror", or "claimed" for one side only,
    in a summary or in an account or statement whose status is not `confirmed`."""
    b = index.briefing
    for name in ("summary", "takeaways"):
        for i, item in enumerate(getattr(b, name)):
            for message in loaded_words(item.text):
                report(index, problems, b, (name, i, "text"), message)
    for said in index.statements.values():
        if said.status is not Status.CONFIRMED:
            for message in loaded_words(said.statement.summary):
                report(index, problems, said.statement, ("summary",), message)
    per_article(index, problems, _article_loaded_words)


def _article_loaded_words(index: Index, article: m.Article) -> Iterator[Finding]:
    for record, fields, text in _side_taking_texts(article):
        for message in loaded_words(text):
            yield record, fields, message, WARNING, ()


_ABBR_EDGE = r"(?<![A-Za-z0-9]){}s?(?![A-Za-z0-9])"


def _content_texts(index: Index) -> Iterator[str]:
    """Every text a reader meets, except the glossary itself (each article's joined by NUL,
    `_article_texts`)."""
    b = index.briefing
    yield from (b.title, b.description)
    yield from (s.text for s in (*b.summary, *b.takeaways))
    for period in (b.crisis, *b.background):
        yield from filter(None, (period.title, period.description))
    for actor in index.actors.values():
        yield from filter(None, (actor.name, actor.role, actor.description, *actor.aliases))
    for place in index.places.values():
        yield from filter(None, (place.name, place.description, *place.aliases))
    for entry in index.events.values():
        yield entry.event.title
        yield from (c.note for c in entry.event.conflicts)
    for said in index.statements.values():
        yield from filter(None, (said.statement.summary, said.statement.channel))
        yield from (c.note for c in said.statement.conflicts)
    yield from (_article_texts(index, a) for a in index.articles.values())


def _article_texts(index: Index, article: m.Article) -> str:
    """Every text of one article a reader meets, joined by NUL."""
    texts = [article.title, article.summary, *article.key_points, *article.notes]
    for acc in article.accounts:
        texts.append(acc.summary)
        texts += acc.details.values()
    for rep in article.reports:
        texts.append(rep.summary)
        texts += rep.details.values()
    for q in article.quotes:
        texts += filter(None, (q.text, q.context))
    return "\0".join(texts)


def check_unused_terms(index: Index, problems: Problems) -> None:
    """Warning: a glossary term whose abbreviation appears in no content text."""
    # Every text at once, joined by NUL (which content cannot hold, and which a term's edges
    # treat like the end of a text): one search per term, stopping at its first use.
    texts = "\0".join(_content_texts(index))
    for g in index.glossary:
        if not _used(g.term, texts):
            report(index, problems, g, ("term",),
                   f"'{g.term}' appears in no content text, so readers never meet it; remove "
                   f"it from content/glossary.yml, or use the abbreviation where the content "
                   f"names {g.expansion}")


def _used(term: str, texts: str) -> bool:
    """Whether `term` appears in `texts` as an abbreviation (`_ABBR_EDGE`). Each place the
    plain term occurs is found with `str.find` and the edges are checked there: a pattern that
    opens with a lookbehind is otherwise tried at every character of the whole briefing's text."""
    pattern = re.compile(_ABBR_EDGE.format(re.escape(term)))
    at = texts.find(term)
    while at >= 0:
        if pattern.match(texts, at):  # the lookbehind sees the text before `at`
            return True
        at = texts.find(term, at + 1)
    return False

"""Editorial checks over the index: content that validates but does not hold together.

Each check reports through `problems` like every other stage, at the offending field, with a
message that names the field, the value, what was expected and how to fix it. Severity by kind:

* errors: content that cannot be true as written (something reported before it happened, a first
  publication after the republication, a briefing sentence resting on an out-of-scope article);
* warnings: content a reviewer should look at (everything else). `briefing check --strict`, which
  CI runs, fails on warnings too.

Curators record a source's own inconsistencies in an article's `notes` and an event's
`conflicts`; those texts are findings, never checked, and a recorded conflict silences the
warning it explains.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from generator import model as m
from generator.findings import ERROR, WARNING, Finding, per_article, report, statement_of
from generator.index import Index
from generator.problems import Problems, Severity
from generator.vocab import ActorKind, StatementType, Status
from generator.wording import check_loaded_words, check_unused_terms, check_weekdays

QUOTE_MAX_WORDS = 40
QUOTE_MAX_CHARS = 300
"""A quote longer than either limit is more than a short excerpt."""

DENIALS = (StatementType.DENY_RESPONSIBILITY, StatementType.REJECT)
ASSERTIONS = (StatementType.ACCUSE, StatementType.CLAIM)
SETTLED = (Status.REPORTED, Status.CONFIRMED)


def check(index: Index, problems: Problems) -> None:
    """Run every editorial check (see CHECKS)."""
    for fn in CHECKS:
        fn(index, problems)


def _articles(index: Index) -> Iterator[m.Article]:
    yield from index.articles.values()


def check_reported_after_publication(index: Index, problems: Problems) -> None:
    """Error: an account, statement or quote dated after its article was published.

    Dates are ranges: `2026-03` is after `2026-03-06` only if March starts after the publication
    ends, so it never is. A warning instead of an error when either date is approximate.
    """
    per_article(index, problems, _reported_after)


def _reported_after(index: Index, article: m.Article) -> Iterator[Finding]:
    pub = article.published
    fix = "correct the date, or the article's `published` date if that is wrong"
    for acc in article.accounts:
        if acc.date is not None:
            if (sev := _later(acc.date, pub)) is not None:
                yield (acc, ("date",),
                       f"'{acc.date.value}' is after the article's publication date "
                       f"'{pub.value}': an article cannot report what had not yet "
                       f"happened; {fix}", sev, ("value",))
            continue
        event = index.events[acc.event].event
        if (sev := _later(event.date, pub)) is not None:
            yield (acc, ("event",),
                   f"event '{event.id}' is dated '{event.date.value}', after the article's "
                   f"publication date '{pub.value}'; correct the event's date in "
                   f"content/events.yml, give this account the date the article gives, "
                   f"or correct the article's `published` date", sev, ())
    for rep in article.reports:
        if rep.date is not None:
            if (sev := _later(rep.date, pub)) is not None:
                yield (rep, ("date",),
                       f"'{rep.date.value}' is after the publication date '{pub.value}' of "
                       f"the article that reports this statement; {fix}", sev, ("value",))
            continue
        st = statement_of(index, rep)
        if (sev := _later(st.date, pub)) is not None:
            yield (rep, ("statement",),
                   f"statement '{st.id}' is dated '{st.date.value}', after the article's "
                   f"publication date '{pub.value}'; correct the statement's date in "
                   f"content/statements.yml, give this report the date the article gives, "
                   f"or correct the article's `published` date", sev, ())
    records: list[m.Account | m.Report] = [*article.accounts, *article.reports]
    for rec in records:
        for i, change in enumerate(rec.status_history):
            if (sev := _later(change.date, pub)) is not None:
                yield (rec, ("status_history", i, "date"),
                       f"'{change.date.value}' is after the article's publication date "
                       f"'{pub.value}': an article cannot record a later status; {fix}",
                       sev, ("value",))
    for q in article.quotes:
        if (sev := _later(q.date, pub)) is not None:
            yield (q, ("date",),
                   f"'{q.date.value}' is after the publication date '{pub.value}' of "
                   f"the article that reports this quote; {fix}", sev, ("value",))


def _later(date: m.FuzzyDate, published: m.FuzzyDate) -> Severity | None:
    """The severity if `date` starts after `published` ends, else None."""
    if date.start <= published.end:
        return None
    return WARNING if date.approximate or published.approximate else ERROR


def check_detail_conflicts(index: Index, problems: Problems) -> None:
    """Warning: accounts of one event (or reports of one statement) give different values for
    a detail, or different numbers for a figure, that the event (or statement) does not record
    as a conflict."""
    for entry in index.events.values():
        recorded = {c.detail for c in entry.event.conflicts}
        _detail_findings(index, problems, entry.details, entry.accounts, recorded,
                         f"event '{entry.event.id}'", "the event in content/events.yml")
        for kind in entry.figures_differ:
            if kind in recorded:
                continue
            rows = [r for r in entry.figures[kind] if r.figure.count is not None]
            first = rows[0]
            for row in rows[1:]:
                if row.figure.count == first.figure.count:
                    continue
                acc = next(acc for a, acc in entry.accounts
                           if a is row.article and row.figure in acc.figures)
                report(index, problems, acc, ("figures", acc.figures.index(row.figure),
                                              "count"),
                       f"{kind}: {row.figure.count} disagrees with {first.figure.count} in "
                       f"{first.article.id} about event '{entry.event.id}'; record the "
                       f"disagreement as a `conflicts` entry (detail: {kind}) on the event "
                       f"in content/events.yml, or align the figures")
    for said in index.statements.values():
        recorded = {c.detail for c in said.statement.conflicts}
        _detail_findings(index, problems, said.details, said.reports, recorded,
                         f"statement '{said.id}'", "the statement in content/statements.yml")


def _detail_findings(index: Index, problems: Problems, details: dict[str, Any],
                     records: list[tuple[m.Article, Any]], recorded: set[str], what: str,
                     where: str) -> None:
    for key, versions in details.items():
        if len(versions) < 2 or key in recorded:
            continue
        first = versions[0]
        for version in versions[1:]:
            rec = next(rec for _, rec in records if rec.details.get(key) == version.value)
            report(index, problems, rec, ("details", key),
                   f"'{version.value}' disagrees with '{first.value}' in "
                   f"{first.articles[0].id} about {what}; record the disagreement as a "
                   f"`conflicts` entry (detail: {key}) on {where}, or align the values")


def _countered(index: Index, event_id: str | None, statement: m.Statement | None,
               denial_only: bool) -> bool:
    """Whether a denial (or, unless `denial_only`, a counter-claim) is recorded against a record.

    A counter-statement comes from another speaker and answers the statement or concerns the
    same event; a counter-claim is a claim or accusation that answers something, or any claim or
    accusation against a denial.
    """
    # Only statements that answer this one or concern the event can counter it (linear, not a
    # scan of every statement per record).
    candidates = [*(index.responses.get(statement.id, []) if statement is not None else []),
                  *(index.events[event_id].statements if event_id in index.events else [])]
    for said in candidates:
        other = said.statement
        if statement is not None and other.speaker == statement.speaker:
            continue
        answers = statement is not None and statement.id in other.responds_to
        if not answers and (event_id is None or other.event != event_id):
            continue
        if other.type in DENIALS:
            return True
        if not denial_only and other.type in ASSERTIONS and (
                other.responds_to or (statement is not None and statement.type in DENIALS)):
            return True
    return False


def _affiliation_tables(index: Index) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """What each actor belongs to, and what belongs to it (for `_side`)."""
    return ({a.id: a.affiliation for a in index.actors.values()},
            {k: [a.id for a in v] for k, v in index.members.items()})


def _side(tables: tuple[dict[str, list[str]], dict[str, list[str]]], actor_id: str) -> set[str]:
    """An actor, what it belongs to (transitively) and what belongs to it (transitively);
    `tables` from `_affiliation_tables`."""
    side = {actor_id}
    for table in tables:
        todo = [actor_id]
        while todo:
            for other in table.get(todo.pop(), []):
                if other not in side:
                    side.add(other)
                    todo.append(other)
    return side


def check_status_denials(index: Index, problems: Problems) -> None:
    """Warning: `denied` or `disputed` with no recorded denial or counter-claim; and `reported`
    or `confirmed` while a deny-responsibility statement concerns the same event.

    The reverse check covers what the denial contradicts: accounts of the event that involve the
    denying side, and accusations or claims it answers or that are aimed at that side.
    """
    for article in _articles(index):
        for acc in article.accounts:
            if acc.status in (Status.DENIED, Status.DISPUTED) and not _countered(
                    index, acc.event, None, acc.status is Status.DENIED):
                report(index, problems, acc, ("status",), _uncountered(acc.status, acc.event))
        for rep in article.reports:
            st = statement_of(index, rep)
            if rep.status in (Status.DENIED, Status.DISPUTED) and not _countered(
                    index, st.event, st, rep.status is Status.DENIED):
                report(index, problems, rep, ("status",),
                       _uncountered(rep.status, st.event, st))
    flagged: set[int] = set()
    order = {sid: i for i, sid in enumerate(index.statements)}
    tables = _affiliation_tables(index)
    for denial_entry in index.statements.values():
        denial = denial_entry.statement
        if denial.type is not StatementType.DENY_RESPONSIBILITY or not denial_entry.reports:
            continue
        side = _side(tables, denial.speaker)
        where = f"statement '{denial.id}'"
        if denial.event is not None:
            for _, acc in index.events[denial.event].accounts:
                if acc.status in SETTLED and side & set(acc.actors) and id(acc) not in flagged:
                    flagged.add(id(acc))
                    report(index, problems, acc, ("status",),
                           f"'{acc.status.value}' states event '{denial.event}' as fact, but "
                           f"{where} denies responsibility for it; use 'disputed' or "
                           f"'denied', and attribute the account")
        # Only statements it answers or about its event can be contradicted (linear, not a scan
        # of every statement per denial); kept in index order so reports come out as before.
        related = {s: index.statements[s] for s in denial.responds_to if s in index.statements}
        if denial.event in index.events:
            related.update((s.id, s) for s in index.events[denial.event].statements)
        for said in sorted(related.values(), key=lambda said: order[said.id]):
            st = said.statement
            if st.type not in ASSERTIONS:
                continue
            if st.id in denial.responds_to or (
                    denial.event is not None and st.event == denial.event
                    and st.addressee in side):
                for _, rep in said.reports:
                    if rep.status not in SETTLED or id(rep) in flagged:
                        continue
                    flagged.add(id(rep))
                    report(index, problems, rep, ("status",),
                           f"'{rep.status.value}' but {where} denies it; use 'disputed' or "
                           f"'denied'")


def _uncountered(status: Status, event_id: str | None, st: m.Statement | None = None) -> str:
    what = "a deny-responsibility or reject statement"
    if status is Status.DISPUTED:
        what += " or a counter-claim"
    about = f"about event '{event_id}'" if event_id else ""
    if st is not None:
        about = f"answering '{st.id}'" + (f" or {about}" if about else "")
    return (f"'{status.value}' but no denial is recorded (expected {what} {about} from "
            f"another speaker); record the denial as a statement, or use 'claimed' or "
            f"'reported'")


def check_quotes(index: Index, problems: Problems) -> None:
    """Warning: a quote longer than a short excerpt, or a quote of the article's own outlet or
    author (that is article text, not a quotation), unless its context says it is a headline."""
    per_article(index, problems, _article_quotes)


def _own(article: m.Article) -> set[str]:
    """The article's outlet, authors and first outlet: whose words are the article's own."""
    own = {a for a in (article.outlet, *article.authors) if a}
    if article.first_published is not None:
        own.add(article.first_published.outlet)
    return own


def _article_quotes(index: Index, article: m.Article) -> Iterator[Finding]:
    own = _own(article)
    for q in article.quotes:
        said = index.statements.get(q.statement) if q.statement else None
        if said is not None and said.statement.speaker != q.speaker:
            speaker = said.statement.speaker
            yield (q, ("speaker",),
                   f"'{q.speaker}' is not the speaker '{speaker}' of statement '{said.id}'; "
                   f"attribute the words to '{speaker}' and name whoever passed them on in "
                   f"the report's `relays`, or attach the quote to a statement by "
                   f"'{q.speaker}'", WARNING, ())
        words = len(q.text.split())
        if words > QUOTE_MAX_WORDS or len(q.text) > QUOTE_MAX_CHARS:
            yield (q, ("text",),
                   f"quote is {words} words, {len(q.text)} characters long; a quote is a "
                   f"short excerpt (at most {QUOTE_MAX_WORDS} words, {QUOTE_MAX_CHARS} "
                   f"characters): keep the key phrase and give the rest in our own words "
                   f"in the statement summary", WARNING, ())
        headline = "headline" in (q.context or "").casefold()
        if q.speaker in own and not headline:
            actor = index.actors[q.speaker]
            role = "outlet" if actor.kind is ActorKind.MEDIA else "author"
            yield (q, ("speaker",),
                   f"'{q.speaker}' is this article's own {role}: its words are article "
                   f"text, not a quotation; summarize them in the article summary instead "
                   f"(a quoted headline is fine: say 'headline' in `context`)", WARNING, ())


def check_unused_entries(index: Index, problems: Problems) -> None:
    """Warning: actors with no statement, quote, event, article or mention; places, statements
    and events nothing uses (an event no article gives an account of). Glossary terms:
    `wording.check_unused_terms`."""
    used = set(index.actor_articles) | set(index.actor_events) | set(index.outlet_articles)
    used |= {aid for e in index.events.values() for aid in e.event.actors}
    used |= {a.first_published.outlet for a in _articles(index) if a.first_published}
    for actor in index.actors.values():
        if actor.id in used:
            continue
        by = []
        if members := [a.id for a in index.members.get(actor.id, [])]:
            by.append(f"as the affiliation of {', '.join(members)}")
        if terms := [g.term for g in index.glossary if g.actor == actor.id]:
            by.append(f"by glossary term {', '.join(terms)}")
        fix = ("add it to `mentions` of an article that names it, or remove it from "
               "content/actors.yml")
        if by:
            message = (f"actor '{actor.id}' has no statement, quote, event, article or mention "
                       f"(it is referred to only {' and '.join(by)}); {fix}")
        else:
            message = f"actor '{actor.id}' is not referred to anywhere; {fix}"
        report(index, problems, actor, ("id",), message)
    places = set(index.place_events) | set(index.place_articles)
    places |= {p for e in index.events.values() for p in e.event.places}
    todo = sorted(places)
    while todo:
        place = index.places.get(todo.pop())
        if place is not None and place.part_of and place.part_of not in places:
            places.add(place.part_of)
            todo.append(place.part_of)
    for place in index.places.values():
        if place.id not in places:
            report(index, problems, place, ("id",),
                   f"place '{place.id}' is not referred to by any event or account; add it to "
                   f"the `places` of an event or account that names it, or remove it from "
                   f"content/places.yml")
    for said in index.statements.values():
        if not said.reports:
            report(index, problems, said.statement, ("id",),
                   f"statement '{said.id}' has no report: no article reports it; add a "
                   f"report to the article that carries it, or remove it from "
                   f"content/statements.yml")
    for entry in index.events.values():
        if entry.accounts:
            continue
        extra = f" (only {len(entry.statements)} statement(s) refer to it)" \
            if entry.statements else ""
        report(index, problems, entry.event, ("id",),
               f"event '{entry.event.id}' has no account: no article reports it{extra}; add an "
               f"account to the article that reports it, or remove it from content/events.yml")


REPUBLISHED = re.compile(r"\b(?:originally (?:appeared|published|ran)|first (?:appeared|published|"
                         r"ran)|republish(?:ed|es|ing)?|republication|reprint(?:ed|s)?)\b",
                         re.IGNORECASE)


def _republished(text: str) -> str | None:
    """The words of `text` that call it a republication, if any."""
    match = REPUBLISHED.search(text)
    return match[0] if match is not None else None


def check_republications(index: Index, problems: Problems) -> None:
    """Warning: summary or notes say the article is a republication but `first_published` is
    missing. Error: `first_published.date` after the article's `published` date."""
    per_article(index, problems, _article_republication)


def _article_republication(index: Index, article: m.Article) -> Iterator[Finding]:
    first = article.first_published
    if first is None:
        fields: list[tuple[tuple[str | int, ...], str]] = [(("summary",), article.summary)]
        fields += [(("notes", i), note) for i, note in enumerate(article.notes)]
        for field, text in fields:
            if (said := _republished(text)) is not None:
                yield (article, field,
                       f"says the article is a republication ('{said}') but "
                       f"`first_published` is not set; add first_published with the "
                       f"original outlet and date", WARNING, ())
                break
    elif first.date.start > article.published.end:
        yield (article, ("first_published", "date"),
               f"'{first.date.value}' is after this copy's publication date "
               f"'{article.published.value}'; a first publication cannot come after its "
               f"republication: correct one of the two dates", ERROR, ("value",))


def check_out_of_scope_citations(index: Index, problems: Problems) -> None:
    """Error: a briefing sentence cites an out-of-scope article. Warning: an out-of-scope article
    still carries accounts, reports or quotes, or is the only report of an event."""
    out_of_scope = index.out_of_scope
    out = {a.id for a in out_of_scope}
    b = index.briefing
    for name in ("summary", "takeaways"):
        for i, item in enumerate(getattr(b, name)):
            for j, source in enumerate(item.sources):
                if source in out:
                    report(index, problems, b, (name, i, "sources", j),
                           f"'{source}' is out of scope, so it cannot support the briefing; "
                           f"cite an in-scope article, or change the article's scope",
                           ERROR)
    for article in out_of_scope:
        for name in ("accounts", "reports", "quotes"):
            items = getattr(article, name)
            if items:
                one = len(items) == 1
                report(index, problems, items[0], (),
                       f"out-of-scope article '{article.id}' still has {len(items)} "
                       f"{name[:-1] if one else name}; move {'it' if one else 'them'} to an "
                       f"in-scope article or remove {'it' if one else 'them'}, or change the "
                       f"article's scope")
    # Only an event some out-of-scope article reports can be reported by such articles only.
    reported = {e.event.id for a in out_of_scope for e in index.article_events[a.id]}
    for entry in index.events.values():
        if entry.event.id in reported and all(a.id in out for a in entry.articles):
            report(index, problems, entry.event, ("id",),
                   f"event '{entry.event.id}' is reported only by out-of-scope articles "
                   f"({', '.join(a.id for a in entry.articles)}); report it from an in-scope "
                   f"article, or remove it")


def check_duplicate_statements(index: Index, problems: Problems) -> None:
    """Warning: two statements with the same speaker, addressee, type and date, which are
    likely one statement recorded twice (each article should attach a report to one id)."""
    seen: dict[tuple[object, ...], m.Statement] = {}
    for st in index.content.statements:
        key = (st.speaker, st.addressee, st.type, st.date.value, st.date.part)
        first = seen.setdefault(key, st)
        if first is st:
            continue
        path, line, _ = index.content.locate(first)
        to = f", to '{st.addressee}'" if st.addressee else ""
        report(index, problems, st, ("id",),
               f"statement '{st.id}' looks like statement '{first.id}' ({path}:{line}): same "
               f"speaker '{st.speaker}'{to}, type '{st.type.value}' and date "
               f"'{st.date.value}'; if they are one statement, merge them: keep one id, "
               f"attach each article's report to it and record differences as `conflicts`")


CHECKS: list[Callable[[Index, Problems], None]] = [
    check_reported_after_publication,
    check_weekdays,
    check_detail_conflicts,
    check_status_denials,
    check_duplicate_statements,
    check_quotes,
    check_unused_entries,
    check_unused_terms,
    check_republications,
    check_out_of_scope_citations,
    check_loaded_words,
]
"""Every editorial check, in the order they run."""


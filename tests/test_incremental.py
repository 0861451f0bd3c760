"""`briefing serve` regenerates incrementally (cli.Memory, generator/deps.py): after any edit, the
docs it writes are byte for byte those a fresh build writes, while it renders only the pages
whose index queries answer differently."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from generator import deps, feed, pages, parallel, write
from generator.cli import Memory, Outcome, Project, generate_docs
from tests.support import ROOT, make_project, snapshot

sys.path.insert(0, str(ROOT / "benchmarks"))
from synth import synthesize

ARTICLES = "content/articles"
EDM = f"{ARTICLES}/edm-2026-03-12-drone-attacks-strain-tensions.yml"
MIRROR = f"{ARTICLES}/mirror-spectator-2026-03-03-troops-deployed-border.yml"


@pytest.fixture
def briefing(tmp_path: Path) -> Path:
    """A copy of the published briefing's content."""
    return make_project(tmp_path / "project", ROOT / "content")


def edit(project: Path, rel: str, old: str, new: str) -> None:
    path = project / rel
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def regenerate(project: Path, memory: Memory, jobs: int = 1) -> Outcome:
    """Regenerate with `memory`, and check the result against a fresh build of the same
    content into another folder."""
    outcome = generate_docs(Project.at(project), memory=memory, jobs=jobs)
    assert not outcome.failed, [p.format() for p in outcome.problems.sorted()]
    fresh = generate_docs(Project.at(project, docs="fresh-docs"), jobs=1)
    assert not fresh.failed
    assert snapshot(project / "docs") == snapshot(project / "fresh-docs")
    return outcome


def test_an_edited_summary_renders_only_the_pages_that_read_that_article(briefing: Path):
    memory = Memory()
    first = regenerate(briefing, memory)
    total = first.rendered
    assert first.report is not None
    assert total is not None
    assert total > 100

    edit(briefing, MIRROR, "summary: >-\n", "summary: >-\n  Edited for the test.\n")
    again = regenerate(briefing, memory)

    assert again.report is not None
    assert again.rendered is not None
    assert 0 < again.rendered < total / 2
    assert "articles/mirror-spectator-2026-03-03-troops-deployed-border.md" in \
        again.report.written
    assert again.report.removed == []


def test_nothing_changed_renders_nothing(briefing: Path):
    memory = Memory()
    regenerate(briefing, memory)
    again = regenerate(briefing, memory)
    assert again.rendered == 0
    assert again.report is not None
    assert again.report.written == []


def test_a_renamed_actor_reaches_every_page_that_names_it(briefing: Path):
    memory = Memory()
    regenerate(briefing, memory)
    edit(briefing, "content/actors.yml", "  name: Iran\n", "  name: Islamic Republic of Iran\n")
    again = regenerate(briefing, memory)
    assert again.report is not None
    assert len(again.report.written) > 10  # the home page, listings, articles, events ...


def test_a_deleted_article_and_its_pages_go(briefing: Path):
    memory = Memory()
    regenerate(briefing, memory)
    out_of_scope = briefing / ARTICLES / "asharq-al-awsat-2025-kremlin-ukraine-nato.yml"
    out_of_scope.unlink()
    again = regenerate(briefing, memory)
    assert again.report is not None
    assert "articles/asharq-al-awsat-2025-kremlin-ukraine-nato.md" in again.report.removed


def test_reordered_details_change_no_page(briefing: Path):
    """Pages show an account's details in key order, so their order in the file is not a
    change (deps.same relies on this)."""
    memory = Memory()
    regenerate(briefing, memory)
    denial = ('      iran-denial: "General Staff denied deliberately targeting Azerbaijani '
              'territory"\n')
    intent = '      intent: "called a deliberate act of aggression by Aliyev"\n'
    edit(briefing, EDM, denial + intent, intent + denial)
    again = regenerate(briefing, memory)
    assert again.report is not None
    assert again.report.written == []


def test_a_glossary_edit_renders_every_page(briefing: Path):
    """Every page carries the glossary's abbreviations."""
    memory = Memory()
    first = regenerate(briefing, memory)
    edit(briefing, "content/glossary.yml", "- term: BBC\n", "- term: BBC\n  # edited\n")
    same_glossary = regenerate(briefing, memory)
    assert same_glossary.rendered == 0  # a comment is not a change
    edit(briefing, "content/glossary.yml", "British Broadcasting Corporation",
         "British Broadcasting Corporation (edited)")
    again = regenerate(briefing, memory)
    assert again.rendered == first.rendered


def test_a_failed_regeneration_keeps_the_last_good_pages_as_the_baseline(briefing: Path):
    memory = Memory()
    regenerate(briefing, memory)
    before = snapshot(briefing / "docs")
    edit(briefing, MIRROR, "summary: >-\n", "summary: >-\n  Edited: [unclosed\n  ")
    edit(briefing, "content/actors.yml", "  name: Armenia\n", "  name: Republic of Armenia\n")
    edit(briefing, EDM, "event: ", "event: no-such-event-")
    broken = generate_docs(Project.at(briefing), memory=memory, jobs=1)
    assert broken.failed
    assert broken.report is None
    assert snapshot(briefing / "docs") == before
    edit(briefing, EDM, "event: no-such-event-", "event: ")
    regenerate(briefing, memory)


def test_pages_rendered_in_workers_record_their_queries_too(briefing: Path,
                                                            monkeypatch: pytest.MonkeyPatch):
    """Reads travel back from forked render workers (they are small picklable keys)."""
    monkeypatch.setattr(parallel, "MIN_PAGES", 0)
    monkeypatch.setattr(parallel, "FEW_PAGES", 0)
    memory = Memory()
    first = regenerate(briefing, memory, jobs=2)
    assert memory.previous is not None
    assert all(page.reads for path, page in memory.previous.pages.items()
               if "/articles/" in path)
    edit(briefing, MIRROR, "summary: >-\n", "summary: >-\n  Edited in a worker.\n")
    again = regenerate(briefing, memory, jobs=2)
    assert again.rendered is not None
    assert first.rendered is not None
    assert 0 < again.rendered < first.rendered / 2


def made(memory: Memory, path: str) -> tuple[int, int]:
    """How many of a page's (or data file's) fragments the last regeneration rendered, of all."""
    assert memory.previous is not None
    page = memory.previous.pages.get(path) or memory.previous.data[path]
    return page.made, len(page.fragments or ())


def test_an_edited_account_renders_only_its_own_entries_of_the_listings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The chronology, on dated parts, renders again only the part that shows the event; the
    calendar, built whole again, is rewritten."""
    monkeypatch.setattr(pages, "KEEP_FRAGMENTS", 0)  # these pages are small
    project = tmp_path / "synthetic"
    synthesize(project, 60, seed=5)
    memory = Memory()
    regenerate(project, memory)
    article = sorted((project / ARTICLES).glob("*.yml"))[7]
    text = article.read_text("utf-8")
    account = re.search(r"^- event: \S+\n  summary: ", text, re.MULTILINE)
    assert account is not None
    article.write_text(text.replace(account.group(0), account.group(0) + "Edited. ", 1), "utf-8")
    again = regenerate(project, memory)
    assert again.report is not None
    parts = [p for p in again.report.written if p.startswith("chronology/")]
    assert len(parts) == 1, again.report.written
    assert "data/chronology.ics" in again.report.written
    # The events index cites the article but shows none of its accounts: every entry is kept.
    assert made(memory, "briefing/events/index.md")[0] == 0


def test_groups_of_entries_are_kept_whole_and_keep_their_entries_for_the_next_edit(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Past `deps.GROUP` entries, a listing's entries are also grouped into fragments
    (`Fragments.make_each`): an edit renders one group and, inside it, only the edited entry;
    a group kept whole keeps its entries too, so the next edit inside it again renders only
    that entry."""
    monkeypatch.setattr(deps, "GROUP", 4)
    monkeypatch.setattr(pages, "KEEP_FRAGMENTS", 0)
    project = tmp_path / "synthetic"
    synthesize(project, 60, seed=5)
    memory = Memory()
    regenerate(project, memory)
    articles = sorted((project / ARTICLES).glob("*.yml"))
    for article in (articles[7], articles[40]):  # the second in a group kept by the first edit
        edit(project, str(article.relative_to(project)), "\ntitle: ", "\ntitle: Edited ")
        regenerate(project, memory)
        rendered, total = made(memory, "briefing/articles/index.md")
        assert rendered == 2, rendered  # its group, and its row inside it
        assert total == 60 + 15  # every row and every group, for the next regeneration


def test_the_feed_is_rewritten_only_when_an_edit_reaches_its_newest_entries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The Atom feed shows only the newest entries: editing an old article leaves its bytes
    and its file alone, editing the newest rewrites it."""
    monkeypatch.setattr(feed, "FEED_ENTRIES", 5)
    project = tmp_path / "synthetic"
    synthesize(project, 60, seed=5)
    memory = Memory()
    regenerate(project, memory)
    path = "briefing/data/feed.xml"
    by_date = sorted((project / ARTICLES).glob("*.yml"),
                     key=lambda p: (re.findall(r"\d{4}-\d\d-\d\d", p.name), p.name))
    for article, rewritten in ((by_date[0], False), (by_date[-1], True)):
        assert memory.previous is not None
        before = memory.previous.data[path].text
        edit(project, str(article.relative_to(project)), "\nsummary: ", "\nsummary: Edited. ")
        again = regenerate(project, memory)
        assert again.report is not None
        assert (memory.previous.data[path].text != before) is rewritten, article.name
        assert (path.removeprefix("briefing/") in again.report.written) is rewritten


def test_reads_are_answered_in_one_pass_as_one_by_one(tmp_path: Path):
    """`changed_reads` settles reads of one key a key at a time and answers the others with
    each index attribute looked up once; every read must change exactly when `answer` says
    so, and every answer kept must be what `answer` gives alone."""
    project = tmp_path / "synthetic"
    synthesize(project, 60, seed=5)
    memory = Memory()
    regenerate(project, memory)
    assert memory.previous is not None
    old = memory.previous.ix
    reads = memory.previous.distinct_reads()
    reads.add(deps.read_id(("actors", deps.ITEM, ("no-such-actor",))))  # not in a plain table
    reads.add(deps.read_id(("actor_made", deps.ITEM, ("no-such-actor",))))  # nor in a Table
    reads.add(deps.read_id(("timeline", deps.CALL, ((deps.REF, "actors", "no-such-actor"),))))
    kinds = {deps.read_of(read)[:2] for read in reads}
    assert {("statements", deps.ITEM), ("article_events", deps.ITEM),
            ("timeline", deps.CALL)} <= kinds
    article = sorted((project / ARTICLES).glob("*.yml"))[7]
    edit(project, str(article.relative_to(project)), "\nsummary: ", "\nsummary: Edited. ")
    new = generate_docs(Project.at(project), memory=Memory()).index
    assert new is not None
    changed, answers = deps.changed_reads(old, new, reads)
    assert set(answers) == reads - deps._KEYED_IDS  # reads of one key are settled by key
    for read in reads:
        general = deps.answer(new, deps.read_of(read))
        if read in answers:
            assert deps.same(answers[read], general), deps.read_of(read)
        assert (read in changed) is not deps.same(deps.answer(old, deps.read_of(read)),
                                                  general), deps.read_of(read)
    # What the article reports is read field by field; citing it reads its other fields.
    assert changed == {deps.read_id(("articles", deps.FIELD, (article.stem, "summary")))}


def test_a_page_with_few_fragments_keeps_none_and_renders_whole(tmp_path: Path):
    """Pages with at most `pages.KEEP_FRAGMENTS` fragments keep none between regenerations
    (memory); when one must render again it renders whole, still byte for byte a fresh
    build's."""
    project = tmp_path / "synthetic"
    synthesize(project, 60, seed=5)
    memory = Memory()
    regenerate(project, memory)
    assert memory.previous is not None
    assert memory.previous.pages["briefing/articles/index.md"].fragments is None
    article = sorted((project / ARTICLES).glob("*.yml"))[7]
    edit(project, str(article.relative_to(project)), "\nsummary: ", "\nsummary: Edited. ")
    again = regenerate(project, memory)
    assert again.report is not None
    rendered, total = made(memory, "briefing/articles/index.md")
    assert rendered > 0  # rendered whole: every entry made...
    assert total == 0  # ...and none kept


def test_serve_updates_docs_in_place_and_a_failed_write_changes_nothing(
        briefing: Path, monkeypatch: pytest.MonkeyPatch):
    """Serve replaces only changed files (write._update_in_place); every new file is written
    beside its old copy first, so a write that fails half-way leaves the last good docs and no
    stray files."""
    memory = Memory()
    regenerate(briefing, memory)
    docs = briefing / "docs"
    untouched = docs / "briefing" / "places" / "index.md"
    inode = untouched.stat().st_ino
    before = snapshot(docs)
    edit(briefing, "content/actors.yml", "  name: Iran\n", "  name: Islamic Republic of Iran\n")
    opened: list[str] = []
    real_open = open

    def full_disk(path: str, mode: str = "r", *args: object, **kwargs: object) -> object:
        if "w" in mode:
            opened.append(str(path))
            if len(opened) == 3:
                raise OSError(28, "No space left on device", str(path))
        return real_open(path, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(write, "open", full_disk, raising=False)
    with pytest.raises(OSError, match="No space left"):
        generate_docs(Project.at(briefing), memory=memory, jobs=1)
    assert snapshot(docs) == before
    assert not [p for p in docs.rglob(".*") if "briefing-new" in p.name]
    monkeypatch.undo()

    memory.forget()  # as serve does after a failed regeneration
    regenerate(briefing, memory)
    again = regenerate(briefing, memory)  # nothing changed: in place, nothing written
    assert again.report is not None
    assert again.report.written == []
    assert untouched.stat().st_ino == inode  # never rewritten, never relinked


def test_an_entry_that_cannot_be_noted_renders_every_time_and_its_group_with_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A listing entry whose arguments `deps.encode` cannot note by reference gets no fragment:
    it renders every time, its group has no fragment either, and the page notes
    `UNREPLAYABLE` (so it always renders); the other groups are still reused."""
    monkeypatch.setattr(deps, "GROUP", 4)
    project = tmp_path / "synthetic"
    synthesize(project, 20, seed=5)
    ix = generate_docs(Project.at(project)).index
    assert ix is not None
    articles = list(ix.articles.values())
    items = [(a,) for a in articles[:7]] + [(object(),)] + [(a,) for a in articles[7:12]]
    calls: list[Any] = []

    def entry(item: Any) -> str:
        calls.append(item)
        return item.id if isinstance(item, type(articles[0])) else "?"

    first = deps.Fragments(deps.Recorder(ix))
    texts = first.make_each("entry", entry, items, ",")
    assert ",".join(texts) == ",".join([*(a.id for a in articles[:7]), "?",
                                        *(a.id for a in articles[7:12])])
    assert first.recorder is not None
    assert deps.read_id(deps.UNREPLAYABLE) in first.recorder.reads
    assert len(first.now) == 12 + 3  # every noted entry, and the groups of 4 but its own
    calls.clear()
    again = deps.Fragments(deps.Recorder(ix), first.now, set())
    assert again.make_each("entry", entry, items, ",") == texts
    assert calls == [items[7][0]]  # its group's other entries are kept one by one


def test_serve_leaves_a_file_alone_when_its_new_text_equals_the_last_unless_it_was_touched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A page rendered again often comes out as it was: serve's writer compares the new text
    with the one it last wrote (write.WriteMemo) and neither reads the file back nor rewrites
    it, unless the file changed on disk since (its signature), when it is compared and
    rewritten. A new text for an untouched file is known to differ: it is written unread."""
    docs = tmp_path / "docs"
    memo: write.WriteMemo = {}

    def text(tail: str) -> str:
        return "".join(["# A page\n", tail])  # a new object each time, equal for equal tails

    write.write_pages(docs, [("briefing/articles/a.md", text("one\n"))], memo)
    compared: list[Path] = []
    real_same = write._same

    def same(path: Path, data: bytes) -> bool:
        compared.append(path)
        return real_same(path, data)

    monkeypatch.setattr(write, "_same", same)
    report = write.write_pages(docs, [("briefing/articles/a.md", text("one\n"))], memo)
    assert (report.written, compared) == ([], [])
    page = docs / "briefing" / "articles" / "a.md"
    page.write_text("tampered\n", "utf-8")
    report = write.write_pages(docs, [("briefing/articles/a.md", text("one\n"))], memo)
    assert (report.written, compared) == (["articles/a.md"], [page])
    assert page.read_text("utf-8") == "# A page\none\n"
    # A new text for an untouched file is written without reading the file back.
    report = write.write_pages(docs, [("briefing/articles/a.md", text("two\n"))], memo)
    assert (report.written, compared) == (["articles/a.md"], [page])
    assert page.read_text("utf-8") == "# A page\ntwo\n"

"""A briefing large enough that long listings go on dated parts, in Chromium: an actor's full
record is reachable from its page, and a search filter narrows the results.

Built once from a synthetic briefing (benchmarks/synth.py) of `ARTICLES` articles, which gives
states records longer than `parts.INLINE_RECORD` and chronology months split into runs of days.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import playwright.sync_api as playwright_api
import pytest

from benchmarks.synth import synthesize
from tests.support import (
    CHROMIUM_ARGS,
    ROOT,
    chromium_path,
    copy_site_config,
    local_page,
    run_briefing,
    serve_folder,
)

pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.slow]

ARTICLES = 150
ARTIFACTS = ROOT / "test-artifacts" / "browser"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = tmp_path_factory.mktemp("scale") / "project"
    synthesize(project, ARTICLES, seed=3)
    copy_site_config(project)
    result = run_briefing("build", cwd=project)
    assert result.returncode == 0, result.stderr
    with serve_folder(project / "site") as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[object]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_path()), args=CHROMIUM_ARGS)
        with local_page(browser, base_url) as tab:
            yield tab
        browser.close()


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0].split("#")[0]


def test_an_actors_full_record_is_reachable_from_its_page(page, base_url: str):
    page.goto(base_url + "/briefing/actors/state-0/")
    name = page.locator("article h1").inner_text().rstrip("¶")
    assert page.get_by_role("heading", name=re.compile("^Most recent")).is_visible()
    months = page.locator("article h2", has_text="Full record by month")
    assert months.is_visible()
    record = page.locator("article ul").last.locator("a")
    assert record.count() >= 2
    record.first.click()
    page.wait_for_url(re.compile(r"/briefing/actors/state-0/\d{4}-\d\d(-\d\d)?/$"))
    assert page.locator("article h1").inner_text().startswith(f"{name}: ")
    assert page.locator("article li").count() > 0
    assert page.locator(".footnote li").count() > 0  # its own footnotes
    page.screenshot(path=str(ARTIFACTS / "actor-record-part.png"))
    first = path_of(page)
    page.locator("article p", has_text="→").first.locator("a").last.click()  # the next part
    page.wait_for_load_state()
    assert path_of(page) != first
    page.locator("article p a", has_text=re.compile("^(all of|the page of)")).first.click()
    page.wait_for_url(re.compile(r"/briefing/actors/state-0/(#m-.*)?$"))


def test_a_filter_narrows_the_search_results(page, base_url: str):
    page.goto(base_url + "/")
    page.locator("input.briefing-search__input").click()
    page.keyboard.type("border")
    message = page.locator(".pagefind-ui__message")
    page.wait_for_function(
        "() => /^\\d+ results? for border/.test("
        "(document.querySelector('.pagefind-ui__message') || {}).textContent || '')")
    everything = int(message.inner_text().split()[0])
    page.locator(".pagefind-ui__filter-name", has_text="Kind").click()
    page.locator(".pagefind-ui__filter-checkbox[id*='Event']").check()
    page.wait_for_function(
        "before => { const m = (document.querySelector('.pagefind-ui__message') || {})"
        ".textContent || ''; const n = parseInt(m); return n > 0 && n < before; }",
        arg=everything)
    page.screenshot(path=str(ARTIFACTS / "search-filter.png"))
    links = page.locator(".pagefind-ui__result-link").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)")
    assert links
    assert all(link.startswith("/briefing/events/") for link in links), links

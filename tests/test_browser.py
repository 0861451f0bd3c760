"""The built site in a real browser (Debian's Chromium driven by Playwright), as a reader uses it.

One module-scoped fixture builds the site once (the real content/ when it passes `briefing
check`, else the minimal fixture) and serves site/ on a free localhost port. Screenshots of key
pages go to test-artifacts/browser/ for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import playwright.sync_api as playwright_api
import pytest

from tests.site_support import BuiltSite, build_site
from tests.support import CHROMIUM_ARGS, ROOT, chromium_path, serve_folder

pytestmark = [pytest.mark.browser, pytest.mark.engine, pytest.mark.slow]

ARTIFACTS = ROOT / "test-artifacts" / "browser"

ALIASES = {
    True: [("Nakhichevan", "/briefing/places/nakhchivan/"),
           ("Turkey", "/briefing/(places|actors)/turkiye/")],
    False: [("Land A", "/briefing/actors/state-a/"), ("Town Aa", "/briefing/places/town-a/")],
}
"""Content is real -> (a spelling the sources use, the page search must land on)."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_site(tmp_path_factory.mktemp("browser") / "project")


@pytest.fixture(scope="module")
def base_url(built: BuiltSite) -> Iterator[str]:
    with serve_folder(built.site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = chromium_path()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, base_url: str) -> Iterator[object]:
    """A desktop-sized page that refuses every request leaving localhost."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^(?!" + re.escape(base_url) + ").*"),
                  lambda route: route.abort())
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def path_of(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("?")[0].split("#")[0]


def test_home_page_opens_with_summary_takeaways_and_date(page, base_url: str):
    page.goto(base_url + "/")
    assert page.locator("h2#situation").is_visible()
    assert page.get_by_text("Information as of").is_visible()
    assert page.locator("h2#latest-developments").is_visible()
    assert page.locator("a.footnote-ref").count() > 0
    shot(page, "home")


def test_links_lead_from_home_to_an_actor_an_event_and_its_source(page, base_url: str):
    page.goto(base_url + "/")
    page.locator("article a", has_text="Actors").first.click()
    page.wait_for_url(re.compile(r"/briefing/actors/$"))
    shot(page, "actors-index")
    page.locator("article table a").first.click()
    page.wait_for_url(re.compile(r"/briefing/actors/[a-z0-9-]+/$"))
    assert page.locator("h1").is_visible()
    shot(page, "actor")

    page.goto(base_url + "/")
    latest = page.locator("h2#latest-developments + ul a[href*='events/']").first
    title = latest.inner_text()
    latest.click()
    page.wait_for_url(re.compile(r"/briefing/events/[a-z0-9-]+/$"))
    assert page.locator("h1").inner_text().rstrip("¶") == title
    shot(page, "event")

    page.locator("h2#accounts + ul a[href*='articles/']").first.click()
    page.wait_for_url(re.compile(r"/briefing/articles/[a-z0-9-]+/$"))
    assert page.locator("table", has_text="Outlet").first.is_visible()
    shot(page, "article")


def test_chronology_shows_status_sources_and_background_apart(page, base_url: str):
    page.goto(base_url + "/briefing/chronology/")
    assert page.get_by_text("Status:").first.is_visible()
    assert page.get_by_text("independent outlet").first.is_visible()
    assert page.get_by_text("primary origin").first.is_visible()
    headings = page.locator("article h2").all_inner_texts()
    assert not headings[0].startswith("Background")
    assert any(h.startswith("Background: ") for h in headings[1:])
    shot(page, "chronology")


@pytest.mark.parametrize("which", [0, 1])
def test_search_finds_a_page_by_a_spelling_the_sources_use(page, base_url: str,
                                                           built: BuiltSite, which: int):
    query, expected = ALIASES[built.real][which]
    page.goto(base_url + "/")
    page.locator("input.md-search__input").click()
    page.keyboard.type(query)
    # Results update as each letter arrives; wait for those of the whole query.
    first = page.locator(".md-search-result__item a.md-search-result__link").first
    page.wait_for_function(
        "term => (document.querySelector('a.md-search-result__link') || {}).href"
        "?.includes('h=' + term)", arg=query.split()[0].lower())
    shot(page, f"search-{which}")
    first.click()
    page.wait_for_load_state()
    assert re.fullmatch(expected, path_of(page)), path_of(page)


def test_a_footnote_shows_its_source_on_hover_and_leads_to_the_source_record(
        page, base_url: str):
    page.goto(base_url + "/")
    ref = page.locator("article a.footnote-ref").first
    ref.hover()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(state="visible")
    number = ref.inner_text()
    footnote = page.locator(f"li[id='fn:{number}']")
    assert tooltip.inner_text().strip()[:40] in footnote.inner_text()
    tooltip.get_by_role("link").first.click(trial=True)  # lets the fade-in settle for the shot
    shot(page, "footnote-tooltip")

    ref.click()
    page.wait_for_url(re.compile(f"#fn:{number}$"))
    footnote.get_by_role("link", name="Source record").click()
    page.wait_for_url(re.compile(r"/briefing/articles/[a-z0-9-]+/$"))
    assert page.locator("h2#summary").is_visible()


def test_key_pages_load_without_console_errors(page, base_url: str):
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"{msg.type}: {msg.text}")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    for path, name in [("/", None), ("/briefing/chronology/", None),
                       ("/briefing/demands/", "demands"), ("/briefing/reactions/", "reactions"),
                       ("/briefing/actors/", None), ("/briefing/places/", "places-index"),
                       ("/briefing/sources/", "sources"), ("/briefing/glossary/", None),
                       ("/briefing/methodology/", None)]:
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        if name:
            shot(page, name)
    assert problems == []


def test_a_phone_sized_screen_navigates_through_the_drawer(browser, base_url: str):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True,
                                  has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(base_url + "/")
        shot(page, "mobile-home")
        page.locator("label.md-header__button[for='__drawer']").click()
        drawer = page.locator("nav.md-nav--primary")
        link = drawer.get_by_role("link", name="Chronology", exact=True)
        link.click(trial=True)  # waits until the drawer has slid in and the link is still
        shot(page, "mobile-drawer")
        link.click()
        page.wait_for_url(re.compile(r"/briefing/chronology/$"))
        assert page.locator("h1").inner_text().rstrip("¶") == "Chronology"
        shot(page, "mobile-chronology")
    finally:
        context.close()

"""The built site in a real browser (Debian's Chromium driven by Playwright), as a reader uses it.

One module-scoped fixture builds the site once (the real content/ when it passes `briefing
check`, else the minimal fixture) and serves site/ on a free localhost port. Screenshots of key
pages go to test-artifacts/browser/ for a person to look at. The pictures (map, timeline, who
stands where, network) are checked at a desktop and a phone width, and axe-core (vendored in
tests/vendor/, never part of the site) over every kind of page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import playwright.sync_api as playwright_api
import pytest

from tests.site_support import BuiltSite, build_site
from tests.support import CHROMIUM_ARGS, ROOT, chromium_path, local_page, serve_folder

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
    with local_page(browser, base_url) as tab:
        yield tab


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
    assert page.locator("article li", has_text="Outlet:").first.is_visible()
    shot(page, "article")


def test_chronology_shows_status_sources_and_background_apart(page, base_url: str):
    page.goto(base_url + "/briefing/chronology/")
    headings = page.locator("article h2").all_inner_texts()
    assert not headings[0].startswith("Background")
    assert any(h.startswith("Background: ") for h in headings[1:])
    page.locator("article li > a:first-of-type").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("Status:").first.is_visible()
    assert page.get_by_text("independent outlet").first.is_visible()
    assert page.get_by_text("primary origin").first.is_visible()
    shot(page, "chronology")


def search(page, query: str) -> None:
    """Type `query` into the header search box and wait for Pagefind's results for it."""
    box = page.locator("input.briefing-search__input")
    if not box.is_visible():  # a phone: the box opens from the header's search button
        page.locator("button.briefing-search__open").click()
    box.click()
    box.fill("")
    page.keyboard.type(query)
    page.wait_for_function(
        "term => (document.querySelector('.pagefind-ui__message') || {}).textContent"
        "?.includes(term)", arg=query)
    page.locator(".pagefind-ui__result-link").first.wait_for()


@pytest.mark.parametrize("which", [0, 1])
def test_search_finds_a_page_by_a_spelling_the_sources_use(page, base_url: str,
                                                           built: BuiltSite, which: int):
    query, expected = ALIASES[built.real][which]
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(base_url + "/")
    page.wait_for_load_state("networkidle")
    assert [url for url in fetched if "/pagefind/" in url] == []  # nothing before a search
    search(page, query)
    shot(page, f"search-{which}")
    page.locator(".pagefind-ui__result-link").first.click()
    page.wait_for_load_state()
    assert re.fullmatch(expected, path_of(page)), path_of(page)


def test_search_finds_event_and_article_titles_and_glossary_terms(page, base_url: str,
                                                                 built: BuiltSite):
    if not built.real:
        pytest.skip("the minimal fixture has no glossary page worth a search")
    page.goto(base_url + "/")
    for query, expected in [("Drone strikes on Nakhchivan", "/briefing/events/"),
                            ("Drone Attacks Strain Tensions", "/briefing/articles/"),
                            ("Islamic Revolutionary Guard Corps", "/briefing/glossary/")]:
        search(page, query)
        # Results load one by one; the page sought must be among the first three pages.
        page.wait_for_function(
            "expected => [...new Set([...document.querySelectorAll('.pagefind-ui__result-link')]"
            ".map(a => new URL(a.href).pathname))].slice(0, 3)"
            ".some(path => path.startsWith(expected))", arg=expected)


def test_chronology_months_lead_to_each_other_and_back(page, base_url: str):
    page.goto(base_url + "/briefing/chronology/")
    months = page.locator("article li > a:first-of-type")
    assert months.count() >= 2
    months.last.click()
    page.wait_for_url(re.compile(r"/briefing/chronology/\d{4}-\d\d(-\d\d)?/$"))
    first = path_of(page)
    assert page.locator("article h4[id^='e-']").count() > 0
    here = page.locator("article h1").inner_text()
    nav = page.locator("article p", has_text="all ").first
    later = nav.locator("a", has_text=re.compile(r"\d{4}$")).last
    later.click()
    page.wait_for_load_state()
    assert path_of(page) != first
    assert page.locator("article h1").inner_text() != here
    page.locator("article p a", has_text=re.compile("^all ")).first.click()
    page.wait_for_url(re.compile(r"/briefing/chronology/(#m-.*)?$"))
    shot(page, "chronology-overview")


def test_a_footnote_shows_its_source_on_hover_and_leads_to_the_source_record(
        page, base_url: str):
    page.goto(base_url + "/")
    ref = page.locator("article a.footnote-ref").first
    # Mid-screen, so the tooltip opens in view (the theme closes it when the page scrolls,
    # which reaching a tooltip below the fold would do).
    ref.evaluate("el => el.scrollIntoView({block: 'center'})")
    ref.hover()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(state="visible")
    number = ref.inner_text()
    footnote = page.locator(f"li[id='fn:{number}']")
    assert tooltip.inner_text().strip()[:40] in footnote.inner_text()
    # Let the fade-in finish for the screenshot (a trial click waits for the tooltip to stand
    # still, which a loaded machine can delay past any timeout while the page lays out).
    page.wait_for_timeout(400)
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


def test_a_phone_sized_screen_navigates_through_the_drawer(browser, base_url: str,
                                                           built: BuiltSite):
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
        query, expected = ALIASES[built.real][0]
        search(page, query)
        shot(page, "mobile-search")
        page.locator(".pagefind-ui__result-link").first.click()
        page.wait_for_load_state()
        assert re.fullmatch(expected, path_of(page)), path_of(page)
    finally:
        context.close()


# -- the pictures: map, timeline, who stands where, network; axe-core over every page kind --
# At a desktop width and a phone width; screenshots as `visual-<page>-<width>.png`. Every
# request is recorded: none may leave the local server.

AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 375)

SERIOUS = ("serious", "critical")
THEME: dict[tuple[str, str], str] = {}
"""(axe rule, element) pairs whose violations come from the theme's own markup rather than
from our templates or CSS, with why. Any other element failing the same rule still fails. (None
at present: Material's search overlay, which had role=dialog and no name, gave way to Pagefind's
box, and the header override leaves out the palette's lone hidden radio button.)"""


class Tab:
    """A page at one width that notes every request and refuses those leaving the server."""

    def __init__(self, browser: Any, base_url: str, width: int) -> None:
        self.base_url = base_url
        self.width = width
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.foreign: list[str] = []
        self.context.route(re.compile(r"^(?!" + re.escape(base_url) + ").*"), self._refuse)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)

    def _refuse(self, route: Any) -> None:
        self.foreign.append(route.request.url)
        route.abort()

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base_url + path)
        assert response is not None, path
        assert response.ok, path
        return self.page

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / f"visual-{name}-{self.width}.png"),
                             full_page=True)


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def tab(request: pytest.FixtureRequest, browser: Any, base_url: str) -> Iterator[Tab]:
    t = Tab(browser, base_url, request.param)
    yield t
    t.context.close()


def _resolves(tab: Tab, hrefs: list[str]) -> None:
    """Every link (relative to the current page) opens a page of the site."""
    for href in sorted(set(hrefs)):
        url = tab.page.evaluate("h => new URL(h, location.href).href", href)
        assert url.startswith(tab.base_url), href
        response = tab.context.request.get(url.split("#")[0])
        assert response.ok, (href, response.status)


def test_the_map_draws_every_located_place_as_a_link_and_asks_no_one_else(tab: Tab,
                                                                         built: BuiltSite):
    page = tab.open("/briefing/map/")
    marks = page.locator("figure.map-figure:not(.close-up) svg.briefing-map a.map-mark")
    listed = page.locator("ul.map-places > li")
    assert marks.count() > 0
    assert listed.count() >= marks.count()
    hrefs = [marks.nth(i).get_attribute("href") for i in range(marks.count())]
    assert all(h and h.endswith("/") and "/places/" in h for h in hrefs)
    _resolves(tab, hrefs)
    box = page.locator("svg.briefing-map").last.bounding_box()
    assert box is not None
    assert box["width"] <= tab.width
    assert page.locator("svg.briefing-map image").count() == 2  # the close-up and the region
    if built.real:
        names = page.locator("ul.map-places").inner_text()
        for place in ("Nakhchivan International Airport", "Tehran", "Baku", "Yerevan"):
            assert place in names
    # The period filter narrows the list (a script the theme does not provide).
    select = page.locator("[data-map-filter] select")
    assert select.is_visible()
    values = [o.get_attribute("value") for o in select.locator("option").all()]
    select.select_option(values[1])
    assert page.locator("ul.map-places li.filtered-out").count() > 0
    select.select_option("")
    assert page.locator("ul.map-places li.filtered-out").count() == 0
    tab.shot("map")
    assert tab.foreign == []


def test_without_script_the_map_page_still_lists_every_place(browser: Any, base_url: str):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/briefing/map/")
    assert page.locator("ul.map-places > li").count() > 0
    assert not page.locator("[data-map-filter]").is_visible()
    context.close()


def test_place_and_event_pages_carry_a_small_map(tab: Tab, built: BuiltSite):
    place = "nakhchivan-international-airport" if built.real else "town-a"
    page = tab.open(f"/briefing/places/{place}/")
    assert page.locator("figure.small-map a.map-mark.current").count() == 1
    tab.shot("place-map")
    page.locator("h2#what-happened-here + ul a").first.click()
    page.wait_for_url(re.compile(r"/briefing/events/[a-z0-9-]+/$"))
    assert page.locator("figure.small-map a.map-mark").count() >= 1
    assert tab.foreign == []


@pytest.mark.parametrize("path", ["/", "/briefing/chronology/"])
def test_the_timeline_marks_link_to_events_and_say_it_in_words(tab: Tab, path: str):
    page = tab.open(path)
    svg = page.locator("svg.briefing-timeline")
    assert svg.count() == 1
    assert "Timeline of" in (svg.get_attribute("aria-label") or "")
    marks = svg.locator("a")
    assert marks.count() > 0
    hrefs = [marks.nth(i).get_attribute("href") for i in range(marks.count())]
    assert all(h and "/events/" in h for h in hrefs)
    _resolves(tab, hrefs)
    labels = [marks.nth(i).get_attribute("aria-label") or "" for i in range(marks.count())]
    assert all(re.search(r"\d{4}( \(inferred\))?: .+\((reported|claimed|confirmed|denied|disputed|"
                         r"unverified)\)$", label) for label in labels)
    summary = page.locator(".timeline-summary").inner_text()
    assert re.match(r"\d+ events? from ", summary)
    legend = page.locator(".timeline-legend").inner_text()
    assert "disputed" in legend
    assert "reported" in legend
    # Readable on a phone: the drawing keeps its size and scrolls instead of shrinking.
    box = svg.bounding_box()
    assert box is not None
    assert box["width"] >= min(560, tab.width - 40)
    tab.shot("home" if path == "/" else "chronology")
    assert tab.foreign == []


def test_who_stands_where_groups_actors_by_side_with_a_line_and_a_source(tab: Tab,
                                                                         built: BuiltSite):
    page = tab.open("/briefing/reactions/")
    headings = page.locator("article h2").all_inner_texts()
    assert any(h.rstrip("¶").endswith("and those backing it") for h in headings) or not built.real
    first = page.locator("article h2").first
    items = first.locator("xpath=following-sibling::ul[1]/li")
    assert items.count() > 0
    for i in range(items.count()):
        item = items.nth(i)
        assert item.locator("strong a").count() == 1  # the actor
        assert item.locator("a.footnote-ref").count() >= 1  # the source
    assert page.locator("table").count() == 0  # no grid of dots any more
    tab.shot("sides")
    assert tab.foreign == []


def test_the_network_draws_who_said_what_to_whom_and_lists_it(tab: Tab):
    page = tab.open("/briefing/reactions/")
    svg = page.locator("svg.briefing-network")
    assert svg.count() == 1
    nodes = svg.locator("a.node")
    assert nodes.count() >= 2
    _resolves(tab, [nodes.nth(i).get_attribute("href") for i in range(nodes.count())])
    assert svg.locator("path.edge").count() >= 1
    listed = page.locator("h2#who-said-what-to-whom ~ ul li")
    assert listed.count() >= svg.locator("path.edge").count()
    assert re.search(r"(condemned|supported|made demands of|accused|denied responsibility to)",
                     listed.first.inner_text())
    svg.scroll_into_view_if_needed()
    tab.shot("network")
    assert tab.foreign == []


def _page_kinds(built: BuiltSite) -> list[str]:
    site = built.site / "briefing"
    pages = ["/", "/briefing/chronology/", "/briefing/map/", "/briefing/reactions/",
             "/briefing/demands/", "/briefing/sources/", "/briefing/glossary/",
             "/briefing/methodology/", "/briefing/data/"]
    for section in ("actors", "places", "events", "articles"):
        pages.append(f"/briefing/{section}/")
        first = sorted(p for p in (site / section).iterdir() if p.is_dir())[0]
        pages.append(f"/briefing/{section}/{first.name}/")
    return pages


def test_no_page_kind_has_a_serious_accessibility_violation(browser: Any, base_url: str,
                                                             built: BuiltSite):
    tab = Tab(browser, base_url, 1280)
    found = []
    for path in _page_kinds(built):
        page = tab.open(path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(" "))}));
        }""")
        for v in result:
            ours = [n for n in v["nodes"] if (v["id"], n) not in THEME]
            if v["impact"] in SERIOUS and ours:
                found.append((path, v["id"], v["impact"], ours[:3]))
    tab.context.close()
    assert found == [], found

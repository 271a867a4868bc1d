"""`kgraph serve`'s explorer in a real headless Chromium: every page, what a person does on it,
no console error and no request leaving the machine. Screenshots go to ``tests/artifacts/``."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from browser import ARTIFACTS, Browser

from kgraph.server import ServerConfig, SparqlServer

pytestmark = pytest.mark.slow

JEON = "https://kgraph.dev/id/person/jeon-jong-seo"
BALLERINA = "https://kgraph.dev/id/work/ballerina"


@pytest.fixture(scope="module")
def site(kg):
    _ = kg.store  # the default store is built before the workers open it
    with SparqlServer(ServerConfig(port=0, workers=2, timeout=20), store=None) as srv:
        yield srv.base


@pytest.fixture()
def browser(tmp_path):
    b = Browser(tmp_path / "profile", width=1440, height=1000)
    yield b
    b.close()


def _local_only(browser: Browser, base: str) -> None:
    """Nothing but this server (and inline data) was requested; nothing went wrong in the console."""
    assert browser.console_errors() == []
    foreign = [u for u in browser.requests() if not u.startswith((base + "/", "data:", "about:"))]
    assert foreign == []


def _ready(browser: Browser) -> None:
    browser.wait_for("document.body && document.body.getAttribute('data-ready') === '1'", 60)
    browser.pump(0.8)


def _node_point(browser: Browser, iri: str) -> tuple[float, float]:
    x, y = browser.js(
        f"""(() => {{ const n = kgraph.network, id = {json.dumps(iri)};
          const d = n.canvasToDOM(n.getPositions([id])[id]);
          const r = document.querySelector('#graph canvas').getBoundingClientRect();
          return [d.x + r.left, d.y + r.top]; }})()"""
    )
    return x, y


def test_home_search_completes_and_ask_cites(site, browser, kg):
    browser.goto(site + "/")
    assert browser.js("document.querySelector('h1').textContent") == "Explore the graph"
    # statistics and the sources with their outlets and dates
    st = kg.stats()
    totals = browser.js("document.querySelector('.totals').textContent")
    assert f"{sum(st.stated.values())} facts stated by {len(st.sources)} sources" in totals
    rows = browser.js(
        "[...document.querySelectorAll('table.sources tbody tr')].map(r => r.textContent)"
    )
    assert len(rows) == 5
    assert any("s002" in r and "2023-10-05" in r for r in rows)
    assert any("s004" in r and "Lily Alice" in r and "2023-09-07" in r for r in rows)
    # completion as you type: "jeon" offers Jeon Jong-seo
    browser.js("document.getElementById('home-search').focus()")
    browser.type_text("jeon")
    browser.wait_for("document.querySelector('.complete[data-for=\"jeon\"] li') !== null", 10)
    options = browser.js(
        "[...document.querySelectorAll('.complete[data-for=jeon] li')].map(li => li.firstChild.textContent)"
    )
    assert options[0] == "Jeon Jong-seo"
    browser.screenshot(ARTIFACTS / "web-home-completion.png")
    _local_only(browser, site)
    # choosing it opens her page
    browser.events.clear()
    browser.js(
        "document.getElementById('home-search').dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowDown'}))"
    )
    browser.call(
        "Input.dispatchKeyEvent",
        {"type": "keyDown", "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13},
        session=True,
    )
    browser.wait_for("location.pathname === '/entity/person:jeon-jong-seo'", 10)

    # the ask box: answers with their sources and a legend of the sources cited
    browser.goto(site + "/?" + urllib.parse.urlencode({"ask": "who directed Ballerina"}))
    browser.wait_for("document.querySelector('#answer') !== null", 20)
    answers = browser.js(
        "[...document.querySelectorAll('ol.answers > li')].map(li => li.textContent)"
    )
    assert answers and answers[0].startswith("Lee Chung-hyun")
    assert browser.js("document.querySelectorAll('ol.answers > li:first-child a.src').length") >= 1
    legend = browser.js(
        "[...document.querySelectorAll('.answer .srclegend li')].map(li => li.textContent)"
    )
    assert any("s000" in x for x in legend)
    browser.screenshot(ARTIFACTS / "web-home-ask.png")
    _local_only(browser, site)


def test_entity_page_lists_facts_with_sources_and_expands(site, browser):
    browser.goto(site + "/entity/person:jeon-jong-seo")
    assert browser.js("document.querySelector('h1').textContent") == "Jeon Jong-seo"
    facts = browser.js(
        "[...document.querySelectorAll('.card table.facts tr')].map(tr => [tr.cells[0].textContent, tr.cells[1].textContent])"
    )
    by_text = dict(facts)
    assert by_text["played Ok-ju in Ballerina"] == "s000s001s002s003s004"
    assert by_text["acted in The Call"] == "s003s004"
    assert "won Best Actress, 2021 Baeksang Arts Awards, for The Call" in by_text
    # the neighbours are linked, and so are the exports
    links = browser.js(
        "[...document.querySelectorAll('#neighbours a')].map(a => a.getAttribute('href'))"
    )
    assert "/entity/work:ballerina" in links and "/entity/character:ballerina--ok-ju" in links
    exports = browser.js(
        "[...document.querySelectorAll('.actions a')].map(a => a.getAttribute('href'))"
    )
    assert "/entity/person:jeon-jong-seo?format=turtle" in exports
    assert "/entity/person:jeon-jong-seo?format=jsonld" in exports
    _ready(browser)
    browser.screenshot(ARTIFACTS / "web-entity-jeon.png")
    before = browser.js("kgraph.nodes.length")
    assert before == len(links) + 1
    # clicking a neighbour expands it: Ballerina's cast joins the drawing
    browser.js("kgraph.setFrozen(true)")
    browser.js(f"kgraph.network.focus({json.dumps(BALLERINA)}, {{scale: 1.0}})")
    browser.pump(0.5)
    x, y = _node_point(browser, BALLERINA)
    browser.click(x, y)
    try:
        browser.wait_for("document.body.getAttribute('data-expanded') === '1'", 20)
    finally:
        browser.screenshot(ARTIFACTS / "web-entity-expanded.png")
    after = browser.js("kgraph.nodes.length")
    assert after > before
    assert "Park Yu-rim" in browser.js("kgraph.nodes.get().map(n => n.label)")
    assert browser.js("document.querySelector('#details h2').textContent") == "Ballerina"
    browser.pump(1.5)
    browser.js("kgraph.network.fit()")
    browser.pump(0.5)
    browser.screenshot(ARTIFACTS / "web-entity-expanded.png")
    _local_only(browser, site)
    # double-click opens the node's page (the layout frozen, so the node stays where it is)
    browser.js("kgraph.setFrozen(true)")
    browser.pump(0.5)
    x, y = _node_point(browser, BALLERINA)
    browser.double_click(x, y)
    browser.wait_for("location.pathname === '/entity/work:ballerina'", 10)


def test_graph_labels_legible_and_palette_distinct(site, browser):
    browser.goto(site + "/graph")
    _ready(browser)
    browser.screenshot(ARTIFACTS / "web-graph-whole.png")
    sizes = browser.js("kgraph.labelSizes()")
    drawn = [(label, px) for label, px, visible in sizes if visible]
    assert len(sizes) == browser.js("kgraph.data.nodes.length") > 50
    # every label drawn at the default zoom is at least 11 CSS px; the best connected are drawn
    assert all(px >= 11 for _label, px in drawn), [d for d in drawn if d[1] < 11]
    assert {"Jeon Jong-seo", "Ballerina"} <= {label for label, _ in drawn}
    # zoomed in, more labels are drawn, none smaller
    browser.js("kgraph.network.moveTo({scale: 2.5}); kgraph.thin()")
    browser.pump(0.3)
    zoomed = [(label, px) for label, px, visible in browser.js("kgraph.labelSizes()") if visible]
    assert len(zoomed) > len(drawn) and all(px >= 11 for _l, px in zoomed)
    # the legend: each class its own colour and shape, and clicking it filters
    legend = browser.js(
        "[...document.querySelectorAll('#legend-list li')].map(li => [li.dataset.class, li.dataset.colour, li.dataset.shape])"
    )
    assert len(legend) >= 15
    assert len({(c, s) for _id, c, s in legend}) == len(legend)
    persons = browser.js("kgraph.nodes.get().filter(n => n.group === 'Person' && !n.hidden).length")
    assert persons == 9
    browser.js("document.querySelector('#legend-list li[data-class=Person]').click()")
    assert (
        browser.js("kgraph.nodes.get().filter(n => n.group === 'Person' && !n.hidden).length") == 0
    )
    browser.js("document.querySelector('#legend-list li[data-class=Person]').click()")
    # the source filter: with only s004 ticked, what only other sources state is hidden
    browser.js(
        "document.querySelectorAll('#source-list input').forEach(b => { if (b.dataset.source !== 'source:s004') b.click(); })"
    )
    shown = browser.js("kgraph.nodes.get().filter(n => !n.hidden).length")
    assert 0 < shown < len(sizes)
    _local_only(browser, site)


def test_path_finder_draws_the_path_with_roles(site, browser):
    browser.goto(site + "/graph")
    browser.js("document.getElementById('path-from').value = 'Park Yu-rim'")
    browser.js("document.getElementById('path-to').value = 'Park Shin-hye'")
    browser.js("document.getElementById('pathform').requestSubmit()")
    browser.wait_for("location.search.includes('from=')", 10)
    browser.wait_for("document.readyState === 'complete'", 10)
    _ready(browser)
    hl = browser.js("kgraph.data.nodes.filter(n => n.hl).map(n => n.label)")
    # both shortest paths: through Jeon Jong-seo (Ok-ju) and through Lee Chung-hyun (director)
    assert set(hl) == {
        "Park Yu-rim",
        "Ballerina",
        "Jeon Jong-seo",
        "Lee Chung-hyun",
        "The Call",
        "Park Shin-hye",
    }
    roles = browser.js("kgraph.edges.get().map(e => e.label)")
    assert "as Min-hee" in roles and "as Ok-ju" in roles and "as Young-sook" in roles
    steps = browser.js("[...document.querySelectorAll('ol.steps li')].map(li => li.textContent)")
    assert steps[0].startswith("Park Yu-rim (Min-hee) and Jeon Jong-seo (Ok-ju) in Ballerina")
    browser.screenshot(ARTIFACTS / "web-graph-path.png")
    _local_only(browser, site)


def test_editor_gallery_permalink_and_construct(site, browser):
    browser.goto(site + "/query")
    browser.wait_for("document.querySelector('.cm-editor') !== null", 10)
    assert (
        browser.js("document.querySelectorAll('.cm-editor .cm-line span').length") > 3
    )  # highlighted
    # completion of a prefixed ontology term
    browser.js(
        "kgraph_editor_focus = document.querySelector('.cm-content'); kgraph_editor_focus.focus()"
    )
    browser.call(
        "Input.dispatchKeyEvent",
        {
            "type": "keyDown",
            "key": "End",
            "code": "End",
            "windowsVirtualKeyCode": 35,
            "modifiers": 2,
        },
        session=True,
    )
    browser.type_text("\nkg:acted")
    browser.wait_for("document.querySelector('.cm-tooltip-autocomplete li') !== null", 10)
    options = browser.js(
        "[...document.querySelectorAll('.cm-tooltip-autocomplete li')].map(li => li.textContent)"
    )
    assert any(o.startswith("kg:actedIn") for o in options)
    # completion of an entity's name to its prefixed name
    browser.type_text(" person:jeon")
    browser.wait_for(
        "[...document.querySelectorAll('.cm-tooltip-autocomplete li')].some(li => li.textContent.includes('person:jeon-jong-seo'))",
        10,
    )
    # the gallery runs a saved query
    browser.js("document.querySelector('#gallery a[data-name=\"co-stars\"]').click()")
    browser.wait_for("document.body.getAttribute('data-done') === '1'", 20)
    table = browser.js(
        "[...document.querySelectorAll('#results table tr')].map(r => r.textContent)"
    )
    assert len(table) > 2
    links = browser.js(
        "[...document.querySelectorAll('#results table a')].map(a => a.getAttribute('href'))"
    )
    assert "/entity/person:jeon-jong-seo" in links
    permalink = browser.js("location.href")
    assert "query=" in permalink
    browser.screenshot(ARTIFACTS / "web-query-gallery.png")
    _local_only(browser, site)
    # the permalink reproduces it: the same query, the same table, rendered by the server
    browser.goto(permalink)
    browser.wait_for("document.body.getAttribute('data-done') === '1'", 20)
    assert (
        browser.js("[...document.querySelectorAll('#results table tr')].map(r => r.textContent)")
        == table
    )
    # a CONSTRUCT result is drawn as a graph
    q = "CONSTRUCT { ?p kg:actedIn ?w } WHERE { ?p kg:actedIn ?w . VALUES ?w { work:ballerina work:the-call } }"
    browser.goto(site + "/query?" + urllib.parse.urlencode({"query": q}))
    _ready(browser)
    assert browser.js("document.getElementById('graphview').hidden") is False
    labels = browser.js("kgraph.nodes.get().map(n => n.label)")
    assert {"Ballerina", "The Call", "Jeon Jong-seo", "Park Shin-hye"} <= set(labels)
    triples = browser.js("parseInt(document.querySelector('#results .count').textContent)")
    assert browser.js("kgraph.edges.length") == triples >= 4
    browser.screenshot(ARTIFACTS / "web-query-construct.png")
    _local_only(browser, site)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/search?q=park",
        "/entity/source:s004",
        "/entity/character:ballerina--ok-ju",
        "/entity/work:ballerina",
        "/graph?focus=org:netflix",
        "/query",
        "/sparql",
    ],
)
def test_every_page_loads_cleanly(site, browser, path):
    browser.goto(site + path)
    browser.pump(1.0)
    assert browser.js("document.querySelector('h1') !== null")
    if browser.js("document.getElementById('kg-data') !== null"):
        _ready(browser)
        assert browser.js("kgraph.nodes.length") > 1
    _local_only(browser, site)


def test_pages_render_without_javascript(site):
    """The facts are in the HTML the server sends (no script needed to read them)."""

    def get(path: str) -> str:
        req = urllib.request.Request(site + path, headers={"Accept": "text/html"})
        with urllib.request.urlopen(req) as r:
            assert r.headers["Content-Security-Policy"].startswith("default-src 'none'")
            return r.read().decode()

    page = get("/entity/person:jeon-jong-seo")
    assert 'played Ok-ju in <a href="/entity/work:ballerina">Ballerina</a>' in page
    page = get("/search?q=jeon")
    assert 'href="/entity/person:jeon-jong-seo"' in page
    page = get("/graph?from=Park+Yu-rim&to=Park+Shin-hye")
    assert "Park Yu-rim (Min-hee) and Jeon Jong-seo (Ok-ju) in Ballerina" in page
    page = get("/query?" + urllib.parse.urlencode({"query": "SELECT ?p WHERE { ?p a kg:Person }"}))
    assert 'href="/entity/person:jeon-jong-seo"' in page


def test_pages_over_a_remote_store(site):
    """The explorer over a remote store (here another kgraph endpoint): the same facts."""
    upstream = site + "/sparql"
    with SparqlServer(ServerConfig(port=0, workers=1, timeout=60), store=upstream) as srv:

        def get(path: str) -> str:
            req = urllib.request.Request(srv.base + path, headers={"Accept": "text/html"})
            with urllib.request.urlopen(req, timeout=120) as r:
                return r.read().decode()

        page = get("/entity/person:jeon-jong-seo")
        assert 'played Ok-ju in <a href="/entity/work:ballerina">Ballerina</a>' in page
        assert "Lily Alice" in get("/")
        hits = json.loads(get("/api/search?q=jeon"))
        assert hits[0]["label"] == "Jeon Jong-seo"
        assert "Park Yu-rim (Min-hee) and Jeon Jong-seo (Ok-ju) in Ballerina" in get(
            "/graph?from=Park+Yu-rim&to=Park+Shin-hye"
        )
        assert "@prefix" in get("/entity/person:jeon-jong-seo?format=turtle")

"""The HTML picture in a real headless Chromium, driven over the DevTools protocol (stdlib only:
``--remote-debugging-pipe``). Screenshots go to ``tests/artifacts/``."""

from __future__ import annotations

import json

import pytest
from browser import ARTIFACTS, Browser

from kgraph.entitygraph import entity_graph
from kgraph.viz import visualise

JEON = "https://kgraph.dev/id/person/jeon-jong-seo"
pytestmark = pytest.mark.slow


@pytest.fixture()
def browser(tmp_path):
    b = Browser(tmp_path / "profile")
    yield b
    b.close()


def _node_point(browser: Browser, iri: str) -> tuple[float, float]:
    return tuple(
        browser.js(
            f"""(() => {{ const n = kgraph.network, id = {json.dumps(iri)};
              const p = n.getPositions([id])[id], d = n.canvasToDOM(p);
              const r = document.querySelector('#graph canvas').getBoundingClientRect();
              return [d.x + r.left, d.y + r.top]; }})()"""
        )
    )


def test_whole_graph_page_in_chromium(store, browser, tmp_path):
    page = tmp_path / "graph.html"
    pic = visualise(store, page)
    eg = entity_graph(store)
    assert (pic.nodes, pic.edges) == (len(eg.nodes), len(eg.edges))

    browser.goto(page.as_uri())
    browser.wait_for("document.body && document.body.getAttribute('data-ready') === '1'")
    browser.pump(1.0)
    browser.screenshot(ARTIFACTS / "viz-whole-graph.png")
    # the same label rule as the explorer: every label drawn is at least 11 CSS px, hubs drawn
    drawn = [(label, px) for label, px, shown in browser.js("kgraph.labelSizes()") if shown]
    assert drawn and all(px >= 11 for _label, px in drawn)
    assert {"Jeon Jong-seo", "Ballerina"} <= {label for label, _px in drawn}
    # every node is in the network and has a drawn position on a real canvas
    assert browser.js("kgraph.network.body.nodeIndices.length") == len(eg.nodes)
    assert browser.js("Object.keys(kgraph.network.getPositions()).length") == len(eg.nodes)
    assert browser.js("kgraph.network.body.edgeIndices.length") == len(eg.edges)
    w, h = browser.js(
        "[document.querySelector('#graph canvas').width, document.querySelector('#graph canvas').height]"
    )
    assert w > 600 and h > 400
    # the legend lists every class drawn, with counts
    legend = browser.js(
        "[...document.querySelectorAll('#legend-list li')].map(li => li.textContent)"
    )
    assert "Person (9)" in legend and "Character (20)" in legend and len(legend) == len(eg.classes)

    # freeze the layout (the toggle), then click Jeon Jong-seo: the panel shows her facts and sources
    browser.js("document.getElementById('freeze').click()")
    assert browser.js("document.getElementById('freeze').getAttribute('aria-pressed')") == "true"
    browser.js(f"kgraph.network.focus({json.dumps(JEON)}, {{scale: 1.0}})")
    browser.pump(0.5)
    x, y = _node_point(browser, JEON)
    browser.click(x, y)
    browser.wait_for(
        "document.querySelector('#details h2') && document.querySelector('#details h2').textContent",
        10,
    )
    assert browser.js("document.querySelector('#details h2').textContent") == "Jeon Jong-seo"
    facts = browser.js(
        "[...document.querySelectorAll('#details table.facts tr')].map(tr => tr.textContent)"
    )
    assert any(
        f.startswith("playsOk-ju in Ballerina") and "s000" in f and "s004" in f for f in facts
    )
    assert any(f.startswith("also spelledJeon Jong Seo") for f in facts)
    browser.screenshot(ARTIFACTS / "viz-whole-graph-clicked.png")

    # the search box finds and focuses a node
    browser.js(
        "document.getElementById('search').value = 'money heist: korea';"
        "document.getElementById('find').requestSubmit()"
    )
    browser.pump(0.6)
    assert (
        browser.js("document.querySelector('#details h2').textContent")
        == "Money Heist: Korea – Joint Economic Area"
    )
    assert browser.js("kgraph.network.getSelectedNodes()") == [
        "https://kgraph.dev/id/work/money-heist-korea-joint-economic-area"
    ]

    assert browser.console_errors() == []
    assert browser.requests() == [page.as_uri()]  # nothing but the file itself
    browser.screenshot(ARTIFACTS / "viz-whole-graph-search.png")


def test_neighbourhood_page_in_chromium(store, browser, tmp_path):
    page = tmp_path / "jeon.html"
    pic = visualise(store, page, entity="Jeon Jong-seo", depth=1)
    browser.goto(page.as_uri())
    browser.wait_for("document.body && document.body.getAttribute('data-ready') === '1'")
    browser.pump(1.5)
    assert browser.js("kgraph.network.body.nodeIndices.length") == pic.nodes
    assert browser.js("kgraph.data.nodes.filter(n => n.hl).map(n => n.label)") == ["Jeon Jong-seo"]
    assert browser.console_errors() == []
    assert browser.requests() == [page.as_uri()]
    browser.screenshot(ARTIFACTS / "viz-jeon-depth1.png")


def test_three_thousand_nodes_page(browser, tmp_path):
    """Large-graph check (a generated graph of 3,000 nodes and 6,000 edges): the page becomes
    interactive, every node is placed, search still finds and focuses a node."""
    import random

    from kgraph.entitygraph import Edge, EntityGraph, EntityNode, NodeFact
    from kgraph.viz import to_html

    rnd = random.Random(1)
    classes = ["Person", "Film", "TVSeries", "Character"]
    n = 3000
    nodes = tuple(
        EntityNode(
            f"urn:n{i}",
            f"EntityNode {i}",
            classes[i % 4],
            classes[i % 4],
            (NodeFact("urn:p", "note", f"fact {i}", None, ("source:s000",)),),
        )
        for i in range(n)
    )
    edges = tuple(
        Edge(
            f"urn:n{i}",
            f"urn:n{rnd.randrange(n)}",
            "urn:p",
            "acted in",
            None,
            None,
            ("source:s000",),
        )
        for i in range(n)
        for _ in range(2)
    )
    page = tmp_path / "big.html"
    page.write_text(
        to_html(
            EntityGraph(nodes, edges, {"source:s000": "S"}, {c: c for c in classes}), title="big"
        )
    )
    browser.goto(page.as_uri(), timeout=120)
    browser.wait_for("document.body && document.body.getAttribute('data-ready') === '1'", 180)
    assert browser.js("Object.keys(kgraph.network.getPositions()).length") == n
    browser.js(
        "document.getElementById('search').value = 'EntityNode 2718';"
        "document.getElementById('find').requestSubmit()"
    )
    browser.pump(0.5)
    assert browser.js("document.querySelector('#details h2').textContent") == "EntityNode 2718"
    assert browser.console_errors() == []
    assert browser.requests() == [page.as_uri()]
    browser.screenshot(ARTIFACTS / "viz-3000-nodes.png")

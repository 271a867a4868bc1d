"""Pictures: what is drawn (neighbourhoods, the ontology), the DOT/SVG/PNG drawings, the
self-contained HTML page, and the command's errors."""

from __future__ import annotations

import html
import json
import re

import pytest

from kgraph.entitygraph import entity_graph
from kgraph.viz import ASSETS, VIS_NETWORK_VERSION, select, to_dot, to_html, visualise

ID = "https://kgraph.dev/id/"
KG = "https://kgraph.dev/ontology#"


def _labels(eg):
    return {n.label for n in eg.nodes}


def test_neighbourhood_depth_one(store):
    eg, highlight, title = select(store, entity="Jeon Jong-seo", depth=1)
    assert highlight == {ID + "person/jeon-jong-seo"} and title == "Jeon Jong-seo (depth 1)"
    assert _labels(eg) == {
        "Jeon Jong-seo",
        "Ballerina",
        "The Call",
        "Burning",
        "Mona Lisa and the Blood Moon",
        "Money Heist: Korea – Joint Economic Area",
        "Ok-ju",
        "Young-sook",
        "Shin Hae-mi",
        "Tokyo",
        'Mona "Lisa" Lee',
        "Lee Chung-hyun",
        "Best Actress, 2021 Asian Film Awards – Jeon Jong-seo",
        "Best Actress, 2021 Baeksang Arts Awards – Jeon Jong-seo",
        "Best Actress, 2022 Director's Cut Awards – Jeon Jong-seo",
    }
    assert all(
        e.source in {n.iri for n in eg.nodes} and e.target in {n.iri for n in eg.nodes}
        for e in eg.edges
    )


def test_depth_zero_and_two(store):
    eg0, _, _ = select(store, entity="Jeon Jong-seo", depth=0)
    assert _labels(eg0) == {"Jeon Jong-seo"}
    eg2, _, _ = select(store, entity="Jeon Jong-seo", depth=2)
    assert {"Kim Ji-hoon", "Park Yu-rim", "Yoo Ji-tae", "Park Shin-hye", "Netflix"} <= _labels(eg2)
    assert len(eg2.nodes) > len(select(store, entity="Jeon Jong-seo", depth=1)[0].nodes)


def test_huge_depth_stops_when_a_round_adds_nothing(store):
    """A depth past the graph's edge draws the whole connected component, and costs the same
    whatever the number: the expansion ends at the first round that finds no new node (a depth
    of 10**14 ran for minutes, one empty round after another)."""
    eg = entity_graph(store)
    iri = ID + "work/ballerina"
    rings = list(eg.rings(iri))
    assert rings[0] == {iri} and all(rings)  # every round found something new …
    assert len(rings) <= len(eg.nodes)  # … so there are at most as many rounds as nodes
    everything = set().union(*rings)
    assert sum(map(len, rings)) == len(everything)  # each node in exactly one ring
    reach = len(rings) - 1  # the farthest node is this many edges away
    whole = select(store, entity="Ballerina", depth=reach)[0]
    assert {n.iri for n in whole.nodes} == everything
    assert len(select(store, entity="Ballerina", depth=reach - 1)[0].nodes) < len(everything)
    for depth in (reach + 1, 99999999999999, 10**30):
        assert select(store, entity="Ballerina", depth=depth)[0] == whole


def test_cli_viz_huge_depth(cli, store, tmp_path):
    out = tmp_path / "deep.dot"
    r = cli("viz", "Ballerina", "--depth", "99999999999999", "-o", str(out))
    assert r.code == 0, r.stderr
    full = entity_graph(store)
    eg = full.subgraph(set().union(*full.rings(ID + "work/ballerina")))
    assert r.stderr.strip() == f"wrote {out} ({len(eg.nodes)} nodes, {len(eg.edges)} edges)"


def test_ontology_picture(store):
    eg, _, title = select(store, ontology=True)
    assert title == "kgraph ontology: classes and properties"
    assert {
        "Person",
        "Film",
        "TV series",
        "Character",
        "Performance",
        "Credit",
        "Source",
    } <= _labels(eg)
    assert {n.cls for n in eg.nodes} == {"Class"}
    rels = {(e.source.split("#")[1], e.relation, e.target.split("#")[1]) for e in eg.edges}
    assert ("Film", "subclass of", "Work") in rels
    assert ("Performance", "performer", "Person") in rels
    person = next(n for n in eg.nodes if n.iri == KG + "Person")
    assert ("same as", "schema:Person") in {(f.predicate_label, f.value) for f in person.facts}


@pytest.mark.parametrize(
    "options",
    [
        {"entity": "x", "ontology": True},
        {"entity": "Jeon Jong-seo", "depth": -1},
    ],
)
def test_bad_selections(store, options):
    from kgraph.errors import UsageError

    with pytest.raises(UsageError):
        select(store, **options)


def test_unknown_entity_exits_1(cli, tmp_path):
    r = cli("viz", "Nobody At All", "-o", str(tmp_path / "x.html"))
    assert r.code == 1 and "Nobody At All" in r.stderr
    assert not (tmp_path / "x.html").exists()


def test_dot_source(store):
    eg = entity_graph(store)
    dot = to_dot(eg, title="t")
    assert dot.startswith("digraph kgraph {")
    assert dot.count(" -> ") == len(eg.edges)
    assert re.search(
        r'"https://kgraph.dev/id/person/jeon-jong-seo" \[label="Jeon Jong-seo", shape=ellipse', dot
    )
    assert '[label="plays"]' in dot
    assert ">Person</TD>" in dot and ">TV series</TD>" in dot  # the legend


def test_svg_and_png_with_graphviz(store, tmp_path):
    svg = visualise(store, tmp_path / "g.svg", entity="Ballerina", depth=1)
    text = (tmp_path / "g.svg").read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert svg.nodes == len(re.findall(r'<g id="node\d+" class="node">', text))
    for label in (
        "Ballerina",
        "Jeon Jong-seo",
        "Kim Ji-hoon",
        "Park Yu-rim",
        "Lee Chung-hyun",
        "Netflix",
    ):
        assert f">{html.escape(label).replace('-', '&#45;')}</text>" in text
    png = visualise(store, tmp_path / "g.png")
    data = (tmp_path / "g.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and png.nodes == len(entity_graph(store).nodes)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert 1000 < width < 6000 and 1000 < height < 6000  # neither a strip nor a postage stamp


def test_missing_graphviz_is_a_clear_error(cli, tmp_path, monkeypatch):
    from kgraph import viz

    monkeypatch.setattr(viz.shutil, "which", lambda name: None)
    r = cli("viz", "-o", str(tmp_path / "g.png"))
    assert r.code == 2
    assert "needs Graphviz" in r.stderr and "apt-get install graphviz" in r.stderr
    assert not (tmp_path / "g.png").exists()


def test_unknown_extension_exits_2(cli, tmp_path):
    r = cli("viz", "-o", str(tmp_path / "g.jpeg"))
    assert r.code == 2 and ".html, .svg, .png, .dot" in r.stderr


def test_html_is_self_contained(store, tmp_path):
    pic = visualise(store, tmp_path / "g.html")
    page = (tmp_path / "g.html").read_text(encoding="utf-8")
    eg = entity_graph(store)
    assert (pic.format, pic.nodes, pic.edges) == ("html", len(eg.nodes), len(eg.edges))
    # no external resource of any kind; a CSP forbids fetching anything
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    assert "default-src 'none'" in page
    assert (ASSETS / "vis-network.min.js").read_text(encoding="utf-8")[:200] in page
    assert f"vis-network {VIS_NETWORK_VERSION}" in page
    data = json.loads(
        re.search(
            r'<script id="kg-data" type="application/json">(.*?)</script>', page, re.DOTALL
        ).group(1)
    )
    assert len(data["nodes"]) == len(eg.nodes) and len(data["edges"]) == len(eg.edges)
    jeon = next(n for n in data["nodes"] if n["label"] == "Jeon Jong-seo")
    assert [
        "plays",
        "Ok-ju in Ballerina",
        ID + "character/ballerina--ok-ju",
        ["source:s000", "source:s001", "source:s002", "source:s003", "source:s004"],
    ] in jeon["facts"]


def test_html_escapes_data_that_looks_like_markup():
    from kgraph.entitygraph import EntityGraph, EntityNode

    eg = EntityGraph(
        (EntityNode("urn:x", "</script><script>alert(1)</script>", "Person", "Person"),), ()
    )
    page = to_html(eg, title="<b>t</b>")
    assert "<script>alert(1)" not in page and "<title>&lt;b&gt;t&lt;/b&gt;</title>" in page


def test_vendored_library_is_recorded():
    readme = (ASSETS.parent / "README.md").read_text()
    assert f"vis-network {VIS_NETWORK_VERSION}" in readme
    assert (ASSETS / "LICENSE-MIT").exists() and (ASSETS / "LICENSE-APACHE-2.0").exists()
    assert (
        "sourceMappingURL" not in (ASSETS / "vis-network.min.js").read_text(encoding="utf-8")[-300:]
    )


def test_cli_viz_writes_dot(cli, tmp_path):
    out = tmp_path / "jeon.dot"
    r = cli("viz", "Jeon Jong-seo", "--depth", "1", "-o", str(out))
    assert r.code == 0, r.stderr
    assert r.stderr.strip() == f"wrote {out} (15 nodes, 28 edges)"
    assert out.read_text().count(" -> ") == 28


def test_cli_viz_ontology_svg(cli, tmp_path):
    out = tmp_path / "onto.svg"
    r = cli("viz", "--ontology", "-o", str(out))
    assert r.code == 0, r.stderr
    assert ">Performance</text>" in out.read_text()


def test_saved_query_picture(store):
    eg, highlight, title = select(store, query="co-stars", params={"person": "Jeon Jong-seo"})
    assert title == "query co-stars (person=Jeon Jong-seo)" and highlight == set()
    # the co-stars, the person, and the works that link them
    assert _labels(eg) == {
        "Jeon Jong-seo",
        "Kim Ji-hoon",
        "Park Yu-rim",
        "Park Shin-hye",
        "Yoo Ji-tae",
        "Ballerina",
        "The Call",
        "Money Heist: Korea – Joint Economic Area",
    }
    # the performances, and which of those works the sources say came before another
    assert {e.relation for e in eg.edges} == {"acted in", "came before"}


def test_path_picture_highlights_every_shortest_path(store):
    eg, highlight, title = select(store, path=("Park Shin-hye", "Ryusuke Hamaguchi"))
    assert title == "Park Shin-hye → Ryusuke Hamaguchi (3 works, 2 shortest paths)"
    assert _labels(eg) == {
        "Park Shin-hye",
        "The Call",
        "Jeon Jong-seo",
        "Lee Chung-hyun",
        "Ballerina",
        "Park Yu-rim",
        "Drive My Car",
        "Ryusuke Hamaguchi",
    }
    assert highlight == {n.iri for n in eg.nodes}
    dot = to_dot(eg, title=title, highlight=highlight)
    assert dot.count('color="#C00000", penwidth=2.5') == len(eg.edges)


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--path", "Park Shin-hye", "Nobody Anywhere"], 1, "Nobody Anywhere"),
        (["--query", "no-such-query"], 2, "no saved query named 'no-such-query'"),
        (["--query", "co-stars", "--param", "person"], 2, "NAME=VALUE"),
        (["Jeon Jong-seo", "--ontology"], 2, "one thing at a time"),
        # B forgotten: click takes "-o" for B, and the file name for ENTITY ("one thing at a
        # time" was the misleading message)
        (["--path", "Park Yu-rim"], 2, "--path takes two names, A and B: after 'Park Yu-rim'"),
    ],
)
def test_cli_viz_errors(cli, tmp_path, args, code, message):
    r = cli("viz", *args, "-o", str(tmp_path / "x.svg"))
    assert r.code == code, r.stderr
    assert message in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.svg").exists()


def test_every_class_has_its_own_colour_and_shape(store):
    """No two classes of the ontology look alike in a picture: (colour, shape) pairs are distinct,
    and so are the colours of the classes the bundled graph draws (Film and TV series were two
    near-identical oranges, the five organisation classes one blue)."""
    from kgraph.viz import _STYLE, palette, style

    pairs = [(c, s) for c, s, _g in _STYLE.values()]
    assert len(set(pairs)) == len(pairs)
    eg = entity_graph(store)
    drawn = palette(eg.classes)
    assert len({(c["colour"], c["shape"]) for c in drawn}) == len(drawn) == len(eg.classes)
    assert len({c["colour"] for c in drawn}) == len(drawn)
    assert style("Film")[0] != style("TVSeries")[0]
    orgs = [
        "StreamingService",
        "Broadcaster",
        "NewsOutlet",
        "Organization",
        "Festival",
        "AwardsBody",
    ]
    assert len({style(o)[0] for o in orgs}) == len(orgs)

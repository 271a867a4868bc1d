"""The HTML picture in a real headless Chromium, driven over the DevTools protocol (stdlib only:
``--remote-debugging-pipe``). Screenshots go to ``tests/artifacts/``."""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from kgraph.export import entity_graph
from kgraph.viz import visualise

pytestmark = pytest.mark.slow  # a real headless Chromium

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
JEON = "https://kgraph.dev/id/person/jeon-jong-seo"


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    pytest.fail("Chromium is not installed (apt-get install chromium); .ci/run installs it")


class Browser:
    """A headless Chromium and one page, spoken to over the DevTools pipe (fds 3 and 4)."""

    def __init__(self, profile: Path, width: int = 1400, height: int = 900) -> None:
        import fcntl

        def high(fd: int) -> int:  # a copy numbered 10 or more, clear of the 3 and 4 Chromium wants
            new = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
            os.close(fd)
            return new

        a, self._w = os.pipe()
        self._r, b = os.pipe()
        to_chrome_r, from_chrome_w = high(a), high(b)
        # Chromium reads commands on fd 3 and writes on fd 4: the shell moves our pipe ends there.
        move = f'exec "$0" "$@" 3<&{to_chrome_r} 4>&{from_chrome_w} {to_chrome_r}<&- {from_chrome_w}>&-'
        self.proc = subprocess.Popen(
            [
                shutil.which("bash") or "/bin/bash",
                "-c",
                move,
                _chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-default-apps",
                "--mute-audio",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buf = b""
        self._id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=True,
        )

    def _read(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._r], [], [], left)[0]:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._r, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        session: bool = False,
        timeout: float = 60,
    ) -> dict[str, Any]:
        self._id += 1
        msg: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def pump(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                self.events.append(self._read(max(end - time.monotonic(), 0.01)))
            except TimeoutError:
                return

    def js(self, expression: str) -> Any:
        r = self.call(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=True,
        )
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 90) -> Any:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            v = self.js(expression)
            if v:
                return v
            self.pump(0.2)
        raise TimeoutError(f"waited {timeout} s for {expression}")

    def goto(self, url: str, timeout: float = 60) -> None:
        """Open ``url`` and wait for its load event."""
        self.events = [e for e in self.events if e.get("method") != "Page.loadEventFired"]
        self.call("Page.navigate", {"url": url}, session=True)
        end = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > end:
                raise TimeoutError(f"{url} did not load")
            self.pump(0.1)

    def click(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call(
                "Input.dispatchMouseEvent",
                {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1},
                session=True,
            )
            self.pump(0.05)

    def screenshot(self, path: Path) -> None:
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def console_errors(self) -> list[str]:
        out = []
        for e in self.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                out.append(
                    " ".join(
                        str(a.get("value", a.get("description", ""))) for a in p.get("args", [])
                    )
                )
            elif m == "Runtime.exceptionThrown":
                out.append(json.dumps(p.get("exceptionDetails", {}))[:500])
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append(p["entry"].get("text", ""))
        return out

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001, S110 -- the browser may already be gone; the kill below ends it
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        os.close(self._w)
        os.close(self._r)


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

    from kgraph.export import Edge, EntityGraph, Fact, Node
    from kgraph.viz import to_html

    rnd = random.Random(1)
    classes = ["Person", "Film", "TVSeries", "Character"]
    n = 3000
    nodes = tuple(
        Node(
            f"urn:n{i}",
            f"Node {i}",
            classes[i % 4],
            classes[i % 4],
            (Fact("urn:p", "note", f"fact {i}", None, ("source:s000",)),),
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
        "document.getElementById('search').value = 'Node 2718';"
        "document.getElementById('find').requestSubmit()"
    )
    browser.pump(0.5)
    assert browser.js("document.querySelector('#details h2').textContent") == "Node 2718"
    assert browser.console_errors() == []
    assert browser.requests() == [page.as_uri()]
    browser.screenshot(ARTIFACTS / "viz-3000-nodes.png")

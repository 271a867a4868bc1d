/* kgraph graph view: the interactive graph of `kgraph serve`'s pages and of `kgraph viz` HTML files.
 *
 * Draws the data of a <script id="kg-data" type="application/json"> with vis-network: one colour and
 * one shape per class, a legend that is also a filter, a source filter, a details panel with each
 * fact's sources. Labels keep a legible size on screen whatever the zoom (12 to 16 CSS px, larger
 * for better connected nodes); when zoomed out, labels that would overlap are thinned out, the best
 * connected nodes keeping theirs, instead of every label shrinking into an unreadable blur.
 * Served pages (data.api set) also expand a clicked node's neighbours and open a node's page on
 * double-click. KGraphView.mount(data) draws other data (a CONSTRUCT result) in the same frame.
 */
(function () {
  "use strict";

  var MIN_LABEL_PX = 11;   // no label is drawn smaller than this, in CSS px on screen

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function $(id) { return document.getElementById(id); }

  // a small SVG of a class's symbol, for the legend (the same shape vis-network draws)
  var SVGNS = "http://www.w3.org/2000/svg";
  var SHAPES = {
    dot: "M8 1.5 A6.5 6.5 0 1 1 7.99 1.5 Z",
    square: "M2 2 H14 V14 H2 Z",
    box: "M1 4 H15 V12 H1 Z",
    diamond: "M8 0.8 L15.2 8 L8 15.2 L0.8 8 Z",
    triangle: "M8 1 L15 14 H1 Z",
    triangleDown: "M1 2 H15 L8 15 Z",
    hexagon: "M4.5 1.9 H11.5 L15 8 L11.5 14.1 H4.5 L1 8 Z",
    star: "M8 0.5 L10 5.8 L15.6 5.9 L11.2 9.3 L12.8 14.8 L8 11.6 L3.2 14.8 L4.8 9.3 L0.4 5.9 L6 5.8 Z"
  };
  function swatch(shape, colour) {
    var svg = document.createElementNS(SVGNS, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("class", "swatch");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(SVGNS, "path");
    path.setAttribute("d", SHAPES[shape] || SHAPES.dot);
    path.setAttribute("fill", colour);
    path.setAttribute("stroke", "#333");
    path.setAttribute("stroke-width", "0.8");
    svg.appendChild(path);
    return svg;
  }

  // a label's size on screen, in CSS px: 12 for a leaf, up to 16 for the best connected nodes
  function labelPx(n) {
    var d = n.deg || 0;
    return d >= 12 ? 16 : d >= 6 ? 14 : d >= 3 ? 13 : 12;
  }

  function mount(data) {
    var big = data.nodes.length > 1000;
    var api = data.api || null;
    var byId = {}, classes = {}, edgeKeys = {}, expanded = {};
    var classOn = {}, sourceOn = {};
    data.classes.forEach(function (c) { classes[c.id] = c; classOn[c.id] = true; });
    Object.keys(data.sources).forEach(function (s) { sourceOn[s] = true; });

    var groups = {};
    data.classes.forEach(function (c) {
      groups[c.id] = { color: { background: c.colour, border: "#333333",
                                highlight: { background: c.colour, border: "#000000" },
                                hover: { background: c.colour, border: "#000000" } },
                       shape: c.shape };
    });
    var nodes = new vis.DataSet([]);
    var edges = new vis.DataSet([]);
    var pairs = {};

    function nodeView(n) {
      var v = { id: n.id, label: n.label, group: n.cls, font: { size: big ? 14 : labelPx(n) } };
      if (n.hl) { v.borderWidth = 4; v.color = { border: "#C00000", background: (classes[n.cls] || {}).colour || "#999" }; v.size = 20; }
      if (n.cls === "Class") { v.shape = "box"; v.color = { background: "#DCEAF5", border: "#0072B2" }; }
      return v;
    }
    function edgeView(e, i) {
      var v = { id: "e" + i, from: e.from, to: e.to, label: e.label, arrows: "to" };
      if (e.hl) { v.color = { color: "#C00000" }; v.width = 3; v.font = { color: "#8B0000", size: 13 }; }
      var key = e.from < e.to ? e.from + " " + e.to : e.to + " " + e.from;
      var k = pairs[key] = (pairs[key] || 0) + 1;
      if (k > 1 && !big) { v.smooth = { type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.15 * Math.ceil((k - 1) / 2) + 0.1 }; }
      return v;
    }
    // add nodes and edges not drawn yet (the first drawing, and each expansion)
    function add(g) {
      var newNodes = [], newEdges = [];
      g.nodes.forEach(function (n) {
        if (byId[n.id]) { return; }
        byId[n.id] = n;
        data.nodes.push(n);
        newNodes.push(nodeView(n));
      });
      (g.classes || []).forEach(function (c) {
        if (!classes[c.id]) { classes[c.id] = c; classOn[c.id] = true; data.classes.push(c);
          groups[c.id] = { color: { background: c.colour, border: "#333333" }, shape: c.shape };
          network && network.setOptions({ groups: groups }); }
      });
      g.edges.forEach(function (e) {
        var key = e.from + "\u0000" + e.to + "\u0000" + e.label;
        if (edgeKeys[key] !== undefined) { return; }
        var i = edgeKeys[key] = allEdges.length;
        allEdges.push(e);
        newEdges.push(edgeView(e, i));
      });
      nodes.add(newNodes);
      edges.add(newEdges);
      return newNodes.length;
    }
    var allEdges = [];
    var network = null;
    var seed = { nodes: data.nodes.slice(), edges: data.edges.slice() };
    data.nodes = [];
    add(seed);
    data.edges = allEdges;

    var options = {
      groups: groups,
      nodes: { size: 14, font: { size: 14, face: "system-ui, sans-serif", strokeWidth: 4, strokeColor: "#ffffff", color: "#111111" },
               borderWidth: 1, widthConstraint: { maximum: 170 },
               scaling: { label: { enabled: false, drawThreshold: MIN_LABEL_PX + 1, maxVisible: 40 } } },
      edges: { font: { size: 12, align: "middle", color: "#444444", strokeWidth: 0, background: "rgba(255,255,255,0.9)" },
               color: { color: "#9a9a9a", highlight: "#333333", hover: "#333333" },
               smooth: big ? false : { type: "continuous" }, arrows: { to: { scaleFactor: 0.5 } },
               scaling: { label: { enabled: false, drawThreshold: MIN_LABEL_PX + 1, maxVisible: 16 } },
               width: 1, selectionWidth: 2 },
      physics: { solver: "forceAtlas2Based",
                 forceAtlas2Based: { gravitationalConstant: -160, centralGravity: 0.008, springLength: 160,
                                     springConstant: 0.05, damping: 0.5, avoidOverlap: 0.8 },
                 stabilization: { enabled: true, iterations: big ? 300 : 600, updateInterval: 50, fit: true },
                 minVelocity: 1.0, maxVelocity: 60, timestep: 0.4 },
      interaction: { hover: true, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big, navigationButtons: false, keyboard: false },
      layout: { improvedLayout: !big, randomSeed: 7 }
    };
    if (big) {
      options.edges.font.size = 0;
      options.physics.solver = "barnesHut";
      options.physics.barnesHut = { gravitationalConstant: -6000, centralGravity: 0.3, springLength: 120,
                                    springConstant: 0.04, damping: 0.3, avoidOverlap: 0.1 };
      options.physics.stabilization.iterations = 60;
      options.physics.minVelocity = 2.0;
    }
    var container = $("graph");
    network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    var status = $("status") || el("span");
    var frozen = false;
    var freezeButton = $("freeze");

    function summary() { return nodes.length + " nodes, " + edges.length + " edges"; }
    function setFrozen(value) {
      frozen = value;
      network.setOptions({ physics: { enabled: !frozen } });
      if (freezeButton) {
        freezeButton.setAttribute("aria-pressed", String(frozen));
        freezeButton.textContent = frozen ? "Unfreeze layout" : "Freeze layout";
      }
      status.textContent = frozen ? "layout frozen" : "physics on";
    }
    if (freezeButton) { freezeButton.addEventListener("click", function () { setFrozen(!frozen); }); }
    if ($("fit")) { $("fit").addEventListener("click", function () { network.fit({ animation: true }); }); }

    network.on("stabilizationProgress", function (p) {
      status.textContent = "laying out… " + Math.round(100 * p.iterations / p.total) + "%";
    });
    network.once("stabilizationIterationsDone", function () {
      // fit() frames the symbols; leave room for the labels under the outermost ones
      if (!big) { network.moveTo({ scale: network.getScale() * 0.9 }); }
      status.textContent = summary();
      document.body.setAttribute("data-ready", "1");
    });
    network.on("stabilized", function () { if (!frozen) { status.textContent = summary() + " — settled"; } });

    // --- side panel ----------------------------------------------------------------------
    var details = $("details") || el("section");
    var pinned = null;
    function sourceChips(cell, srcs) {
      srcs.forEach(function (s) {
        var short = s.replace(/^source:/, "").replace(/^kgg:/, "");
        var chip = el(api ? "a" : "span", { "class": "src", title: data.sources[s] || s }, short);
        if (api && /^source:/.test(s)) { chip.setAttribute("href", "/entity/" + s); }
        cell.appendChild(chip);
      });
    }
    function showNode(id) {
      var n = byId[id];
      if (!n) { return; }
      details.textContent = "";
      details.setAttribute("data-node", id);
      var h = el("h2", null, n.label);
      details.appendChild(h);
      var c = classes[n.cls];
      var badge = el("span", { "class": "cls" }, c ? c.label : n.cls);
      badge.style.background = c ? c.colour : "#777";
      if (c && /^#(F0E442|DDCC77|88CCEE|56B4E9|E69F00|CC79A7|44AA99|999933|888888)$/i.test(c.colour)) { badge.style.color = "#111"; }
      details.appendChild(badge);
      if (n.url) {
        details.appendChild(document.createTextNode(" "));
        details.appendChild(el("a", { href: n.url, "class": "open" }, "open its page"));
      }
      details.appendChild(el("div", { "class": "iri" }, n.iri));
      var table = el("table", { "class": "facts" });
      n.facts.forEach(function (f) {
        var tr = el("tr");
        tr.appendChild(el("td", { "class": "p" }, f[0]));
        var v = el("td");
        if (f[2] && byId[f[2]]) {
          var a = el("a", { "class": "node", tabindex: "0" }, f[1]);
          a.addEventListener("click", function () { focusNode(f[2]); });
          v.appendChild(a);
        } else {
          v.appendChild(document.createTextNode(f[1]));
        }
        v.appendChild(document.createTextNode(" "));
        sourceChips(v, f[3]);
        tr.appendChild(v);
        table.appendChild(tr);
      });
      if (!n.facts.length) { details.appendChild(el("p", { "class": "hint" }, "No facts stated about it.")); }
      details.appendChild(table);
    }
    function showEdge(id) {
      var e = allEdges[parseInt(id.slice(1), 10)];
      if (!e || !byId[e.from] || !byId[e.to]) { return; }
      details.textContent = "";
      details.removeAttribute("data-node");
      details.appendChild(el("h2", null, byId[e.from].label + " — " + e.label + " → " + byId[e.to].label));
      if (e.work) { details.appendChild(el("p", null, "Work: " + e.work)); }
      var p = el("p", null, "Sources: ");
      sourceChips(p, e.sources);
      details.appendChild(p);
    }
    function focusNode(id) {
      pinned = id;
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 400 } });
      showNode(id);
    }

    // --- expanding a node's neighbours (served pages only) -------------------------------
    function expand(id) {
      if (!api || expanded[id]) { return Promise.resolve(0); }
      expanded[id] = true;
      status.textContent = "expanding " + byId[id].label + "…";
      return fetch(api + "neighbours?id=" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (g) {
          var added = add(g);
          refreshFilters();
          renderLegend();
          status.textContent = "+" + added + " around " + byId[id].label + " · " + summary();
          expansions += 1;
          document.body.setAttribute("data-expanded", String(expansions));
          if (added && frozen) { setFrozen(false); }
          return added;
        })
        .catch(function (err) { expanded[id] = false; status.textContent = "could not expand: " + err.message; return 0; });
    }
    var expansions = 0;
    if (data.focus) { expanded[data.focus] = true; }

    network.on("click", function (params) {
      if (params.nodes.length) { pinned = params.nodes[0]; showNode(pinned); expand(pinned); }
      else if (params.edges.length) { pinned = null; showEdge(params.edges[0]); }
    });
    network.on("doubleClick", function (params) {
      if (params.nodes.length && byId[params.nodes[0]] && byId[params.nodes[0]].url) {
        window.location.href = byId[params.nodes[0]].url;
      }
    });
    network.on("hoverNode", function (params) { showNode(params.node); });
    network.on("blurNode", function () { if (pinned) { showNode(pinned); } });

    // --- find a node -----------------------------------------------------------------------
    var list = $("labels");
    function fillLabels() {
      if (!list) { return; }
      list.textContent = "";
      data.nodes.slice().sort(function (a, b) { return a.label.localeCompare(b.label); }).forEach(function (n) {
        list.appendChild(el("option", { value: n.label }));
      });
    }
    fillLabels();
    function find(text) {
      var q = text.trim().toLowerCase();
      if (!q) { return null; }
      var exact = null, partial = null;
      data.nodes.forEach(function (n) {
        var l = n.label.toLowerCase();
        if (l === q && !exact) { exact = n; }
        else if (l.indexOf(q) >= 0 && !partial) { partial = n; }
      });
      return exact || partial;
    }
    if ($("find")) {
      $("find").addEventListener("submit", function (ev) {
        ev.preventDefault();
        var n = find($("search").value);
        if (n) { focusNode(n.id); status.textContent = "found " + n.label; }
        else { status.textContent = "no node matches"; }
      });
    }

    // --- filters: the legend (classes) and the sources --------------------------------------
    function nodeSources(n) {
      var s = {};
      n.facts.forEach(function (f) { f[3].forEach(function (x) { s[x] = true; }); });
      allEdges.forEach(function (e) { if (e.from === n.id || e.to === n.id) { e.sources.forEach(function (x) { s[x] = true; }); } });
      return Object.keys(s);
    }
    function stated(srcs) {
      var known = srcs.filter(function (s) { return s in sourceOn; });
      return !known.length || known.some(function (s) { return sourceOn[s]; });
    }
    function refreshFilters() {
      var hiddenNode = {};
      nodes.update(data.nodes.map(function (n) {
        var hide = classOn[n.cls] === false || !stated(nodeSources(n));
        if (n.hl) { hide = classOn[n.cls] === false; }
        hiddenNode[n.id] = hide;
        return { id: n.id, hidden: hide };
      }));
      edges.update(allEdges.map(function (e, i) {
        return { id: "e" + i, hidden: hiddenNode[e.from] || hiddenNode[e.to] || !stated(e.sources) };
      }));
      if (network) { scheduleThin(); }
    }
    var legend = $("legend-list");
    function renderLegend() {
      if (!legend) { return; }
      legend.textContent = "";
      var counts = {};
      data.nodes.forEach(function (n) { counts[n.cls] = (counts[n.cls] || 0) + 1; });
      data.classes.forEach(function (c) {
        if (!counts[c.id]) { return; }
        var li = el("li", { title: "show or hide " + c.label, "data-class": c.id, "data-colour": c.colour,
                            "data-shape": c.shape, role: "button", tabindex: "0",
                            "aria-pressed": String(classOn[c.id] !== false) });
        if (classOn[c.id] === false) { li.classList.add("off"); }
        li.appendChild(swatch(c.shape, c.colour));
        li.appendChild(document.createTextNode(c.label + " (" + counts[c.id] + ")"));
        function toggle() {
          classOn[c.id] = classOn[c.id] === false;
          li.classList.toggle("off", classOn[c.id] === false);
          li.setAttribute("aria-pressed", String(classOn[c.id] !== false));
          refreshFilters();
        }
        li.addEventListener("click", toggle);
        li.addEventListener("keydown", function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); toggle(); } });
        legend.appendChild(li);
      });
    }
    renderLegend();
    var sl = $("source-list");
    if (sl) {
      sl.textContent = "";
      Object.keys(data.sources).sort().forEach(function (s) {
        var li = el("li");
        var label = el("label");
        var box = el("input", { type: "checkbox", "data-source": s });
        box.checked = true;
        box.addEventListener("change", function () { sourceOn[s] = box.checked; refreshFilters(); });
        label.appendChild(box);
        label.appendChild(document.createTextNode(" "));
        label.appendChild(el("b", null, s.replace(/^source:/, "")));
        label.appendChild(document.createTextNode(" " + data.sources[s]));
        li.appendChild(label);
        sl.appendChild(li);
      });
    }

    // --- labels: a constant size on screen, thinned where they would overlap ---------------
    // Each label's font is set to its on-screen size divided by the zoom; nodes are visited best
    // connected (then highlighted) first, and a label whose box would overlap one already placed
    // gets size 0, which vis-network does not draw. Run after each zoom, drag and layout step.
    var thinPending = false;
    function thin() {
      thinPending = false;
      if (big) { return; }
      var scale = network.getScale();
      var placed = [], updates = [];
      var order = data.nodes.filter(function (n) { var v = nodes.get(n.id); return v && !v.hidden; });
      order.sort(function (a, b) { return (b.hl - a.hl) || (b.deg || 0) - (a.deg || 0) || a.label.length - b.label.length; });
      var pos = network.getPositions(order.map(function (n) { return n.id; }));
      order.forEach(function (n) {
        var px = labelPx(n), p = pos[n.id];
        if (!p) { return; }
        var d = network.canvasToDOM(p);
        var w = Math.min(n.label.length, 26) * px * 0.56, lines = Math.ceil(n.label.length / 26);
        var h = px * 1.25 * lines;
        var box = [d.x - w / 2 - 3, d.y + 8 * scale, d.x + w / 2 + 3, d.y + 8 * scale + h + 4];
        var free = placed.every(function (o) { return box[2] < o[0] || box[0] > o[2] || box[3] < o[1] || box[1] > o[3]; });
        var size = free || n.hl ? px / scale : 0;
        if (free || n.hl) { placed.push(box); }
        updates.push({ id: n.id, font: { size: size }, widthConstraint: { maximum: 26 * px * 0.56 / scale } });
      });
      nodes.update(updates);
    }
    function scheduleThin() {
      if (!thinPending && !big) { thinPending = true; window.requestAnimationFrame(thin); }
    }
    network.on("zoom", scheduleThin);
    network.on("dragEnd", scheduleThin);
    network.on("stabilized", scheduleThin);
    network.once("stabilizationIterationsDone", thin);
    network.on("animationFinished", scheduleThin);
    // programmatic zooms (focus, fit, moveTo) fire no "zoom" event: catch them when drawn
    var thinnedAt = null;
    network.on("afterDrawing", function () {
      var scale = network.getScale();
      if (thinnedAt === null || Math.abs(scale - thinnedAt) / thinnedAt > 0.02) { thinnedAt = scale; scheduleThin(); }
    });

    // the on-screen size of every label: [label, CSS px, drawn], for tests and for the curious
    function labelSizes() {
      var scale = network.getScale();
      return nodes.get().filter(function (v) { return !v.hidden; }).map(function (v) {
        var body = network.body.nodes[v.id];
        return [v.label, body.options.font.size * scale, body.labelModule.visible()];
      });
    }

    var view = { network: network, nodes: nodes, edges: edges, data: data, focusNode: focusNode,
                 setFrozen: setFrozen, expand: expand, labelSizes: labelSizes, thin: thin,
                 classOn: classOn, sourceOn: sourceOn, refreshFilters: refreshFilters };
    window.kgraph = view;
    return view;
  }

  window.KGraphView = { mount: mount, swatch: swatch };
  var holder = document.getElementById("kg-data");
  if (holder && document.getElementById("graph")) { mount(JSON.parse(holder.textContent)); }
})();

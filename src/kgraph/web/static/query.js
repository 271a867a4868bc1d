/* kgraph SPARQL editor: CodeMirror (vendor/codemirror) with SPARQL highlighting and completion of
 * prefixes, ontology terms (/api/terms) and entity names (/api/search); the saved queries as a
 * gallery; results as a table with labels and links to entity pages, or as a graph for CONSTRUCT;
 * the query kept in the URL (/query?query=…), so every state is a permalink. */
(function () {
  "use strict";
  var form = document.getElementById("queryform");
  var textarea = document.getElementById("query");
  var results = document.getElementById("results");
  var qstatus = document.getElementById("qstatus");
  var permalink = document.getElementById("permalink");
  var terms = null;
  fetch("/api/terms").then(function (r) { return r.json(); }).then(function (t) { terms = t; });

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // completion: "kg:act" -> kg:actedIn …; "pers" -> person: …; a name -> its prefixed name
  function complete(context) {
    var word = context.matchBefore(/[A-Za-z_][\w-]*:?[\w.-]*/);
    if (!word || (word.from === word.to && !context.explicit)) { return null; }
    var text = word.text, options = [];
    if (terms) {
      Object.keys(terms.prefixes).forEach(function (p) {
        if ((p + ":").indexOf(text) === 0 || (text.indexOf(":") < 0 && p.indexOf(text) === 0)) {
          options.push({ label: p + ":", type: "namespace", detail: terms.prefixes[p], boost: 2 });
        }
      });
      terms.terms.forEach(function (t) {
        var local = t.curie.split(":")[1] || "";
        if (t.curie.indexOf(text) === 0 || (text.indexOf(":") < 0 && local.toLowerCase().indexOf(text.toLowerCase()) === 0)) {
          options.push({ label: t.curie, type: t.kind === "class" ? "class" : "property",
                         detail: t.label, info: t.doc || undefined });
        }
      });
    }
    var name = text.indexOf(":") >= 0 ? text.split(":")[1] : text;
    var from = word.from;
    if (name.length < 2) { return options.length ? { from: from, options: options } : null; }
    return fetch("/api/search?limit=8&q=" + encodeURIComponent(name.replace(/-/g, " ")))
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (hits) {
        hits.forEach(function (h) {
          if (h.curie && h.curie !== h.iri) {
            options.push({ label: h.curie, displayLabel: h.label + "  (" + h.curie + ")", type: "variable", detail: h.type });
          } else {
            options.push({ label: "<" + h.iri + ">", displayLabel: h.label, type: "variable", detail: h.type });
          }
        });
        return { from: from, options: options, validFor: /^[\w:-]*$/ };
      })
      .catch(function () { return { from: from, options: options }; });
  }

  var editor = null;
  if (window.KGraphEditor && textarea) {
    var holder = el("div", { id: "editor" });
    textarea.parentNode.insertBefore(holder, textarea);
    textarea.hidden = true;
    editor = window.KGraphEditor.create(holder, { doc: textarea.value, complete: complete, onRun: run });
  }
  function current() { return editor ? editor.value : textarea.value; }

  function cell(b) {
    var td = el("td");
    if (!b) { return td; }
    if (b.type === "uri") {
      td.appendChild(el("a", { href: b.url, title: b.value }, b.label));
    } else if (b.links) {
      b.links.forEach(function (x, i) {
        if (i) { td.appendChild(document.createTextNode(" ")); }
        td.appendChild(el("a", { href: x.url, title: x.value }, x.curie));
      });
    } else {
      td.appendChild(document.createTextNode(b.value));
      if (b.lang) { td.appendChild(el("span", { "class": "lang" }, "@" + b.lang)); }
    }
    return td;
  }
  var graphBox = document.getElementById("graphview");
  function show(res) {
    results.textContent = "";
    graphBox.hidden = true;
    if (res.kind === "ask") {
      results.appendChild(el("p", { "class": "boolean" }, res.boolean ? "yes (true)" : "no (false)"));
      return;
    }
    if (res.kind === "graph") {
      results.appendChild(el("p", { "class": "count" }, res.triples + " triples, " + res.graph.nodes.length + " nodes" + (res.truncated ? " (truncated)" : "")));
      graphBox.hidden = false;
      document.body.removeAttribute("data-ready");
      window.KGraphView.mount(res.graph);
      return;
    }
    results.appendChild(el("p", { "class": "count" }, res.rows.length + " row" + (res.rows.length === 1 ? "" : "s") + (res.truncated ? " (truncated)" : "")));
    var table = el("table", { "class": "data results" });
    var head = el("tr");
    res.vars.forEach(function (v) { head.appendChild(el("th", null, v)); });
    var thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    var tbody = el("tbody");
    res.rows.forEach(function (r) {
      var tr = el("tr");
      res.vars.forEach(function (v) { tr.appendChild(cell(r[v])); });
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    results.appendChild(table);
  }
  function setUrl(q) {
    var url = "/query?" + new URLSearchParams({ query: q }).toString();
    history.replaceState(null, "", url);
    permalink.href = url;
    permalink.hidden = false;
  }
  function run() {
    var q = current();
    if (!q.trim()) { return; }
    setUrl(q);
    qstatus.textContent = "running…";
    var t0 = performance.now();
    document.body.removeAttribute("data-done");
    fetch("/api/sparql", { method: "POST", body: new URLSearchParams({ query: q }),
                           headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.text().then(function (text) {
          qstatus.textContent = r.status + " in " + Math.round(performance.now() - t0) + " ms";
          if (!r.ok) { results.textContent = ""; results.appendChild(el("p", { "class": "err" }, text)); return; }
          show(JSON.parse(text));
        });
      })
      .catch(function (e) { qstatus.textContent = ""; results.textContent = String(e); })
      .then(function () { document.body.setAttribute("data-done", "1"); });
  }
  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
  document.querySelectorAll("#gallery a.example").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      ev.preventDefault();
      var q = new URL(a.href).searchParams.get("query");
      if (editor) { editor.value = q; } else { textarea.value = q; }
      run();
    });
  });
  // a permalink opened: the server already ran it (the table is in the page); draw a graph result
  var initial = document.getElementById("kg-result");
  if (initial) {
    setUrl(current());
    var res = JSON.parse(initial.textContent);
    if (res.kind === "graph") { show(res); }
    document.body.setAttribute("data-done", "1");
  }
})();

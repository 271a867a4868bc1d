/* kgraph explorer: name completion as you type, for every <input data-complete> of a page.
 * Asks /api/search (names that start with, then contain, what is typed, then fuzzy matches) and
 * lists the entities under the box; Enter or a click opens the entity's page, or, in a form that
 * needs a name (the path finder), puts the name in the box. Without JavaScript the boxes are
 * ordinary forms. */
(function () {
  "use strict";
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) { Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); }); }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  var counter = 0;
  function attach(input) {
    var form = input.form;
    var fillOnly = form && form.id === "pathform";
    var wrap = input.parentNode;
    if (getComputedStyle(wrap).position === "static") {
      var span = el("span", { "class": "searchwrap" });
      span.style.position = "relative";
      span.style.display = "block";
      wrap.insertBefore(span, input);
      span.appendChild(input);
      wrap = span;
    }
    var list = el("ul", { "class": "complete", role: "listbox", id: "complete-" + (++counter) });
    list.hidden = true;
    wrap.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    var items = [], active = -1, timer = null, seq = 0;

    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
    function choose(hit) {
      if (fillOnly || !hit.url) { input.value = hit.label; close(); return; }
      window.location.href = hit.url;
    }
    function render(hits, q) {
      items = hits;
      list.setAttribute("data-for", q || "");
      list.textContent = "";
      hits.forEach(function (h, i) {
        var li = el("li", { role: "option", id: list.id + "-" + i, "aria-selected": "false", "data-iri": h.iri });
        li.appendChild(document.createTextNode(h.label));
        if (h.type) { li.appendChild(el("span", { "class": "t" }, h.type)); }
        li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(h); });
        list.appendChild(li);
      });
      list.hidden = !hits.length;
      input.setAttribute("aria-expanded", String(!!hits.length));
      active = -1;
    }
    function mark(i) {
      var lis = list.querySelectorAll("li");
      lis.forEach(function (li, k) { li.setAttribute("aria-selected", String(k === i)); });
      active = i;
      if (i >= 0) { input.setAttribute("aria-activedescendant", lis[i].id); }
    }
    function lookup() {
      var q = input.value.trim();
      if (!q) { render([]); return; }
      var mine = ++seq;
      fetch("/api/search?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (hits) { if (mine === seq) { render(hits, q); } })
        .catch(function () { render([], q); });
    }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 120); });
    input.addEventListener("keydown", function (ev) {
      if (list.hidden) { return; }
      if (ev.key === "ArrowDown") { ev.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (ev.key === "Escape") { close(); }
      else if (ev.key === "Enter" && active >= 0) { ev.preventDefault(); choose(items[active]); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }
  document.querySelectorAll("input[data-complete]").forEach(attach);
})();

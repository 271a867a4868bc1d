"""The import graph of src/kgraph: no cycles, and no module imports a layer above its own.

docs/architecture.md is the map; this test keeps the map true. Imports inside functions count
too: an import hidden in a function is still a dependency.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "kgraph"

# Layer of each top-level module or package of kgraph (lower numbers are lower layers).
LAYERS: dict[str, int] = {
    # 0 — vocabulary and plumbing every layer may use
    "terms": 0,
    "errors": 0,
    "resources": 0,
    "patterns": 0,
    "sparqlguard": 0,
    "xmlguard": 0,
    "httpclient": 0,
    "replycache": 0,
    "records": 0,
    "bounded": 0,
    "startcache": 0,
    # 1 — the store interface and its backends
    "store": 1,
    # 2 — putting data into a store: building the bundled graph, loading files, aligning
    "build": 2,
    "loading": 2,
    "alignment": 2,
    "formats": 2,
    "atomic": 2,
    # 3 — what the library does with a store
    "results": 3,
    "linking": 3,
    "resolve": 3,
    "entailment": 3,
    "entitygraph": 3,
    "cards": 3,
    "provenance": 3,
    "sources": 3,
    "paths": 3,
    "saved": 3,
    "questions": 3,
    "querying": 3,
    "export": 3,
    "validation": 3,
    "viz": 3,
    "vocabularies": 3,
    "reconcile": 3,
    "overlay": 3,
    "factbase": 3,
    "answers": 3,
    "citing": 3,
    "mentions": 3,
    "understanding": 3,
    "kinds": 3,
    "kinds_more": 3,
    "ingest": 3,
    "imdb": 3,
    "linesort": 3,
    # 4 — the façade
    "kg": 4,
    "__init__": 4,
    # 5 — front ends: rendering, the command line, the endpoint
    "render": 5,
    "server": 5,
    "web": 5,  # the explorer's pages: the server calls it, it never imports the server
    "cli": 5,
    "__main__": 5,
    "conventions": 5,  # the command line's format names and exit codes, for cli and __main__
}


def _modules() -> dict[str, Path]:
    mods = {}
    for f in SRC.rglob("*.py"):
        parts = f.relative_to(SRC.parent).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        mods[".".join(parts)] = f
    return mods


def _imports() -> dict[str, set[str]]:
    """module → the kgraph modules it imports (relative imports, at any depth of the file)."""
    mods = _modules()
    edges: dict[str, set[str]] = defaultdict(set)
    for name, f in mods.items():
        package = name if f.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package.split(".")
                if node.level > 1:
                    base = base[: -(node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                for alias in node.names:
                    if f"{target}.{alias.name}" in mods:
                        edges[name].add(f"{target}.{alias.name}")
                    elif target in mods:
                        edges[name].add(target)
            elif isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                edges[name].update(n for n in names if n in mods and n != "kgraph")
    return edges


def _top(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def _layer(module: str) -> int:
    top = _top(module)
    assert top in LAYERS, (
        f"kgraph.{top} has no layer: add it to LAYERS in tests/test_architecture.py "
        "and to docs/architecture.md"
    )
    return LAYERS[top]


def test_every_module_has_a_layer():
    for module in _modules():
        _layer(module)


def test_no_import_cycles():
    edges = _imports()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in _modules():
        if module not in index:
            visit(module)
    assert cycles == []


def test_no_module_imports_a_layer_above_its_own():
    upward = sorted(
        f"{a} (layer {_layer(a)}) imports {b} (layer {_layer(b)})"
        for a, targets in _imports().items()
        for b in targets
        if _layer(b) > _layer(a) and not a.endswith("__init__") and a != "kgraph"
    )
    assert upward == []


def test_the_checker_sees_imports_inside_functions():
    """The rule would be moot if imports inside functions were missed."""
    edges = _imports()
    # kgraph.kg imports the question engine only when a question is asked
    assert "kgraph.questions" in edges["kgraph.kg"]


# -- the store seam ------------------------------------------------------------------------


def _store_classes() -> set[str]:
    """The classes of kgraph.store that implement :class:`kgraph.store.Store`."""
    tree = ast.parse((SRC / "store.py").read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.ClassDef)
        and any(isinstance(b, ast.Name) and b.id == "Store" for b in node.bases)
    }


def _concrete_store_tests(tree: ast.AST, concrete: set[str]) -> list[tuple[int, str]]:
    """Where code tests for (or casts to) a concrete store class, or reaches into one's
    pyoxigraph handle (``.raw``): (line, what)."""

    def named(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Tuple):
            return [n for e in node.elts for n in named(e)]
        if isinstance(node, ast.Name) and node.id in concrete:
            return [node.id]
        if isinstance(node, ast.Attribute) and node.attr in concrete:
            return [node.attr]
        if isinstance(node, ast.Constant) and node.value in concrete:  # cast("OxigraphStore", …)
            return [str(node.value)]
        return []

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in ("isinstance", "issubclass", "cast") and len(node.args) == 2:
                hit = named(node.args[1] if node.func.id != "cast" else node.args[0])
                found += [(node.lineno, f"{node.func.id}(…, {h})") for h in hit]
        elif isinstance(node, ast.Compare) and any(isinstance(o, ast.Is) for o in node.ops):
            found += [(node.lineno, f"is {h}") for c in node.comparators for h in named(c)]
        elif isinstance(node, ast.Attribute) and node.attr == "raw":
            found.append((node.lineno, ".raw"))
    return found


def test_no_concrete_store_test_outside_the_store_module():
    """A new backend is one class implementing Store: no other module may special-case
    OxigraphStore or RemoteStore (they ask the store's capabilities instead)."""
    concrete = _store_classes()
    assert {"OxigraphStore", "RemoteStore"} <= concrete
    leaks = [
        f"{name}:{line}: {what}"
        for name, f in sorted(_modules().items())
        if name != "kgraph.store"
        for line, what in _concrete_store_tests(ast.parse(f.read_text("utf-8")), concrete)
    ]
    assert leaks == []


def test_the_store_checker_sees_each_kind_of_special_case():
    concrete = {"OxigraphStore", "RemoteStore"}
    code = (
        "if isinstance(s, OxigraphStore): pass\n"
        "if isinstance(s, (int, store.RemoteStore)): pass\n"
        "raw = cast('OxigraphStore', s).raw\n"
        "if type(s) is OxigraphStore: pass\n"
        "if isinstance(s, Store): pass\n"
    )
    assert sorted(line for line, _ in _concrete_store_tests(ast.parse(code), concrete)) == [
        1,
        2,
        3,
        3,
        4,
    ]


def test_no_doctest_example_warns_when_compiled():
    """Every ``>>>`` example compiles without a warning: a backslash escape that Python does not
    know (``'person:a\\#b'`` in a docstring that is not raw) warned "invalid escape sequence" in
    every test run (the stranger's item 11, ``kgraph.server.mentions_service``)."""
    import doctest
    import warnings

    parser = doctest.DocTestParser()
    warned = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(
                node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
            ):
                continue
            doc = ast.get_docstring(node, clean=False)
            for example in parser.get_examples(doc or ""):
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    try:
                        compile(example.source, str(path), "single")
                    except SyntaxError:
                        pass  # not this test's business: doctest reports it
                warned += [
                    f"{path.relative_to(SRC)}: {example.source.strip()}: {w.message}"
                    for w in caught
                    if issubclass(w.category, (SyntaxWarning, DeprecationWarning))
                ]
    assert warned == []

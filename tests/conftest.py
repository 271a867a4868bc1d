"""Shared fixtures: an isolated cache, the bundled graph, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: the five articles: ``../shared/sources`` beside the repository, or where KGRAPH_SOURCES says
SOURCES = Path(os.environ.get("KGRAPH_SOURCES") or ROOT.parent / "shared" / "sources")


def sources_dir() -> Path:
    """SOURCES, failing the calling test with a clear message where the articles are not."""
    if not SOURCES.is_dir():
        pytest.fail(
            f"the source articles are not at {SOURCES}: put the shared folder beside the "
            "repository (../shared/sources) or set KGRAPH_SOURCES to their folder",
            pytrace=False,
        )
    return SOURCES


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory):
    """Every test session builds into its own cache, never the user's."""
    cache = tmp_path_factory.mktemp("kgraph-cache")
    old = {
        k: os.environ.get(k)
        for k in ("KGRAPH_CACHE_DIR", "KGRAPH_DATA_DIR", "KGRAPH_STORE", "KGRAPH_HOME", "NO_COLOR")
    }
    os.environ["KGRAPH_CACHE_DIR"] = str(cache)
    # the user's own loaded files: an empty directory of the session's, never the user's
    os.environ["KGRAPH_DATA_DIR"] = str(tmp_path_factory.mktemp("kgraph-data"))
    os.environ.pop("KGRAPH_STORE", None)
    os.environ.pop("KGRAPH_HOME", None)
    yield cache
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture()
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh directory of the user's own data (``KGRAPH_DATA_DIR``) for one test."""
    d = tmp_path / "user-data"
    monkeypatch.setenv("KGRAPH_DATA_DIR", str(d))
    return d


@pytest.fixture(scope="session")
def kg():
    """The bundled knowledge graph in the default embedded store."""
    from kgraph import KnowledgeGraph

    g = KnowledgeGraph()
    yield g


@pytest.fixture(scope="session")
def store(kg):
    return kg.store


@pytest.fixture(scope="module", params=["eager", "lazy", "big"])
def store_by_fact_base(request, kg):
    """The bundled graph answered from the fact base read whole (``eager``), then from the lazy
    one of big stores (``lazy``, forced by a probe threshold of 0), then as a big store in full
    (``big``: the lazy fact base, and names found through the store's label index and the
    prefilter instead of an index of every label, forced by a label threshold of 5): a question
    set run on each holds each to its expectations."""
    if request.param == "eager":
        yield kg.store
        return
    from kgraph import KnowledgeGraph, factbase, linking

    mp = pytest.MonkeyPatch()
    mp.setattr(factbase, "LIMIT", 0)
    if request.param == "big":
        mp.setattr(linking, "FULL_INDEX_LIMIT", 5)
    g = KnowledgeGraph()
    try:
        assert isinstance(factbase.facts_of(g.store), factbase.LazyFactBase)
        assert (linking._matcher(g.store).full is None) == (request.param == "big")
    finally:
        mp.undo()  # the lazy fact base stays this store's; other stores are probed as usual
    yield g.store
    g.close()


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


@pytest.fixture()
def cli():
    """Run the kgraph CLI in-process: ``cli("stats", "--format", "json")`` -> Run."""
    from typer.testing import CliRunner

    from kgraph.cli import app, state

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Run:
        runner = CliRunner()
        try:
            r = runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
        finally:  # each command opens the store afresh: close it, or its files stay open all session
            if state._kg is not None:
                state._kg.close()
                state._kg = None
        return Run(r.exit_code, r.stdout, r.stderr)

    return run


@pytest.fixture()
def kgraph_proc():
    """Run the installed ``kgraph`` command in a subprocess (for exit codes, pipes, tracebacks)."""
    exe = shutil.which("kgraph") or str(Path(sys.executable).with_name("kgraph"))

    def run(
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> Run:
        e = os.environ.copy()
        e.update(env or {})
        p = subprocess.run(
            [exe, *args],
            input=input,
            capture_output=True,
            text=True,
            env=e,
            timeout=timeout,
            check=False,
        )
        return Run(p.returncode, p.stdout, p.stderr)

    return run


@pytest.fixture()
def project_copy(tmp_path: Path) -> Path:
    """A writable copy of ontology/, data/ and queries/ (use with KGRAPH_HOME)."""
    for d in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / d, tmp_path / d)
    return tmp_path

"""The build: cache keyed by content, atomic rebuilds, errors with file:line:column."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kgraph import build
from kgraph.errors import RdfSyntaxError


@pytest.fixture()
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("KGRAPH_CACHE_DIR", str(cache))
    return cache


def test_build_is_cached_by_content(
    private_cache: Path, project_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("KGRAPH_HOME", str(project_copy))
    first = build.build()
    assert first.built and first.path.is_dir()
    again = build.build()
    assert not again.built and again.path == first.path
    # Any change to a data file gives a new store.
    f = project_copy / "data" / "s000.trig"
    f.write_text(f.read_text(encoding="utf-8") + "\n# touched\n", encoding="utf-8")
    changed = build.build()
    assert changed.built and changed.path != first.path


def _break(path: Path) -> int:
    """Introduce a syntax error (a statement without its final dot) and return its line number."""
    lines = path.read_text(encoding="utf-8").splitlines()
    n = len(lines) - 1
    while not lines[n].rstrip().endswith("}"):
        n -= 1
    lines.insert(n, "    person:broken kg:year ")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return n + 1


@pytest.mark.slow
def test_syntax_error_names_file_line_and_column_and_keeps_previous_store(
    private_cache: Path, project_copy: Path, monkeypatch: pytest.MonkeyPatch, kgraph_proc
):
    monkeypatch.setenv("KGRAPH_HOME", str(project_copy))
    env = {"KGRAPH_HOME": str(project_copy), "KGRAPH_CACHE_DIR": str(private_cache)}
    ok = kgraph_proc("build", env=env)
    assert ok.code == 0, ok.stderr
    before = kgraph_proc("stats", "--format", "json", env=env)
    assert before.code == 0

    bad = project_copy / "data" / "s002.trig"
    line = _break(bad)
    with pytest.raises(RdfSyntaxError) as info:
        build.build()
    assert info.value.path.endswith("s002.trig")
    assert info.value.position.line in (line, line + 1)

    failed = kgraph_proc("build", env=env)
    assert failed.code == 2
    assert "Traceback" not in failed.stderr
    assert f"s002.trig:{info.value.position.line}:" in failed.stderr
    # Every other command still answers, from the previous build, with a warning.
    after = kgraph_proc("stats", "--format", "json", env=env)
    assert after.code == 0, after.stderr
    assert after.stdout == before.stdout
    assert "previous build" in after.stderr


def test_killed_build_leaves_only_a_temporary_directory(
    private_cache: Path, project_copy: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("KGRAPH_HOME", str(project_copy))

    def boom(store):  # the build dies half-way through deriving
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "materialise", boom)
    with pytest.raises(KeyboardInterrupt):
        build.build()
    assert not list(private_cache.glob("store-*"))
    monkeypatch.undo()
    monkeypatch.setenv("KGRAPH_HOME", str(project_copy))
    monkeypatch.setenv("KGRAPH_CACHE_DIR", str(private_cache))
    info = build.build()
    assert info.built and info.path.is_dir()
    assert not [p for p in private_cache.iterdir() if p.name.startswith(".building-")]


def test_installed_resources_are_found_outside_the_checkout(tmp_path: Path, kgraph_proc):
    """Run from an unrelated directory: the ontology and data are found without the repo root."""
    env = {"KGRAPH_CACHE_DIR": str(tmp_path / "c")}
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        r = kgraph_proc("stats", "--format", "json", env=env)
    finally:
        os.chdir(cwd)
    assert r.code == 0, r.stderr
    assert '"facts"' in r.stdout

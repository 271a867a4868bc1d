"""kgraph's user directories: computed without platformdirs on XDG systems, the same as it."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
import pytest

from kgraph.resources import user_dir

CASES = [
    {},  # nothing set: ~/.cache, ~/.local/share
    {"XDG_CACHE_HOME": "/srv/cache", "XDG_DATA_HOME": "/srv/data"},
    {"XDG_CACHE_HOME": "relative/cache", "XDG_DATA_HOME": "relative/data"},  # ignored: not absolute
    {"XDG_CACHE_HOME": "", "XDG_DATA_HOME": ""},
    {"XDG_CACHE_HOME": "/srv/with space/", "XDG_DATA_HOME": "/srv/trailing/"},
]


@pytest.mark.parametrize(
    "env", CASES, ids=lambda e: ",".join(f"{k}={v}" for k, v in e.items()) or "unset"
)
@pytest.mark.parametrize("home", ["/home/someone", "/root"])
def test_user_dirs_match_platformdirs(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], home: str
) -> None:
    monkeypatch.setenv("HOME", home)
    for var in ("XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert user_dir("cache") == Path(platformdirs.user_cache_dir("kgraph"))
    assert user_dir("data") == Path(platformdirs.user_data_dir("kgraph"))
    assert os.path.isabs(user_dir("cache"))


def test_the_default_store_and_overlay_use_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from kgraph.build import cache_dir
    from kgraph.overlay import data_dir

    monkeypatch.delenv("KGRAPH_CACHE_DIR", raising=False)
    monkeypatch.delenv("KGRAPH_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
    assert cache_dir() == tmp_path / "c" / "kgraph"
    assert data_dir() == tmp_path / "d" / "kgraph"

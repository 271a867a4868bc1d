"""Where the bundled ontology, data and saved queries live.

In a checkout (and an editable install) they are the top-level folders of the repository; in a
wheel they are shipped under ``kgraph/_resources``. ``KGRAPH_HOME`` overrides both, which the
tests use to build from a modified copy.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def root() -> Path:
    """The folder that holds ``ontology/``, ``data/`` and ``queries/``."""
    env = os.environ.get("KGRAPH_HOME")
    if env:
        return Path(env)
    shipped = _PACKAGE / "_resources"
    if (shipped / "ontology").is_dir():
        return shipped
    return _PACKAGE.parent.parent


def ontology_dir() -> Path:
    return root() / "ontology"


def data_dir() -> Path:
    return root() / "data"


def queries_dir() -> Path:
    return root() / "queries"


def ontology_file() -> Path:
    return ontology_dir() / "kgraph.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def data_files() -> list[Path]:
    """Every RDF file of the bundled data, in a stable order."""
    d = data_dir()
    return sorted(p for p in d.iterdir() if p.suffix in {".trig", ".ttl", ".nq", ".nt"})


def user_dir(kind: str) -> Path:
    """kgraph's user ``cache`` or ``data`` directory, as :mod:`platformdirs` names it.

    On Linux and the BSDs this is the XDG Base Directory rule (``$XDG_CACHE_HOME/kgraph``, else
    ``~/.cache/kgraph``; ``$XDG_DATA_HOME/kgraph``, else ``~/.local/share/kgraph``), computed
    here: importing platformdirs costs every command about 10 ms (it imports tempfile, shutil
    and random), a tenth of a cold ``kgraph ask``. Elsewhere platformdirs answers.
    ``tests/test_resources.py`` checks that both give the same directory.
    """
    if os.name == "posix" and not sys.platform.startswith(("darwin", "android")):
        var, default = _XDG[kind]
        base = os.environ.get(var, "")  # used only when absolute, as the specification says
        return Path(base if os.path.isabs(base) else os.path.expanduser(default)) / "kgraph"
    import platformdirs

    if kind == "cache":
        return Path(platformdirs.user_cache_dir("kgraph"))
    return Path(platformdirs.user_data_dir("kgraph"))


def cache_dir() -> Path:
    """``KGRAPH_CACHE_DIR`` or the platform's user cache directory."""
    env = os.environ.get("KGRAPH_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return user_dir("cache")


def user_data_dir() -> Path:
    """``KGRAPH_DATA_DIR`` or the platform's user data directory: where the user's own files
    live (:mod:`kgraph.overlay`)."""
    env = os.environ.get("KGRAPH_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return user_dir("data")


USER_MANIFEST = "manifest.json"  # in user_data_dir(): what the user loaded (kgraph.overlay)


def has_user_data() -> bool:
    """Whether the user loaded anything into the default store (one stat, for every command)."""
    return (user_data_dir() / USER_MANIFEST).is_file()


_XDG = {"cache": ("XDG_CACHE_HOME", "~/.cache"), "data": ("XDG_DATA_HOME", "~/.local/share")}

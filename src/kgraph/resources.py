"""Where the bundled ontology, data and saved queries live.

In a checkout (and an editable install) they are the top-level folders of the repository; in a
wheel they are shipped under ``kgraph/_resources``. ``KGRAPH_HOME`` overrides both, which the
tests use to build from a modified copy.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (cold `kgraph ask`)
if TYPE_CHECKING:
    from pathlib import Path

# The functions ending in ``_text`` give the same locations as text: a cold ``kgraph ask`` finds
# its files with them and never imports pathlib (which imports urllib.parse and ipaddress:
# about a tenth of that process, see tests/test_cold_start.py). The others give Path objects.
_PACKAGE = os.path.dirname(os.path.realpath(__file__))


def _path(text: str) -> Path:
    from pathlib import Path

    return Path(text)


def root_text() -> str:
    """:func:`root` as text."""
    env = os.environ.get("KGRAPH_HOME")
    if env:
        return env
    shipped = os.path.join(_PACKAGE, "_resources")
    if os.path.isdir(os.path.join(shipped, "ontology")):
        return shipped
    return os.path.dirname(os.path.dirname(_PACKAGE))


def root() -> Path:
    """The folder that holds ``ontology/``, ``data/`` and ``queries/``."""
    return _path(root_text())


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


_DATA_SUFFIXES = (".trig", ".ttl", ".nq", ".nt")


def input_files_text() -> list[str]:
    """The ontology file, then :func:`data_files`, as text."""
    top = root_text()
    data = os.path.join(top, "data")
    names = sorted(n for n in os.listdir(data) if os.path.splitext(n)[1] in _DATA_SUFFIXES)
    return [os.path.join(top, "ontology", "kgraph.ttl"), *(os.path.join(data, n) for n in names)]


def data_files() -> list[Path]:
    """Every RDF file of the bundled data, in a stable order."""
    return [_path(p) for p in input_files_text()[1:]]


def _user_dir_text(kind: str) -> str:
    if os.name == "posix" and not sys.platform.startswith(("darwin", "android")):
        var, default = _XDG[kind]
        base = os.environ.get(var, "")  # used only when absolute, as the specification says
        return os.path.join(base if os.path.isabs(base) else os.path.expanduser(default), "kgraph")
    import platformdirs

    if kind == "cache":
        return str(platformdirs.user_cache_dir("kgraph"))
    return str(platformdirs.user_data_dir("kgraph"))


def user_dir(kind: str) -> Path:
    """kgraph's user ``cache`` or ``data`` directory, as :mod:`platformdirs` names it.

    On Linux and the BSDs this is the XDG Base Directory rule (``$XDG_CACHE_HOME/kgraph``, else
    ``~/.cache/kgraph``; ``$XDG_DATA_HOME/kgraph``, else ``~/.local/share/kgraph``), computed
    here: importing platformdirs costs every command about 10 ms (it imports tempfile, shutil
    and random), a tenth of a cold ``kgraph ask``. Elsewhere platformdirs answers.
    ``tests/test_resources.py`` checks that both give the same directory.
    """
    return _path(_user_dir_text(kind))


def cache_dir_text() -> str:
    """:func:`cache_dir` as text."""
    env = os.environ.get("KGRAPH_CACHE_DIR")
    if env:
        return os.path.expanduser(env)
    return _user_dir_text("cache")


def cache_dir() -> Path:
    """``KGRAPH_CACHE_DIR`` or the platform's user cache directory."""
    return _path(cache_dir_text())


def _user_data_dir_text() -> str:
    env = os.environ.get("KGRAPH_DATA_DIR")
    if env:
        return os.path.expanduser(env)
    return _user_dir_text("data")


def user_data_dir() -> Path:
    """``KGRAPH_DATA_DIR`` or the platform's user data directory: where the user's own files
    live (:mod:`kgraph.overlay`)."""
    return _path(_user_data_dir_text())


USER_MANIFEST = "manifest.json"  # in user_data_dir(): what the user loaded (kgraph.overlay)


def has_user_data() -> bool:
    """Whether the user loaded anything into the default store (one stat, for every command)."""
    return os.path.isfile(os.path.join(_user_data_dir_text(), USER_MANIFEST))


_XDG = {"cache": ("XDG_CACHE_HOME", "~/.cache"), "data": ("XDG_DATA_HOME", "~/.local/share")}

"""All-or-nothing changes to an embedded store directory: a load or unload either happens
completely or not at all, whenever the process dies (SIGKILL included).

A load writes in many transactions (and the bulk loader writes outside transactions), then aligns
and derives in more; killed half-way it would leave the old data gone and the new data partial.
So before changing anything :func:`all_or_nothing` takes a RocksDB checkpoint of the store into
``kgraph-rollback/`` inside the store directory (hard links to the immutable table files: cheap,
whatever the size) and then writes the marker ``kgraph-rollback.ok``. When the change is complete
and flushed, the marker is removed: that one ``unlink`` is the commit. A change that fails with an
exception is rolled back at once; a process that dies leaves the marker, and the next process to
open the directory (:func:`recover`, called by :func:`kgraph.build.open_store`) restores the
checkpoint. A ``flock`` on ``kgraph-txn.lock``, held for the whole change and released by the
kernel when the process dies, tells a live change from a dead one.

In-memory stores need none of this (a killed process loses them anyway); remote stores cannot
offer it (SPARQL Update has no transaction across requests).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .store import Store

BACKUP = "kgraph-rollback"
MARKER = "kgraph-rollback.ok"
LOCK = "kgraph-txn.lock"
GENERATION = "kgraph-generation"  # rewritten after every committed change (readers reopen)
_OURS = {BACKUP, MARKER, LOCK, GENERATION}


def _lock(directory: Path, blocking: bool) -> int | None:
    """An exclusive ``flock`` on the directory's lock file (fd), or None when another holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no crash recovery
        return None
    fd = os.open(directory / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except OSError:
        os.close(fd)
        return None
    return fd


def _unlock(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # releases the flock


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _restore(directory: Path) -> None:
    """Put the checkpoint back in place of the store's files (idempotent: safe to redo)."""
    backup = directory / BACKUP
    for f in directory.iterdir():
        if f.name in _OURS:
            continue
        if f.is_dir() and not f.is_symlink():
            shutil.rmtree(f)
        else:
            f.unlink()
    for f in backup.iterdir():
        target = directory / f.name
        if f.suffix == ".sst":  # immutable: a hard link is enough
            try:
                os.link(f, target)
                continue
            except OSError:
                pass
        shutil.copy2(f, target)  # MANIFEST, CURRENT, OPTIONS, WAL: copied, RocksDB appends to them
    _fsync_dir(directory)
    (directory / MARKER).unlink()
    _fsync_dir(directory)
    shutil.rmtree(backup, ignore_errors=True)


def recover(directory: Path) -> bool:
    """Undo a change that a dead process left half-done in ``directory``; True when one was.

    Cheap when there is nothing to do (one ``stat``), so it runs on every open."""
    marker = directory / MARKER
    if not marker.exists():
        return False
    fd = _lock(directory, blocking=False)
    if fd is None:
        return False  # a live process is changing the store: its own business
    try:
        if not marker.exists():
            return False
        if not (directory / BACKUP / "CURRENT").exists():
            # killed while the checkpoint itself was being taken: nothing was changed yet
            marker.unlink()
            shutil.rmtree(directory / BACKUP, ignore_errors=True)
            return False
        _restore(directory)
        return True
    finally:
        _unlock(fd)


def _bump(directory: Path) -> None:
    """Tell readers (``kgraph serve`` workers) that the store changed."""
    tmp = directory / (GENERATION + ".tmp")
    tmp.write_text(f"{os.getpid()} {os.times().elapsed}\n")
    os.replace(tmp, directory / GENERATION)


@contextlib.contextmanager
def all_or_nothing(store: Store) -> Iterator[None]:
    """Run the body as one change of ``store``: on an embedded store directory, either all of it
    persists or none of it does (see the module docstring); elsewhere the body just runs."""
    if store.directory is None or not store.writable:
        yield
        return
    directory = Path(store.directory)
    fd = _lock(directory, blocking=True)
    backup, marker = directory / BACKUP, directory / MARKER
    try:
        if marker.exists():  # a dead change, found by a process that opened before it died
            store.reopen_after(lambda: _restore(directory))
        shutil.rmtree(backup, ignore_errors=True)
        store.flush()
        store.backup(backup)
        marker.write_bytes(b"")
        _fsync_dir(directory)
        try:
            yield
            store.flush()
        except BaseException:
            store.reopen_after(lambda: _restore(directory))
            raise
        marker.unlink()  # the commit
        _fsync_dir(directory)
        shutil.rmtree(backup, ignore_errors=True)
        _bump(directory)
    finally:
        _unlock(fd)

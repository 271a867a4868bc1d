"""The store cache under real processes: cold starts in parallel, SIGKILL mid-build, read-only,
missing and damaged cache directories. Every case must end with the same answer as a clean build."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

KGRAPH = str(Path(sys.executable).with_name("kgraph"))
CRASH_POINTS = int(os.environ.get("KGRAPH_CRASH_POINTS", "12"))


def _bounded() -> None:
    """At most 4 GiB of address space: a damaged store must never take the machine down."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def run(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KGRAPH_CACHE_DIR": str(cache)}
    return subprocess.run(
        [KGRAPH, *args],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        preexec_fn=_bounded,
    )


def stores(cache: Path) -> list[Path]:
    return sorted(cache.glob("store-*"))


def builds_logged(cache: Path) -> list[str]:
    log = cache / "build.log"
    return log.read_text().splitlines() if log.exists() else []


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, int]:
    """`kgraph stats --format json` from a clean build, and the store's quad count."""
    cache = tmp_path_factory.mktemp("reference-cache")
    r = run(cache, "stats", "--format", "json")
    assert r.returncode == 0, r.stderr
    (store,) = stores(cache)
    return json.loads(r.stdout), len(ox.Store.read_only(str(store)))


def stats(r: subprocess.CompletedProcess[str]) -> dict | None:
    return json.loads(r.stdout) if r.returncode == 0 and r.stdout else None


def assert_complete(store_dir: Path, quads: int) -> None:
    assert len(ox.Store.read_only(str(store_dir))) == quads


@pytest.mark.slow
def test_eight_processes_on_a_cold_cache_build_once(tmp_path: Path, reference):
    cache = tmp_path / "cache"  # does not exist yet
    env = {**os.environ, "KGRAPH_CACHE_DIR": str(cache)}
    procs = [
        subprocess.Popen(
            [KGRAPH, "stats", "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(8)
    ]
    results = [p.communicate(timeout=300) + (p.returncode,) for p in procs]
    assert [code for _out, _err, code in results] == [0] * 8, [err for _o, err, _c in results]
    assert all(json.loads(out) == reference[0] for out, _err, _code in results)
    assert all(err == "" for _out, err, _code in results)
    assert len(stores(cache)) == 1
    assert len(builds_logged(cache)) == 1
    assert not list(cache.glob(".building-*"))


@pytest.mark.slow
def test_sigkill_at_random_moments_never_leaves_a_corrupt_store(tmp_path: Path, reference):
    """Kill `kgraph build` (cold, and --force over a good store) at random moments; the next
    command always answers exactly like a clean build, and every store-* directory is complete."""
    expected, quads = reference
    cache = tmp_path / "cache"
    t0 = time.perf_counter()
    assert run(cache, "build").returncode == 0
    lifetime = time.perf_counter() - t0  # a whole cold `kgraph build` process
    rng = random.Random(8)
    killed_running = 0
    for i in range(CRASH_POINTS):
        force = i % 2 == 1
        if not force:  # cold: remove the stores, keep whatever earlier kills left behind
            for s in stores(cache):
                os.rename(s, cache / f".old-test-{i}")
        env = {**os.environ, "KGRAPH_CACHE_DIR": str(cache)}
        p = subprocess.Popen(
            [KGRAPH, "build", *(["--force"] if force else [])],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0, lifetime))
        if p.poll() is None:
            killed_running += 1
        p.send_signal(signal.SIGKILL)
        p.wait(60)
        for s in stores(cache):
            assert_complete(s, quads)
        r = run(cache, "stats", "--format", "json")
        assert r.returncode == 0, r.stderr
        assert stats(r) == expected
        assert "Traceback" not in r.stderr
    assert killed_running >= CRASH_POINTS // 3  # the kills did land while building
    # the next build clears what the killed ones left
    assert run(cache, "build", "--force").returncode == 0
    assert not list(cache.glob(".building-*")) and not list(cache.glob(".old-*"))


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make ``path`` read-only for this machine's kgraph processes, even when tests run as root
    (root ignores permissions, so then a read-only bind mount)."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        for p in [path, *path.rglob("*")]:
            if p.is_dir():
                p.chmod(0o555)
        try:
            yield
        finally:
            for p in [path, *path.rglob("*")]:
                if p.is_dir():
                    p.chmod(0o755)
            path.chmod(mode)
        return
    subprocess.run(["mount", "--bind", str(path), str(path)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(path)], check=True)


def test_read_only_cache_with_a_store_is_used_as_is(tmp_path: Path, reference):
    cache = tmp_path / "cache"
    assert run(cache, "build").returncode == 0
    with read_only(cache):
        r = run(cache, "stats", "--format", "json")
    assert (r.returncode, stats(r), r.stderr) == (0, reference[0], "")


def test_read_only_empty_cache_falls_back_to_memory_with_a_warning(tmp_path: Path, reference):
    cache = tmp_path / "cache"
    cache.mkdir()
    with read_only(cache):
        r = run(cache, "stats", "--format", "json")
        assert not list(cache.iterdir())
    assert r.returncode == 0 and stats(r) == reference[0]
    assert r.stderr.startswith("kgraph: warning: cache directory unusable (")
    assert "building the graph in memory" in r.stderr and len(r.stderr.splitlines()) == 1


def test_missing_cache_directory_is_created(tmp_path: Path, reference):
    cache = tmp_path / "not" / "there" / "yet"
    r = run(cache, "stats", "--format", "json")
    assert (r.returncode, stats(r), r.stderr) == (0, reference[0], "")
    assert len(stores(cache)) == 1


def test_uncreatable_cache_directory_falls_back_to_memory(tmp_path: Path, reference):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    r = run(blocker / "cache", "stats", "--format", "json")
    assert r.returncode == 0 and stats(r) == reference[0]
    assert r.stderr.startswith("kgraph: warning: cache directory unusable (")
    assert len(r.stderr.splitlines()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["garbage", "empty", "file", "truncated"])
def test_damaged_store_is_rebuilt(tmp_path: Path, reference, damage: str):
    cache = tmp_path / "cache"
    assert run(cache, "build").returncode == 0
    (store,) = stores(cache)
    if damage == "truncated":  # every file cut to half its size
        for f in store.iterdir():
            if f.is_file():
                with open(f, "r+b") as fh:
                    fh.truncate(f.stat().st_size // 2)
    else:
        subprocess.run(["rm", "-rf", str(store)], check=True)
        if damage == "garbage":
            store.mkdir()
            (store / "CURRENT").write_bytes(b"\x00garbage\n")
        elif damage == "empty":
            store.mkdir()
        else:
            store.write_text("x")
    r = run(cache, "stats", "--format", "json")
    assert r.returncode == 0, r.stderr
    assert stats(r) == reference[0]
    assert "Traceback" not in r.stderr
    (store,) = stores(cache)
    assert_complete(store, reference[1])
    again = run(cache, "stats", "--format", "json")
    assert (again.returncode, stats(again), again.stderr) == (0, reference[0], "")


@pytest.mark.parametrize("snapshot", [False, True], ids=["table-files", "snapshot"])
def test_a_low_descriptor_limit_does_not_cost_the_cache(tmp_path: Path, reference, snapshot: bool):
    """Issue 15, item 4: with ``ulimit -n 90`` the cached store was declared damaged and deleted.
    A resource limit is reported as such; the cache is kept, and the answer is still right.
    A store read from its snapshot opens no table files, so the limit is not met at all."""
    import resource

    cache = tmp_path / "cache"
    assert run(cache, "build").returncode == 0
    (store,) = stores(cache)
    if not snapshot:
        _drop_snapshot(store)
    inode = store.stat().st_ino

    def low() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (90, 90))

    env = {**os.environ, "KGRAPH_CACHE_DIR": str(cache)}
    r = subprocess.run(
        [KGRAPH, "stats", "--format", "json"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        preexec_fn=low,
    )
    assert r.returncode == 0 and stats(r) == reference[0], r.stderr
    if snapshot:
        assert r.stderr == ""
    else:
        assert "resource limit" in r.stderr and "the cache is kept" in r.stderr
        assert "damaged" not in r.stderr and len(r.stderr.splitlines()) == 1
    assert stores(cache) == [store] and store.stat().st_ino == inode
    assert not any("damaged" in line for line in builds_logged(cache))


def _flip_a_data_block(store: Path) -> Path:
    """Flip one byte inside the first data block of every table file of some size (a command
    reads a few of the store's indexes only); the first such file."""
    big = [p for p in sorted(store.glob("*.sst")) if p.stat().st_size > 8192]
    for sst in big:
        with open(sst, "r+b") as fh:
            fh.seek(2000)
            b = fh.read(1)
            fh.seek(2000)
            fh.write(bytes([b[0] ^ 0xFF]))
    return big[0]


@pytest.mark.slow
def test_a_flipped_block_found_at_read_time_is_rebuilt(tmp_path: Path, reference):
    """Issue 15, item 4: a flipped block in an ``.sst`` file broke every command with exit 3
    while ``kgraph build`` said "up to date". The read that finds it says so in one line,
    rebuilds the cache and answers."""
    cache = tmp_path / "cache"
    assert run(cache, "build").returncode == 0
    (store,) = stores(cache)
    _flip_a_data_block(store)
    r = run(cache, "stats", "--format", "json")
    assert r.returncode == 0 and stats(r) == reference[0], r.stderr
    assert len(r.stderr.splitlines()) == 1 and "damaged" in r.stderr and "rebuil" in r.stderr
    (store,) = stores(cache)
    assert_complete(store, reference[1])
    again = run(cache, "stats", "--format", "json")
    assert (again.returncode, stats(again), again.stderr) == (0, reference[0], "")
    # the fast `ask` path too
    (store,) = stores(cache)
    _flip_a_data_block(store)
    r = run(cache, "ask", "who directed Ballerina", "--format", "json")
    assert r.returncode == 0 and json.loads(r.stdout)["answers"], r.stderr
    assert "rebuil" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.slow
def test_build_checks_the_store_it_calls_up_to_date(tmp_path: Path, reference):
    """Issue 15, item 4: ``kgraph build`` verifies the table files against the checksums recorded
    at build time before it says "up to date"."""
    cache = tmp_path / "cache"
    assert run(cache, "build").returncode == 0
    (store,) = stores(cache)
    sst = _flip_a_data_block(store)
    r = run(cache, "build")
    assert r.returncode == 0
    assert f"damaged ({sst.name} does not match its checksum); rebuilt it" in r.stderr
    assert "up to date" not in r.stdout + r.stderr
    (store,) = stores(cache)
    assert_complete(store, reference[1])
    r = run(cache, "build")
    assert r.returncode == 0 and "up to date" in r.stdout + r.stderr and "damaged" not in r.stderr


def test_the_cached_store_is_read_from_its_snapshot(tmp_path: Path, monkeypatch, reference):
    """A read-only process loads the built store's N-Quads snapshot into memory rather than
    opening RocksDB (issue 18, cold start): the same quads, blank node labels and graphs."""
    from kgraph.build import CHECKSUMS, SNAPSHOT, default_store

    cache = tmp_path / "cache"
    assert run(cache, "build").returncode == 0
    (store_dir,) = stores(cache)
    assert SNAPSHOT in (store_dir / CHECKSUMS).read_text()
    monkeypatch.setenv("KGRAPH_CACHE_DIR", str(cache))
    served = default_store()
    disk = ox.Store.read_only(str(store_dir))
    assert served.location == str(store_dir) and not served.writable
    assert len(served.raw) == reference[1]
    assert set(map(str, served.raw)) == set(map(str, disk))  # labels of blank nodes kept
    assert set(served.raw.named_graphs()) == set(disk.named_graphs())
    with pytest.raises(RuntimeError, match="in-memory"):  # not the table files
        served.raw.backup(str(tmp_path / "copy"))


def test_a_damaged_snapshot_is_rebuilt(tmp_path: Path, reference):
    from kgraph.build import SNAPSHOT

    cache = tmp_path / "cache"
    assert run(cache, "build").returncode == 0
    (store,) = stores(cache)
    snap = store / SNAPSHOT
    data = bytearray(snap.read_bytes())
    data[len(data) // 2] ^= 0x01
    snap.write_bytes(bytes(data))
    r = run(cache, "stats", "--format", "json")
    assert r.returncode == 0 and stats(r) == reference[0], r.stderr
    assert f"{SNAPSHOT} does not match its checksum" in r.stderr and "rebuil" in r.stderr
    assert len(r.stderr.splitlines()) == 1
    again = run(cache, "stats", "--format", "json")
    assert (again.returncode, stats(again), again.stderr) == (0, reference[0], "")


def test_a_store_built_without_a_snapshot_is_opened_from_its_table_files(tmp_path: Path, reference):
    """Stores too big for a snapshot (or built before snapshots) are read through RocksDB."""

    cache = tmp_path / "cache"
    assert run(cache, "build").returncode == 0
    (store,) = stores(cache)
    _drop_snapshot(store)
    r = run(cache, "stats", "--format", "json")
    assert (r.returncode, stats(r), r.stderr) == (0, reference[0], "")
    assert stores(cache) == [store]


def _drop_snapshot(store: Path) -> None:
    """Make ``store`` one built without a snapshot (as a store too big for one is)."""
    from kgraph.build import CHECKSUMS, SNAPSHOT

    (store / SNAPSHOT).unlink()
    sums = store / CHECKSUMS
    sums.write_text("".join(ln for ln in sums.read_text().splitlines(True) if SNAPSHOT not in ln))

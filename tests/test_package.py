"""The wheel carries the ontology, the data and the saved queries."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # builds the wheel

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_ontology_data_and_queries(tmp_path: Path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("kgraph-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    res = "kgraph/_resources/"
    assert res + "ontology/kgraph.ttl" in names
    assert res + "ontology/shapes.ttl" in names
    for p in (ROOT / "data").glob("*.trig"):
        assert res + "data/" + p.name in names
    for p in (ROOT / "queries").glob("*.rq"):
        assert res + "queries/" + p.name in names

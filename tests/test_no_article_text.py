"""The project holds the facts of the articles, never their sentences.

The five articles stay in ``../shared/sources``; nothing in the repository (code, data, docs,
tests, saved queries) may repeat a run of nine words of theirs. Names and titles are short;
nine words in a row are a sentence copied.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import ROOT, sources_dir

RUN = 9
_WORD = re.compile(r"[a-z0-9]+")


def _runs(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.casefold())
    return {tuple(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _repository_files() -> list[Path]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [ROOT / p for p in out.split("\0") if p]


def test_no_run_of_nine_words_from_an_article():
    sources = sources_dir()
    articles = [p for p in sorted(sources.iterdir()) if p.suffix in (".txt", ".html")]
    assert len(articles) >= 5, sources
    theirs: dict[tuple[str, ...], str] = {}
    for a in articles:
        for r in _runs(a.read_text(encoding="utf-8", errors="replace")):
            theirs.setdefault(r, a.name)
    copied = []
    for f in _repository_files():
        try:
            text = f.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files (pictures) hold no sentences
        for r in sorted(_runs(text) & theirs.keys()):
            copied.append(f"{f.relative_to(ROOT)}: {' '.join(r)!r} ({theirs[r]})")
    assert not copied, "\n".join(copied[:20])

"""Give every character an IRI scoped by its work: ``character:ok-ju`` -> ``character:ballerina--ok-ju``.

Characters belong to their work: Tokyo of the Korean Money Heist and Tokyo of La casa de papel
are two characters, each with the label its work gives it. This script reads the bundled data
(``data/*.trig``), finds each character's work (through the performances that play it and
``kg:appearsIn``), and rewrites the character's IRI everywhere it is written — the data files
(every source's graph keeps its own statements, so attribution is unchanged) and, with
``--also``, tests and docs that spell the IRIs out.

A character already scoped (its local name starts with its work's) is left alone, so the script
can run again after new data arrives. A character of two works is reported and nothing is
written: split it by hand (one IRI per work, each with its label), then run the script again.

    python tools/scope_characters.py [--check] [--also tests/*.py docs/*.md README.md]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
NS = "https://kgraph.dev/id/"
KG = "https://kgraph.dev/ontology#"


def character_works(files: list[Path]) -> dict[str, set[str]]:
    """character local name -> the local names of the works it belongs to."""
    store = ox.Store()
    for f in files:
        store.load(path=str(f), format=ox.RdfFormat.TRIG)
    rows = store.query(
        f"""SELECT DISTINCT ?c ?w WHERE {{
              {{ ?c a <{KG}Character> }}
              OPTIONAL {{ {{ ?perf <{KG}character> ?c ; <{KG}inWork> ?w }}
                         UNION {{ ?c <{KG}appearsIn> ?w }} }}
            }}""",
        use_default_graph_as_union=True,
    )
    out: dict[str, set[str]] = {}
    for r in rows:  # type: ignore[union-attr]
        c = r["c"].value
        if not c.startswith(NS + "character/"):
            continue
        works = out.setdefault(c[len(NS + "character/") :], set())
        if r["w"] is not None:
            works.add(r["w"].value.rsplit("/", 1)[-1])
    return out


def renames(works: dict[str, set[str]]) -> tuple[dict[str, str], list[str]]:
    """old local name -> new, and the problems (characters of no or several works)."""
    out, problems = {}, []
    for c, ws in sorted(works.items()):
        if len(ws) != 1:
            problems.append(f"character:{c} belongs to {len(ws)} works ({', '.join(sorted(ws))})")
            continue
        (w,) = ws
        if c.startswith(w + "--"):
            continue  # already scoped
        out[c] = f"{w}--{c}"
    return out, problems


def rewrite(text: str, mapping: dict[str, str]) -> str:
    """Replace ``character:old``, ``…/id/character/old`` and ``character/old`` (whole local
    names only)."""
    if not mapping:
        return text
    names = "|".join(re.escape(k) for k in sorted(mapping, key=len, reverse=True))
    pattern = re.compile(rf"({re.escape(NS)}character/|character:|character/)({names})(?![\w-])")
    return pattern.sub(lambda m: m.group(1) + mapping[m.group(2)], text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="Say what would change; write nothing.")
    ap.add_argument("--also", nargs="*", default=[], help="More files to rewrite (tests, docs).")
    args = ap.parse_args()
    data = sorted((ROOT / "data").glob("*.trig"))
    mapping, problems = renames(character_works(data))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    changed = []
    for f in [*data, *(Path(p) for p in args.also)]:
        old = f.read_text(encoding="utf-8")
        new = rewrite(old, mapping)
        if new != old:
            changed.append(f)
            if not args.check:
                f.write_text(new, encoding="utf-8")
    for old, new in sorted(mapping.items()):
        print(f"character:{old} -> character:{new}")
    print(
        f"{len(mapping)} characters, {len(changed)} files {'to change' if args.check else 'changed'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

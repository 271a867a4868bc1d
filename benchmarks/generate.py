"""Generate a synthetic film graph in kgraph's ontology, as N-Quads, for benchmarks and scale tests.

    python benchmarks/generate.py --works 100000 --out /tmp/films.nq [--seed 0] [--sources 5]

What it writes (deterministic for a seed, streamed: memory stays bounded whatever ``--works``):

- works in rough release order, 70 % ``kg:Film`` and 30 % ``kg:TVSeries``, each with a
  ``skos:prefLabel``, a ``kg:year`` (``xsd:gYear``) and a ``kg:genre``;
- people whose career lengths follow a power law (Pareto, alpha 1.6, capped at 400 works): most
  people have one or two credits, a few have hundreds. People are drawn from a bounded pool of
  active careers; a person whose career is over retires and a newcomer takes the slot, so memory
  does not grow with the number of works and careers cluster in time like real ones;
- a cast per work (films about 5.5, series about 8 performers): performance nodes (the
  ontology's ``kg:Performance``, untyped as in ``data/``) with
  ``kg:performer``, ``kg:inWork``, ``kg:character`` (a new ``kg:Character`` with a label);
- a crew per work: credit nodes (``kg:Credit``) with ``kg:creditedPerson``, ``kg:inWork`` and ``kg:role``
  (``role:director``, ``role:screenwriter``, ``role:music-director``); a few directors act too;
- several sources (``source:gen-000`` … each ``a kg:Source``): each work's facts sit in one
  source graph, and about 10 % of works are stated again by a second source;
- identity (classes and the one ``skos:prefLabel``) in the curation graph, as in ``data/``;
- the shortcut triples the build derives (``kg:castMember``, ``kg:actedIn``, ``kg:workedOn``,
  ``kg:participant``, ``kg:appearsIn``, ``kg:director``, ``kg:screenwriter``, ``kg:musicBy``,
  ``kg:crewMember``), in the same graph as the facts, so a bulk-loaded file is query-ready.
  ``kg:collaboratedWith`` is not emitted: it grows with the square of the cast size and no
  kgraph command needs it.

Load it with ``pyoxigraph.Store(path).bulk_load(path=FILE, format=RdfFormat.N_QUADS)``, or with
:func:`load_into` below; :func:`stream` gives the same bytes as a file object, without a file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

KG = "https://kgraph.dev/ontology#"
ID = "https://kgraph.dev/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
CURATION = "https://kgraph.dev/graph/curation"

SURNAMES = [
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Jang",
    "Lim",
    "Han",
    "Oh",
    "Seo",
    "Shin",
    "Kwon",
    "Hwang",
    "Ahn",
    "Song",
    "Jeon",
    "Hong",
    "Yoo",
    "Ko",
    "Moon",
    "Yang",
    "Son",
    "Bae",
    "Baek",
    "Heo",
    "Nam",
    "Noh",
    "Ha",
    "Gu",
    "Do",
    "Ryu",
    "Min",
    "Jin",
    "Cha",
    "Um",
    "Won",
    "Chun",
]
SYLLABLES = [
    "min",
    "ji",
    "seo",
    "hye",
    "jun",
    "woo",
    "yeon",
    "soo",
    "hoon",
    "jae",
    "hyun",
    "eun",
    "young",
    "sung",
    "ho",
    "ah",
    "rim",
    "bin",
    "na",
    "ra",
    "kyung",
    "tae",
    "dong",
    "chan",
    "sun",
    "mi",
    "jin",
    "hee",
    "won",
    "yu",
    "ri",
    "gyu",
    "il",
    "seok",
    "hwan",
    "joo",
    "ha",
    "in",
    "ok",
]
ADJECTIVES = [
    "Silent",
    "Burning",
    "Last",
    "Hidden",
    "Broken",
    "Golden",
    "Crimson",
    "Midnight",
    "Lost",
    "Distant",
    "Wild",
    "Quiet",
    "Secret",
    "Frozen",
    "Endless",
    "Little",
    "Bitter",
    "Sweet",
    "Dark",
    "Bright",
    "Forgotten",
    "Restless",
    "Northern",
    "Paper",
    "Glass",
]
NOUNS = [
    "River",
    "Call",
    "Garden",
    "Ballerina",
    "Heist",
    "City",
    "Mirror",
    "Winter",
    "Harbour",
    "Letter",
    "Road",
    "Promise",
    "Witness",
    "Island",
    "Tide",
    "Station",
    "Orchard",
    "Signal",
    "Border",
    "Summer",
    "Shadow",
    "Crown",
    "Bridge",
    "Night",
    "Game",
    "Hour",
]
GENRES = ("thriller", "drama", "comedy", "romance", "action", "horror", "crime", "fantasy")
CREW_ROLES = (
    ("director", "director"),
    ("screenwriter", "screenwriter"),
    ("music-director", "musicBy"),
)


def _iri(x: str) -> str:
    return f"<{x}>"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


class _Careers:
    """A bounded pool of active careers; each slot holds (person IRI, works left)."""

    def __init__(self, rng: random.Random, size: int, prefix: str, emit_person) -> None:
        self.rng = rng
        self.prefix = prefix
        self.emit_person = emit_person
        self.count = 0
        self.slots: list[list] = [self._newcomer() for _ in range(size)]

    def _newcomer(self) -> list:
        self.count += 1
        # Pareto(1.6) career length: most people 1–2 works, a long tail of prolific ones.
        length = min(400, int(self.rng.paretovariate(1.6)))
        rng = self.rng
        given = rng.choice(SYLLABLES).capitalize() + "-" + rng.choice(SYLLABLES)
        label = f"{rng.choice(SURNAMES)} {given}"
        iri = f"{ID}person/{self.prefix}{self.count:07d}-{label.lower().replace(' ', '-')}"
        self.emit_person(iri, label)
        return [iri, length]

    def draw(self, k: int, taken: set[str]) -> list[str]:
        """``k`` distinct people for one work, each using up one work of their career."""
        out = []
        tries = 0
        while len(out) < k and tries < 10 * k:
            tries += 1
            i = self.rng.randrange(len(self.slots))
            slot = self.slots[i]
            if slot[0] in taken:
                continue
            taken.add(slot[0])
            out.append(slot[0])
            slot[1] -= 1
            if slot[1] <= 0:
                self.slots[i] = self._newcomer()
        return out


def quads(works: int, *, seed: int = 0, sources: int = 5) -> Iterator[str]:
    """The N-Quads lines of a synthetic graph with ``works`` works (strings ending in newline)."""
    rng = random.Random(seed)
    pending: list[str] = []

    def q(s: str, p: str, o: str, g: str) -> None:
        pending.append(f"{s} {p} {o} {g} .\n")

    cur = _iri(CURATION)
    typ = _iri(RDF_TYPE)
    pref = _iri(PREF)

    def k(name: str) -> str:
        return _iri(KG + name)

    def emit_person(iri: str, label: str) -> None:
        q(_iri(iri), typ, k("Person"), cur)
        q(_iri(iri), pref, _lit(label), cur)

    source_iris = [f"{ID}source/gen-{i:03d}" for i in range(sources)]
    for i, s in enumerate(source_iris):
        q(_iri(s), typ, k("Source"), cur)
        q(_iri(s), pref, _lit(f"Synthetic source {i}"), cur)
    pool = max(100, min(30_000, works // 4))
    actors = _Careers(rng, pool, "a", emit_person)
    crew = _Careers(rng, max(50, pool // 3), "c", emit_person)
    yield from pending
    pending.clear()

    for w in range(works):
        series = rng.random() < 0.3
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        if rng.random() < 0.5:
            title = "The " + title
        slug = f"w{w:07d}-" + title.lower().replace(" ", "-")
        work = _iri(f"{ID}work/{slug}")
        year = 1960 + (65 * w) // max(1, works) + rng.randrange(-2, 3)
        q(work, typ, k("TVSeries" if series else "Film"), cur)
        q(work, pref, _lit(title), cur)
        stated_by = [rng.choice(source_iris)]
        if sources > 1 and rng.random() < 0.1:
            stated_by.append(rng.choice([s for s in source_iris if s != stated_by[0]]))

        taken: set[str] = set()
        n_cast = 2 + min(40, int(rng.expovariate(1 / (6 if series else 3.5))))
        cast = actors.draw(n_cast, taken)
        directors = crew.draw(2 if series and rng.random() < 0.5 else 1, taken)
        if rng.random() < 0.05:  # an actor who also directs
            directors += actors.draw(1, taken)
        writers = directors[:1] if rng.random() < 0.3 else crew.draw(1, taken)
        music = crew.draw(1, taken)
        chars = []
        for j, _ in enumerate(cast):
            c = _iri(f"{ID}character/{slug}--c{j}")
            label = rng.choice(SYLLABLES).capitalize() + "-" + rng.choice(SYLLABLES)
            q(c, typ, k("Character"), cur)
            q(c, pref, _lit(label), cur)
            chars.append(c)

        for g_iri in stated_by:
            g = _iri(g_iri)
            q(work, k("year"), f'"{year}"^^<{GYEAR}>', g)
            q(work, k("genre"), f'"{rng.choice(GENRES)}"', g)
            for j, person in enumerate(cast):
                p = _iri(person)
                perf = _iri(f"{ID}performance/{slug}--{person.rsplit('/', 1)[1]}--c{j}")
                q(perf, k("performer"), p, g)
                q(perf, k("inWork"), work, g)
                q(perf, k("character"), chars[j], g)
                # derived shortcuts, as the build would add them
                q(work, k("castMember"), p, g)
                q(p, k("actedIn"), work, g)
                q(p, k("workedOn"), work, g)
                q(perf, k("participant"), p, g)
                q(chars[j], k("appearsIn"), work, g)
            for (role, shortcut), people in zip(CREW_ROLES, (directors, writers, music)):
                for person in people:
                    p = _iri(person)
                    cr = _iri(f"{ID}credit/{slug}--{person.rsplit('/', 1)[1]}--{role}")
                    q(cr, k("creditedPerson"), p, g)
                    q(cr, k("inWork"), work, g)
                    q(cr, k("role"), _iri(f"{ID}role/{role}"), g)
                    q(work, k(shortcut), p, g)
                    q(work, k("crewMember"), p, g)
                    q(p, k("workedOn"), work, g)
                    q(cr, k("participant"), p, g)
        yield from pending
        pending.clear()


def write(out: IO[str], works: int, *, seed: int = 0, sources: int = 5) -> int:
    """Write the graph to an open text stream; returns the number of quads written."""
    n = 0
    buf: list[str] = []
    for line in quads(works, seed=seed, sources=sources):
        buf.append(line)
        if len(buf) >= 10_000:
            out.write("".join(buf))
            n += len(buf)
            buf.clear()
    out.write("".join(buf))
    return n + len(buf)


def generate(path: str | Path, works: int, *, seed: int = 0, sources: int = 5) -> int:
    """Write the graph to ``path`` (N-Quads); returns the number of quads (duplicates included)."""
    with open(path, "w", encoding="utf-8") as f:
        return write(f, works, seed=seed, sources=sources)


class _Reader(io.RawIOBase):
    """The generated N-Quads as a binary file object, produced as it is read."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        while len(self._buf) < len(b):
            chunk = "".join(itertools.islice(self._lines, 2000))
            if not chunk:
                break
            self._buf += chunk.encode("utf-8")
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n


def stream(works: int, *, seed: int = 0, sources: int = 5) -> IO[bytes]:
    """The graph as a readable binary stream, for ``Store.bulk_load(stream(...), format=N_QUADS)``
    without writing a file."""
    return io.BufferedReader(_Reader(quads(works, seed=seed, sources=sources)), 1 << 20)


def load_into(
    store_path: str | Path | None, nq_file: str | Path | IO[bytes], *, ontology: bool = True
):
    """Bulk-load a generated file into a new pyoxigraph store (on disk, or in memory when None).

    With ``ontology`` the kgraph ontology goes into its graph too, as in every kgraph store.
    Returns the :class:`pyoxigraph.Store`.
    """
    import pyoxigraph as ox

    store = ox.Store(str(store_path)) if store_path is not None else ox.Store()
    if isinstance(nq_file, (str, Path)):
        store.bulk_load(path=str(nq_file), format=ox.RdfFormat.N_QUADS)
    else:
        store.bulk_load(nq_file, format=ox.RdfFormat.N_QUADS)
    if ontology:
        from kgraph import resources
        from kgraph.terms import ONTOLOGY_GRAPH

        store.bulk_load(
            path=str(resources.ontology_file()),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode(ONTOLOGY_GRAPH),
        )
    if store_path is not None:
        store.flush()
    return store


IMDB_HEADERS = {
    "title.basics": "tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres",
    "name.basics": "nconst\tprimaryName\tbirthYear\tdeathYear\tprimaryProfession\tknownForTitles",
    "title.principals": "tconst\tordering\tnconst\tcategory\tjob\tcharacters",
    "title.crew": "tconst\tdirectors\twriters",
    "title.episode": "tconst\tparentTconst\tseasonNumber\tepisodeNumber",
    "title.akas": "titleId\tordering\ttitle\tregion\tlanguage\ttypes\tattributes\tisOriginalTitle",
    "title.ratings": "tconst\taverageRating\tnumVotes",
}
IMDB_GENRES = ("Drama", "Comedy", "Thriller", "Romance", "Action", "Horror", "Crime", "Fantasy")


def imdb(directory: str | Path, titles: int, *, seed: int = 0, gz: bool = True) -> dict[str, int]:
    """Write IMDb-format dataset files (the seven ``*.tsv.gz``, or ``.tsv`` without ``gz``) with
    ``titles`` rows in ``title.basics`` (films, series and their episodes), streamed: memory stays
    bounded whatever the size. Returns the rows written per file.

    The shape follows the real files: ``\\N`` for unknown values, a ``characters`` JSON array
    for actors and \\N for crew, people with power-law careers (see :class:`_Careers`), each
    person in ``name.basics`` once, in order of their first credit.
    """
    import gzip

    rng = random.Random(seed)
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    suffix = ".tsv.gz" if gz else ".tsv"
    stack = contextlib.ExitStack()
    files: dict[str, IO[str]] = {}
    for name, header in IMDB_HEADERS.items():
        path = out / (name + suffix)
        opened = (
            gzip.open(path, "wt", encoding="utf-8", compresslevel=1, newline="\n")  # noqa: SIM115
            if gz
            else open(path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115 - closed by the stack
        )
        f: IO[str] = stack.enter_context(opened)  # type: ignore[arg-type]
        f.write(header + "\n")
        files[name] = f
    rows = dict.fromkeys(IMDB_HEADERS, 0)
    bufs: dict[str, list[str]] = {name: [] for name in IMDB_HEADERS}

    def row(name: str, *fields: object) -> None:
        bufs[name].append("\t".join("\\N" if v is None else str(v) for v in fields) + "\n")
        rows[name] += 1

    professions: dict[str, str] = {}

    def emit_person(iri: str, label: str) -> None:
        nconst = iri
        born = rng.randrange(1930, 2005) if rng.random() < 0.6 else None
        died = born + rng.randrange(40, 90) if born and born < 1960 and rng.random() < 0.3 else None
        job = professions.get("next", "actor")
        row("name.basics", nconst, label, born, died if died and died < 2025 else None, job, None)

    count = {"n": 0}

    class _ImdbCareers(_Careers):
        def _newcomer(self) -> list:  # type: ignore[override]
            self.count += 1
            length = min(400, int(self.rng.paretovariate(1.6)))
            rng = self.rng
            given = rng.choice(SYLLABLES).capitalize() + "-" + rng.choice(SYLLABLES)
            label = f"{rng.choice(SURNAMES)} {given}"
            count["n"] += 1
            nconst = f"nm{count['n']:07d}"
            professions["next"] = self.prefix
            self.emit_person(nconst, label)
            return [nconst, length]

    pool = max(100, min(30_000, titles // 4))
    actors = _ImdbCareers(rng, pool, "actor,actress", emit_person)
    crew = _ImdbCareers(rng, max(50, pool // 3), "director,writer,composer,producer", emit_person)
    t = 0

    def title(kind: str, label: str, year: int | None, parent: str | None = None) -> str:
        nonlocal t
        t += 1
        tconst = f"tt{t:07d}"
        original = label if rng.random() < 0.9 else label.upper()
        genres = (
            ",".join(sorted(rng.sample(IMDB_GENRES, rng.randint(1, 3))))
            if rng.random() < 0.95
            else None
        )
        runtime = rng.randrange(20, 180) if rng.random() < 0.8 else None
        row("title.basics", tconst, kind, label, original, 0, year, None, runtime, genres)
        if rng.random() < 0.3:
            row("title.akas", tconst, 1, label, "KR", "ko", "imdbDisplay", None, 0)
            row("title.akas", tconst, 2, original, None, None, "original", None, 1)
        if rng.random() < 0.7:
            row("title.ratings", tconst, f"{rng.uniform(1, 10):.1f}", rng.randrange(5, 500_000))
        taken: set[str] = set()
        cast = actors.draw(2 + min(40, int(rng.expovariate(1 / 3.5))), taken)
        directors = crew.draw(1, taken)
        writers = directors[:1] if rng.random() < 0.3 else crew.draw(1, taken)
        music = crew.draw(1, taken) if rng.random() < 0.6 else []
        producers = crew.draw(1, taken) if rng.random() < 0.4 else []
        order = 0
        for j, nconst in enumerate(cast):
            order += 1
            who = "actor" if rng.random() < 0.55 else "actress"
            name = rng.choice(SYLLABLES).capitalize() + "-" + rng.choice(SYLLABLES)
            chars = json.dumps(
                [name] if rng.random() < 0.9 else [name, "Young " + name], ensure_ascii=False
            )
            row(
                "title.principals",
                tconst,
                order,
                nconst,
                who,
                None,
                chars if rng.random() < 0.95 else None,
            )
        for category, people in (
            ("director", directors),
            ("writer", writers),
            ("composer", music),
            ("producer", producers),
        ):
            for nconst in people:
                if category == "writer" and nconst in directors:
                    continue
                order += 1
                row("title.principals", tconst, order, nconst, category, None, None)
        row("title.crew", tconst, ",".join(directors) or None, ",".join(writers) or None)
        if parent is not None:
            row("title.episode", tconst, parent, rng.randrange(1, 4), rng.randrange(1, 13))
        for name, buf in bufs.items():
            if len(buf) >= 5_000:
                files[name].write("".join(buf))
                buf.clear()
        return tconst

    while t < titles:
        year = 1960 + (65 * t) // max(1, titles) + rng.randrange(-2, 3)
        label = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        if rng.random() < 0.5:
            label = "The " + label
        if rng.random() < 0.3 and titles - t > 1:
            series = title("tvSeries", label, year if rng.random() < 0.97 else None)
            for e in range(min(titles - t, rng.randint(1, 6))):
                title("tvEpisode", f"Episode #{e + 1}", None, parent=series)
        else:
            title(
                "movie" if rng.random() < 0.85 else "tvMovie",
                label,
                year if rng.random() < 0.97 else None,
            )
    with stack:
        for name, f in files.items():
            f.write("".join(bufs[name]))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--works", type=int, required=True, help="number of works (films and series)")
    ap.add_argument("--out", help="output N-Quads file ('-' for stdout)")
    ap.add_argument(
        "--imdb",
        metavar="DIR",
        help="write IMDb-format dataset files (*.tsv.gz) with --works titles into DIR instead",
    )
    ap.add_argument("--plain", action="store_true", help="with --imdb: .tsv files, not gzip'd")
    ap.add_argument("--seed", type=int, default=0, help="random seed (same seed, same file)")
    ap.add_argument("--sources", type=int, default=5, help="number of source graphs")
    args = ap.parse_args(argv)
    if args.works < 1 or args.sources < 1:
        ap.error("--works and --sources must be at least 1")
    if args.imdb:
        rows = imdb(args.imdb, args.works, seed=args.seed, gz=not args.plain)
        print(", ".join(f"{k} {v}" for k, v in rows.items()), file=sys.stderr)
        return 0
    if not args.out:
        ap.error("give --out FILE (N-Quads) or --imdb DIR")
    if args.out == "-":
        n = write(sys.stdout, args.works, seed=args.seed, sources=args.sources)
    else:
        n = generate(args.out, args.works, seed=args.seed, sources=args.sources)
    print(f"wrote {n} quads for {args.works} works", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

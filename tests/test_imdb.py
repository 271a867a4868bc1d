"""``kgraph import-imdb``: IMDb's dataset files (generated here in IMDb's format: the real files are
not available offline) become films, series, episodes, people, performances with characters and
credits; bad rows are reported by line and skipped; ask / path / shared answer from the result
as the fixture says they should."""

from __future__ import annotations

import gzip
import json
import sys
from collections import defaultdict, deque
from pathlib import Path

import pytest

from kgraph import KnowledgeGraph
from kgraph.build import RULES, open_store
from kgraph.errors import InputError
from kgraph.imdb import FILES, import_imdb, person_iri, source_name, work_iri
from kgraph.loading import loaded_sources, unload
from kgraph.terms import KG_NS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

N = "\\N"

# Each file: (rows, lines that are bad and why). A row is a list of fields, or a raw string
# for a malformed line. Line numbers count the header as line 1.
BASICS = [
    ["tt0000001", "movie", "The Call", "콜", "0", "2020", N, "112", "Drama,Thriller"],
    ["tt0000002", "movie", "Ballerina", "Ballerina", "0", "2023", N, "93", "Action"],
    [
        "tt0000003",
        "tvSeries",
        "Money Heist: Korea",
        "Money Heist: Korea",
        "0",
        "2022",
        N,
        N,
        "Crime",
    ],
    ["tt0000004", "tvEpisode", "Episode #1.1", "Episode #1.1", "0", N, N, N, N],
    ["tt0000005", "short", "Bad Year", "Bad Year", "0", "20x3", N, N, N],  # bad: startYear
    "tt0000009\tmovie\tToo Few Fields\t0\t2001\t\\N\t\\N\t\\N",  # bad: 8 fields
    ["tt0000006", "videoGame", "The Game", "The Game", "0", "2021", N, N, N],
    [N, "movie", "No Id", "No Id", "0", "2020", N, N, N],  # bad: tconst \N
    ["tt0000007", "tvMiniSeries", "Night Tide", "Night Tide", "0", "2019", "2019", N, "Drama"],
]
NAMES = [
    ["nm0000001", "Park Shin-hye", "1990", N, "actress", "tt0000001"],
    ["nm0000002", "Jeon Jong-seo", "1994", N, "actress", N],
    ["nm0000003", "Lee Chung-hyun", "1990", N, "director,writer", N],
    ["nm0000004", "Kim Ji-hoon", N, N, "actor", N],
    ["nm0000005", "Yoo Ji-tae", "1976", N, "actor", N],
    ["nm0000006", "Park Yu-rim", N, N, "actress", N],
    ["nm0000007", "Dal Park", "1940", "2020", "composer,music_department", N],
    ["nm00x0008", "Bad Id", N, N, N, N],  # bad: nconst
    ["nm0000009", N, N, N, N, N],  # bad: primaryName \N
    ["nm0000010", "Han Seo", N, N, "actress", N],
]
PRINCIPALS = [
    ["tt0000001", "1", "nm0000001", "actress", N, '["Seo-yeon"]'],
    ["tt0000001", "2", "nm0000002", "actress", N, '["Young-sook"]'],
    ["tt0000001", "3", "nm0000003", "director", N, N],
    ["tt0000001", "4", "nm0000007", "composer", N, N],
    ["tt0000001", "5", "nm0000001", "actress", N, '["Seo-yeon'],  # bad: JSON
    ["tt0000002", "1", "nm0000002", "actress", N, '["Ok-ju"]'],
    ["tt0000002", "2", "nm0000004", "actor", N, '["Choi Pro"]'],
    ["tt0000002", "3", "nm0000006", "actress", N, '["Min-hee", "Min-hee\'s ghost"]'],
    ["tt0000002", "4", "nm0000003", "director", N, N],
    ["tt0000002", "5", "nm0000007", "producer", "producer", N],
    ["tt0000002", "6", N, "actor", N, '["Nobody"]'],  # bad: nconst \N
    ["tt0000003", "1", "nm0000002", "actress", N, '["Tokyo"]'],
    ["tt0000003", "2", "nm0000005", "actor", N, '["The Professor"]'],
    ["tt0000003", "3", "nm0000004", "actor", N, '["Berlin"]'],
    ["tt0000003", "4", "nm0000006", "self", N, '["Self"]'],
    ["tt0000004", "1", "nm0000005", "actor", N, '["The Professor"]'],
    ["tt0000007", "1", "nm0000010", "actress", N, '["Mara"]'],
    ["tt0000007", "2", "nm0000007", "cinematographer", N, N],
]
CREW = [
    ["tt0000001", "nm0000003", "nm0000003"],
    ["tt0000002", "nm0000003", N],
    ["tt0000003", N, N],
    ["tt0000004", "nmX", N],  # bad: directors
]
EPISODES = [
    ["tt0000004", "tt0000003", "1", "1"],
    ["tt0000008", N, "1", "2"],  # bad: parentTconst \N
]
AKAS = [
    ["tt0000001", "1", "콜", "KR", "ko", "imdbDisplay", N, "0"],
    ["tt0000001", "2", "Der Anruf", "DE", N, "imdbDisplay", N, "0"],
]
RATINGS = [
    ["tt0000001", "7.1", "54321"],
    ["tt0000002", "eleven", "10"],  # bad: averageRating
]
ALL = {
    "title.basics": BASICS,
    "name.basics": NAMES,
    "title.principals": PRINCIPALS,
    "title.crew": CREW,
    "title.episode": EPISODES,
    "title.akas": AKAS,
    "title.ratings": RATINGS,
}
BAD = {  # file -> {line: a word of the reason}
    "title.basics": {6: "startYear", 7: "8 fields", 9: "tconst"},
    "name.basics": {9: "nconst", 10: "primaryName"},
    "title.principals": {6: "JSON", 12: "nconst"},
    "title.crew": {5: "directors"},
    "title.episode": {3: "parentTconst"},
    "title.ratings": {3: "averageRating"},
}
ACTING = {"actor", "actress", "self"}


def write_fixture(
    directory: Path, *, gz: set[str] | None = None, skip: tuple[str, ...] = ()
) -> Path:
    """The fixture as IMDb-format files; those named in ``gz`` gzip'd, the others plain."""
    gz = set(FILES) if gz is None else gz
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in ALL.items():
        if name in skip:
            continue
        lines = ["\t".join(FILES[name])]
        lines += [r if isinstance(r, str) else "\t".join(r) for r in rows]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        if name in gz:
            (directory / f"{name}.tsv.gz").write_bytes(gzip.compress(data))
        else:
            (directory / f"{name}.tsv").write_bytes(data)
    return directory


def _good(name: str) -> list[list[str]]:
    bad = BAD.get(name, {})
    return [r for i, r in enumerate(ALL[name], 2) if i not in bad and not isinstance(r, str)]


def _labels() -> dict[str, str]:
    return {r[0]: r[1] for r in _good("name.basics")} | {r[0]: r[2] for r in _good("title.basics")}


def _worked_on() -> dict[str, set[str]]:
    """person id -> title ids, from the fixture's good principals and crew rows."""
    out: dict[str, set[str]] = defaultdict(set)
    for r in _good("title.principals"):
        out[r[2]].add(r[0])
    for r in _good("title.crew"):
        for col in r[1:]:
            if col != N:
                for p in col.split(","):
                    out[p].add(r[0])
    return out


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("imdb")
    d = write_fixture(root / "dump", gz={"title.basics", "title.principals", "title.akas"})
    store = open_store(str(root / "store"), read_only=False)
    report = import_imdb(store, d)
    yield store, report, d
    store.close()


def _values(store, s: str, p: str) -> set[str]:
    rows = store.select(f"SELECT ?o WHERE {{ <{s}> <{p}> ?o }}")
    return {r["o"].value for r in rows}


def _has(store, s: str, p: str, o: str) -> bool:
    return o in _values(store, s, p)


def test_report_counts_rows_and_names_every_bad_line(imported):
    _, report, _ = imported
    by_file = {f.name: f for f in report.files}
    assert set(by_file) == set(FILES)  # every file read, gzip'd or not
    assert report.missing == []
    for name, rows in ALL.items():
        f = by_file[name]
        bad = BAD.get(name, {})
        assert f.skipped == len(bad), (name, f.problems)
        assert f.rows == len(rows) - len(bad)
        assert [line for line, _ in f.problems] == sorted(bad)
        for line, why in f.problems:
            assert bad[line] in why, (name, line, why)
    assert report.source.endswith("/" + source_name(imported[2]))
    assert report.triples > 0


def test_titles_become_films_series_episodes_and_works(imported):
    store, _, _ = imported
    kinds = {
        "movie": "Film",
        "tvSeries": "TVSeries",
        "tvMiniSeries": "TVSeries",
        "tvEpisode": "Episode",
        "videoGame": "Work",
    }
    for r in _good("title.basics"):
        w = work_iri(r[0])
        assert _values(store, w, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type") == {
            KG_NS + kinds[r[1]]
        }
        assert _values(store, w, "http://www.w3.org/2004/02/skos/core#prefLabel") == {r[2]}
        assert _values(store, w, KG_NS + "imdbId") == {r[0]}
        assert _values(store, w, KG_NS + "year") == ({r[5]} if r[5] != N else set())
        genres = set() if r[8] == N else {g.lower() for g in r[8].split(",")}
        assert _values(store, w, KG_NS + "genre") == genres
    # bad rows left nothing behind
    assert not _values(store, work_iri("tt0000005"), KG_NS + "imdbId")
    assert not _values(store, work_iri("tt0000009"), KG_NS + "imdbId")


def test_alternative_titles_ratings_and_episodes(imported):
    store, _, _ = imported
    call = work_iri("tt0000001")
    alts = store.select(f"SELECT ?l WHERE {{ <{call}> skos:altLabel ?l }}")
    assert {(r["l"].value, r["l"].language) for r in alts} == {
        ("콜", "ko"),
        ("콜", None),
        ("Der Anruf", None),
    }
    assert _values(store, call, KG_NS + "imdbRating") == {"7.1"}
    assert _values(store, call, KG_NS + "imdbVotes") == {"54321"}
    assert not _values(store, work_iri("tt0000002"), KG_NS + "imdbRating")  # its row is bad
    ep = work_iri("tt0000004")
    assert _values(store, ep, KG_NS + "episodeOf") == {work_iri("tt0000003")}
    assert _values(store, ep, KG_NS + "seasonNumber") == {"1"}
    assert _values(store, ep, KG_NS + "episodeNumber") == {"1"}


def test_people_performances_characters_and_credits(imported):
    store, _, _ = imported
    for r in _good("name.basics"):
        p = person_iri(r[0])
        assert _values(store, p, "http://www.w3.org/2004/02/skos/core#prefLabel") == {r[1]}
        assert _values(store, p, KG_NS + "birthYear") == ({r[2]} if r[2] != N else set())
    assert _values(store, person_iri("nm0000007"), KG_NS + "occupation") == {
        "composer",
        "music department",
    }
    # every character of the characters arrays, played in its work (none for "self")
    rows = store.select(
        "SELECT ?who ?w ?name WHERE { ?perf a kg:Performance ; kg:performer ?who ; kg:inWork ?w ; "
        "kg:character ?c . ?c skos:prefLabel ?name ; kg:appearsIn ?w }"
    )
    got = {(r["who"].value, r["w"].value, r["name"].value) for r in rows}
    want = {
        (person_iri(r[2]), work_iri(r[0]), c)
        for r in _good("title.principals")
        if r[3] in ACTING - {"self"} and r[5] != N
        for c in json.loads(r[5])
    }
    assert got == want
    assert _has(store, work_iri("tt0000003"), KG_NS + "castMember", person_iri("nm0000006"))  # self
    # credits: principals and crew give one credit per (work, person, role)
    credits = store.select(
        "SELECT ?w ?p ?role WHERE { ?cr a kg:Credit ; kg:inWork ?w ; kg:creditedPerson ?p ; kg:role ?role }"
    )
    got_credits = {(r["w"].value, r["p"].value, r["role"].value.rsplit("/", 1)[1]) for r in credits}
    assert got_credits == {
        (work_iri("tt0000001"), person_iri("nm0000003"), "director"),
        (work_iri("tt0000001"), person_iri("nm0000003"), "screenwriter"),
        (work_iri("tt0000001"), person_iri("nm0000007"), "music-director"),
        (work_iri("tt0000002"), person_iri("nm0000003"), "director"),
        (work_iri("tt0000002"), person_iri("nm0000007"), "producer"),
        (work_iri("tt0000007"), person_iri("nm0000007"), "contributor"),
    }
    assert _has(store, work_iri("tt0000001"), KG_NS + "musicBy", person_iri("nm0000007"))
    assert _has(store, work_iri("tt0000002"), KG_NS + "producer", person_iri("nm0000007"))
    assert _has(store, work_iri("tt0000002"), KG_NS + "director", person_iri("nm0000003"))


def test_the_build_rules_add_nothing_to_an_import(imported):
    """The shortcuts the importer writes are exactly what the derivation rules would add."""
    store, _, _ = imported
    before = len(store)
    for rule in RULES[:3]:  # performances, characters, credits (the others concern awards etc.)
        store.update(rule)
    assert len(store) == before


def test_ask_path_and_shared_answer_as_the_fixture_says(imported):
    store, _, _ = imported
    kg = KnowledgeGraph(store)
    labels = _labels()
    worked = _worked_on()
    cast: dict[str, set[str]] = defaultdict(set)
    for r in _good("title.principals"):
        if r[3] in ACTING:
            cast[r[0]].add(r[2])
    jeon = "nm0000002"
    want = {labels[p] for t, people in cast.items() if jeon in people for p in people} - {
        labels[jeon]
    }
    ans = kg.ask(f"co-stars of {labels[jeon]}")
    assert {a.label for a in ans.answers} == want

    # shared works of two people
    a, b = "nm0000002", "nm0000004"
    res = kg.shared(labels[a], labels[b])
    assert {w.work.label for w in res.works} == {labels[t] for t in worked[a] & worked[b]}

    # shortest path: breadth-first search over the fixture's person-work graph
    def hops(x: str, y: str) -> int:
        seen, todo = {x: 0}, deque([x])
        while todo:
            p = todo.popleft()
            for t in worked[p]:
                for q in (q for q, ts in worked.items() if t in ts):
                    if q not in seen:
                        seen[q] = seen[p] + 1
                        todo.append(q)
        return seen[y]

    src, dst = "nm0000001", "nm0000005"
    path = kg.path(labels[src], labels[dst])
    assert path.hops == hops(src, dst) == 2
    assert [n.label for n in path.paths[0]][::2] == [labels[src], labels["nm0000002"], labels[dst]]


def test_import_again_replaces_and_unload_removes(tmp_path: Path):
    d = write_fixture(tmp_path / "dump", gz=set())  # plain .tsv files this time
    store = open_store(str(tmp_path / "store"), read_only=False)
    base = len(store)
    first = import_imdb(store, d)
    n = len(store)
    second = import_imdb(store, d)
    assert len(store) == n and second.source == first.source
    assert [s["file"] for s in loaded_sources(store)] == [source_name(d)]
    removed = unload(store, source_name(d))
    assert removed > 0 and len(store) == base
    store.close()


def test_optional_files_may_be_missing_but_title_basics_may_not(tmp_path: Path):
    d = write_fixture(tmp_path / "some", skip=("title.akas", "title.ratings", "title.episode"))
    store = open_store("memory:")
    report = import_imdb(store, d)
    assert report.missing == ["title.episode", "title.akas", "title.ratings"]
    assert _values(store, work_iri("tt0000001"), KG_NS + "imdbRating") == set()
    e = write_fixture(tmp_path / "none", skip=("title.basics",))
    with pytest.raises(InputError, match="title.basics"):
        import_imdb(store, e)
    with pytest.raises(InputError, match="no such directory"):
        import_imdb(store, tmp_path / "absent")


def test_a_file_that_is_not_imdb_fails_before_anything_is_written(tmp_path: Path):
    d = write_fixture(tmp_path / "dump")
    (d / "title.crew.tsv.gz").write_bytes(gzip.compress(b"id\tdirector\nx\ty\n"))
    store = open_store("memory:")
    before = len(store)
    with pytest.raises(InputError, match=r"title.crew.tsv.gz:1: not an IMDb title.crew file"):
        import_imdb(store, d)
    assert len(store) == before


def test_bytes_that_are_not_utf8_are_a_reported_row(tmp_path: Path):
    d = write_fixture(tmp_path / "dump", gz=set())
    p = d / "name.basics.tsv"
    p.write_bytes(p.read_bytes() + b"nm0000011\tBad \xff Name\t\\N\t\\N\tactor\t\\N\n")
    report = import_imdb(open_store("memory:"), d)
    names = next(f for f in report.files if f.name == "name.basics")
    assert (len(NAMES) + 2, "not valid UTF-8 (byte 0xff)") in names.problems


def test_cli_imports_reports_bad_lines_and_refuses_bad_input(tmp_path: Path, cli):
    d = write_fixture(tmp_path / "dump")
    store = str(tmp_path / "store")
    r = cli("--store", store, "import-imdb", str(d))
    assert r.code == 0, r.stderr
    assert "title.principals.tsv.gz:6: skipped: characters" in r.stderr
    assert "name.basics.tsv.gz:10: skipped: primaryName is \\N" in r.stderr
    assert (
        f"imported {sum(len(v) for v in ALL.values()) - sum(len(v) for v in BAD.values())} rows"
        in r.stderr
    )
    r = cli("--store", store, "import-imdb", str(d), "--format", "json")
    doc = json.loads(r.stdout)
    assert doc["skipped"] == sum(len(v) for v in BAD.values())
    assert {"line": 7, "problem": "8 fields, expected 9"} in doc["files"][0]["problems"]
    r = cli("--store", store, "import-imdb", str(tmp_path / "absent"))
    assert r.code == 2 and "no such directory" in r.stderr and "Traceback" not in r.stderr
    r = cli("import-imdb", str(d))  # the bundled graph is read-only
    assert r.code == 2


def test_generated_imdb_files_import_without_a_skipped_row(tmp_path: Path):
    import generate

    rows = generate.imdb(tmp_path / "gen", 300, seed=3)
    assert rows["title.basics"] == 300
    store = open_store("memory:")
    report = import_imdb(store, tmp_path / "gen")
    assert report.skipped == 0
    assert {f.name: f.rows for f in report.files} == rows
    n_works = store.select(
        "SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE { ?w kg:imdbId ?id FILTER STRSTARTS(?id, 'tt') }"
    )
    assert int(n_works[0]["n"].value) == 300
    # the same seed gives the same files, the same files the same graph
    generate.imdb(tmp_path / "again", 300, seed=3)
    for name in FILES:
        assert gzip.decompress(
            (tmp_path / "gen" / f"{name}.tsv.gz").read_bytes()
        ) == gzip.decompress((tmp_path / "again" / f"{name}.tsv.gz").read_bytes())

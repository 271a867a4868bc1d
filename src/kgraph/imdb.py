"""Importing IMDb's non-commercial dataset files (https://developer.imdb.com/non-commercial-datasets/).

:func:`import_imdb` reads the tab-separated files as IMDb publishes them, gzip'd or not, from one
directory:

=====================  ========  ==========================================================
file                   needed    becomes
=====================  ========  ==========================================================
``title.basics``       yes       works: ``kg:Film`` (movie, short, tvMovie, tvShort, video,
                                 tvSpecial), ``kg:TVSeries`` (tvSeries, tvMiniSeries),
                                 ``kg:Episode`` (tvEpisode), ``kg:Work`` (anything else);
                                 ``skos:prefLabel`` (primaryTitle), ``skos:altLabel``
                                 (originalTitle when it differs), ``kg:year`` (startYear),
                                 ``kg:genre`` (each genre, lower case)
``name.basics``        no        people: ``kg:Person``, ``skos:prefLabel``, ``kg:birthYear``,
                                 ``kg:deathYear``, ``kg:occupation`` (each primaryProfession)
``title.principals``   no        actor, actress, self: a ``kg:Performance`` per character of
                                 the ``characters`` JSON array (``kg:character`` → a
                                 ``kg:Character`` scoped by the work; none for "self", where
                                 the person appears as themselves); director, writer,
                                 composer, producer: a ``kg:Credit`` with ``role:director``,
                                 ``role:screenwriter``, ``role:music-director``,
                                 ``role:producer``; every other category a ``role:contributor``
                                 credit
``title.crew``         no        director and writer credits (the same credit nodes as from
                                 principals, so a credit stated in both files is one credit)
``title.episode``      no        ``kg:episodeOf`` the series, ``kg:seasonNumber``,
                                 ``kg:episodeNumber``
``title.akas``         no        ``skos:altLabel`` (language-tagged when IMDb gives the
                                 language)
``title.ratings``      no        ``kg:imdbRating``, ``kg:imdbVotes``
=====================  ========  ==========================================================

Every title and person keeps its IMDb id as ``kg:imdbId`` (Wikidata's P345) and its IRI is made
from it (``https://kgraph.dev/id/work/imdb-tt0111161``, ``…/person/imdb-nm0000151``), so a
second import of a newer dump updates the same entities. The shortcut triples the build derives
(``kg:castMember``, ``kg:actedIn``, ``kg:workedOn``, ``kg:director`` …) are written along with
the performances and credits, so the result is query-ready without a derivation pass over the
whole store (``tests/test_imdb.py`` checks that the build's rules add nothing to it).

The files are read one line at a time and turned into N-Triples in a temporary file, which
:func:`kgraph.loading.load` then adds as one source (``imdb-<directory name>.nt``): memory stays
bounded whatever the size of the dump, ``kgraph unload imdb-<directory name>.nt`` removes it, and
importing the same directory again replaces it. Rows that cannot be read (wrong number of fields,
a ``\\N`` where a value is required, an id that is not an IMDb id, a characters field that is not
a JSON array of strings, a year that is not a year, bytes that are not UTF-8) are skipped and
reported with their file and line number; a ``\\N`` in an optional field just means "unknown".
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import InputError
from .store import Store

KG = "https://kgraph.dev/ontology#"
ID = "https://kgraph.dev/id/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
PREF = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
XSD = "http://www.w3.org/2001/XMLSchema#"
NULL = "\\N"

# file stem -> the header IMDb publishes (the columns are checked against it)
FILES: dict[str, tuple[str, ...]] = {
    "title.basics": (
        "tconst",
        "titleType",
        "primaryTitle",
        "originalTitle",
        "isAdult",
        "startYear",
        "endYear",
        "runtimeMinutes",
        "genres",
    ),
    "name.basics": (
        "nconst",
        "primaryName",
        "birthYear",
        "deathYear",
        "primaryProfession",
        "knownForTitles",
    ),
    "title.principals": ("tconst", "ordering", "nconst", "category", "job", "characters"),
    "title.crew": ("tconst", "directors", "writers"),
    "title.episode": ("tconst", "parentTconst", "seasonNumber", "episodeNumber"),
    "title.akas": (
        "titleId",
        "ordering",
        "title",
        "region",
        "language",
        "types",
        "attributes",
        "isOriginalTitle",
    ),
    "title.ratings": ("tconst", "averageRating", "numVotes"),
}
REQUIRED = ("title.basics",)

TITLE_CLASS = {
    "movie": "Film",
    "short": "Film",
    "tvMovie": "Film",
    "tvShort": "Film",
    "video": "Film",
    "tvSpecial": "Film",
    "tvSeries": "TVSeries",
    "tvMiniSeries": "TVSeries",
    "tvEpisode": "Episode",
}
ACTING = frozenset({"actor", "actress", "self"})
# principals category -> (role individual, the shortcut property the build derives from it)
CREW: dict[str, tuple[str, str | None]] = {
    "director": ("director", "director"),
    "writer": ("screenwriter", "screenwriter"),
    "composer": ("music-director", "musicBy"),
    "producer": ("producer", "producer"),
}
CONTRIBUTOR = ("contributor", None)

_TT = re.compile(r"tt\d{1,12}\Z")
_NM = re.compile(r"nm\d{1,12}\Z")
_YEAR = re.compile(r"\d{4}\Z")
_INT = re.compile(r"\d{1,9}\Z")
_DECIMAL = re.compile(r"\d{1,2}(\.\d{1,3})?\Z")
_LANG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*\Z")

MAX_PROBLEMS = 50  # problems kept per file for the report (all are counted)

# (phase, file, bytes done, bytes total), as kgraph.loading.Progress
Progress = Callable[[str, Path, int, int], None]


class BadRow(Exception):
    """A row that cannot be imported (caught per row: it is reported and skipped)."""


@dataclass
class FileReport:
    """What was read from one IMDb file."""

    name: str
    path: str
    rows: int = 0
    skipped: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, why), the first few

    def problem(self, line: int, why: str) -> None:
        self.skipped += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append((line, why))

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.name,
            "path": self.path,
            "rows": self.rows,
            "skipped": self.skipped,
            "problems": [{"line": n, "problem": why} for n, why in self.problems],
        }


@dataclass
class ImportReport:
    """What :func:`import_imdb` did."""

    directory: str
    source: str
    files: list[FileReport]
    missing: list[str]
    triples: (
        int  # written and loaded (a triple stated twice, e.g. by principals and crew, counts twice)
    )
    seconds: float

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def skipped(self) -> int:
        return sum(f.skipped for f in self.files)

    def to_json(self) -> dict[str, Any]:
        return {
            "directory": self.directory,
            "source": self.source,
            "files": [f.to_json() for f in self.files],
            "missing": self.missing,
            "rows": self.rows,
            "skipped": self.skipped,
            "triples": self.triples,
            "seconds": round(self.seconds, 3),
        }


# -- terms ---------------------------------------------------------------------------------


def work_iri(tconst: str) -> str:
    """``https://kgraph.dev/id/work/imdb-tt0111161`` for ``tt0111161``."""
    return f"{ID}work/imdb-{tconst}"


def person_iri(nconst: str) -> str:
    """``https://kgraph.dev/id/person/imdb-nm0000151`` for ``nm0000151``."""
    return f"{ID}person/imdb-{nconst}"


def _k(name: str) -> str:
    return f"<{KG}{name}>"


_ESC = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _str(text: str) -> str:
    return '"' + text.translate(_ESC) + '"'


def _typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


# -- reading -------------------------------------------------------------------------------


def find_files(directory: Path) -> tuple[dict[str, Path], list[str]]:
    """The IMDb files present in ``directory`` (``NAME.tsv.gz`` or ``NAME.tsv``), and the missing."""
    if not directory.is_dir():
        raise InputError(
            f"{directory}: no such directory"
            if not directory.exists()
            else f"{directory}: not a directory"
        )
    found: dict[str, Path] = {}
    missing: list[str] = []
    for name in FILES:
        for candidate in (f"{name}.tsv.gz", f"{name}.tsv", f"{name}.gz"):
            p = directory / candidate
            if p.is_file():
                found[name] = p
                break
        else:
            missing.append(name)
    absent = [n for n in REQUIRED if n not in found]
    if absent:
        raise InputError(
            f"{directory}: no {' or '.join(f'{n}.tsv(.gz)' for n in absent)} "
            "(the IMDb dataset files, as published)"
        )
    return found, missing


def _rows(
    name: str, path: Path, report: FileReport, progress: Progress | None
) -> Iterator[tuple[int, list[str]]]:
    """The rows of one file as (line number, fields); bad rows are reported and skipped."""
    expected = FILES[name]
    total = path.stat().st_size
    try:
        raw = path.open("rb")
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    with raw:
        gz = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        stream: IO[bytes] = gzip.GzipFile(fileobj=raw) if gz else raw  # type: ignore[assignment]
        try:
            header = stream.readline()
            try:
                columns = tuple(header.decode("utf-8").rstrip("\r\n").split("\t"))
            except UnicodeDecodeError:
                columns = ()
            if columns != expected:
                shown = " ".join(columns)[:120] if columns else "(not UTF-8 text)"
                raise InputError(
                    f"{path}:1: not an IMDb {name} file: the header is {shown!r}, "
                    f"expected {' '.join(expected)!r}"
                )
            width = len(expected)
            if progress:
                progress("reading", path, 0, total)
            for n, line in enumerate(stream, 2):
                if progress and n % 20_000 == 0:
                    progress("reading", path, raw.tell(), total)
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError as e:
                    report.problem(n, f"not valid UTF-8 (byte 0x{line[e.start]:02x})")
                    continue
                text = text.rstrip("\r\n")
                if not text:
                    report.problem(n, "empty line")
                    continue
                fields = text.split("\t")
                if len(fields) != width:
                    report.problem(n, f"{len(fields)} fields, expected {width}")
                    continue
                report.rows += 1
                yield n, fields
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise InputError(f"{path}: cannot read: {e}") from None
        if progress:
            progress("reading", path, total, total)


def _need(value: str, column: str) -> str:
    if value == NULL or value == "":
        raise BadRow(f"{column} is \\N")
    return value


def _id(value: str, column: str, pattern: re.Pattern[str]) -> str:
    _need(value, column)
    if not pattern.match(value):
        raise BadRow(f"{column} {value[:40]!r} is not an IMDb id")
    return value


def _opt(value: str, pattern: re.Pattern[str], column: str) -> str | None:
    if value == NULL or value == "":
        return None
    if not pattern.match(value):
        raise BadRow(f"{column} {value[:40]!r} is not valid")
    return value


def _characters(value: str) -> list[str]:
    if value == NULL or value == "":
        return []
    try:
        names = json.loads(value)
    except ValueError:
        raise BadRow(f"characters {value[:40]!r} is not a JSON array") from None
    if not isinstance(names, list) or not all(isinstance(c, str) for c in names):
        raise BadRow(f"characters {value[:40]!r} is not a JSON array of names")
    return [c.strip() for c in names if c.strip()]


def _slug(text: str) -> str:
    return urllib.parse.quote(re.sub(r"\s+", "-", text.strip().lower()), safe="-")[:60]


# -- converting ----------------------------------------------------------------------------


class _Writer:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.buf: list[str] = []
        self.n = 0

    def t(self, s: str, p: str, o: str) -> None:
        self.buf.append(f"{s} {p} {o} .\n")

    def flush(self) -> None:
        self.n += len(self.buf)
        self.out.write("".join(self.buf))
        self.buf.clear()


def _basics(w: _Writer, n: int, f: list[str]) -> None:
    tconst = _id(f[0], "tconst", _TT)
    title = _need(f[2], "primaryTitle")
    year = _opt(f[5], _YEAR, "startYear")
    cls = TITLE_CLASS.get(f[1], "Work")
    work = f"<{work_iri(tconst)}>"
    w.t(work, RDF_TYPE, _k(cls))
    w.t(work, PREF, _str(title))
    w.t(work, _k("imdbId"), _str(tconst))
    if f[3] not in (NULL, "", title):
        w.t(work, ALT, _str(f[3]))
    if year:
        w.t(work, _k("year"), _typed(year, "gYear"))
    if f[8] != NULL:
        for g in f[8].split(","):
            if g.strip():
                w.t(work, _k("genre"), _str(g.strip().lower()))


def _names(w: _Writer, n: int, f: list[str]) -> None:
    nconst = _id(f[0], "nconst", _NM)
    name = _need(f[1], "primaryName")
    born = _opt(f[2], _YEAR, "birthYear")
    died = _opt(f[3], _YEAR, "deathYear")
    person = f"<{person_iri(nconst)}>"
    w.t(person, RDF_TYPE, _k("Person"))
    w.t(person, PREF, _str(name))
    w.t(person, _k("imdbId"), _str(nconst))
    if born:
        w.t(person, _k("birthYear"), _typed(born, "gYear"))
    if died:
        w.t(person, _k("deathYear"), _typed(died, "gYear"))
    if f[4] != NULL:
        for job in f[4].split(","):
            if job.strip():
                w.t(person, _k("occupation"), _str(job.strip().replace("_", " ")))


def _credit(w: _Writer, tconst: str, nconst: str, category: str) -> None:
    role, shortcut = CREW.get(category, CONTRIBUTOR)
    work, person = f"<{work_iri(tconst)}>", f"<{person_iri(nconst)}>"
    credit = f"<{ID}credit/imdb-{tconst}--{nconst}--{role}>"
    w.t(credit, RDF_TYPE, _k("Credit"))
    w.t(credit, _k("creditedPerson"), person)
    w.t(credit, _k("inWork"), work)
    w.t(credit, _k("role"), f"<{ID}role/{role}>")
    # what the build's derivation rules would add (kgraph.build.RULES)
    if shortcut:
        w.t(work, _k(shortcut), person)
    w.t(work, _k("crewMember"), person)
    w.t(person, _k("workedOn"), work)
    w.t(credit, _k("participant"), person)


def _principals(w: _Writer, n: int, f: list[str]) -> None:
    tconst = _id(f[0], "tconst", _TT)
    ordering = _id(f[1], "ordering", _INT)
    nconst = _id(f[2], "nconst", _NM)
    category = _need(f[3], "category")
    characters = _characters(f[5])
    if category not in ACTING:
        _credit(w, tconst, nconst, category)
        return
    work, person = f"<{work_iri(tconst)}>", f"<{person_iri(nconst)}>"
    named: list[str | None] = list(characters) or [None]
    for i, name in enumerate(named):
        perf = f"<{ID}performance/imdb-{tconst}--{nconst}--{ordering}-{i}>"
        w.t(perf, RDF_TYPE, _k("Performance"))
        w.t(perf, _k("performer"), person)
        w.t(perf, _k("inWork"), work)
        w.t(work, _k("castMember"), person)
        w.t(person, _k("actedIn"), work)
        w.t(person, _k("workedOn"), work)
        w.t(perf, _k("participant"), person)
        if name is not None and category != "self":  # "Self" is the person, not a character
            char = f"<{ID}character/imdb-{tconst}--{_slug(name) or 'c'}>"
            w.t(char, RDF_TYPE, _k("Character"))
            w.t(char, PREF, _str(name))
            w.t(perf, _k("character"), char)
            w.t(char, _k("appearsIn"), work)


def _crew(w: _Writer, n: int, f: list[str]) -> None:
    tconst = _id(f[0], "tconst", _TT)
    people = []
    for column, category in ((f[1], "director"), (f[2], "writer")):
        if column == NULL:
            continue
        for nconst in column.split(","):
            people.append((_id(nconst, category + "s", _NM), category))
    for nconst, category in people:
        _credit(w, tconst, nconst, category)


def _episode(w: _Writer, n: int, f: list[str]) -> None:
    tconst = _id(f[0], "tconst", _TT)
    parent = _id(f[1], "parentTconst", _TT)
    season = _opt(f[2], _INT, "seasonNumber")
    number = _opt(f[3], _INT, "episodeNumber")
    ep = f"<{work_iri(tconst)}>"
    w.t(ep, _k("episodeOf"), f"<{work_iri(parent)}>")
    if season:
        w.t(ep, _k("seasonNumber"), _typed(str(int(season)), "integer"))
    if number:
        w.t(ep, _k("episodeNumber"), _typed(str(int(number)), "integer"))


def _akas(w: _Writer, n: int, f: list[str]) -> None:
    tconst = _id(f[0], "titleId", _TT)
    title = _need(f[2], "title")
    lang = f[4] if f[4] != NULL and _LANG.match(f[4]) else None
    lit = _str(title) + (f"@{lang.lower()}" if lang else "")
    w.t(f"<{work_iri(tconst)}>", ALT, lit)


def _ratings(w: _Writer, n: int, f: list[str]) -> None:
    tconst = _id(f[0], "tconst", _TT)
    rating = _need(f[1], "averageRating")
    votes = _need(f[2], "numVotes")
    if not _DECIMAL.match(rating) or not 0 <= float(rating) <= 10:
        raise BadRow(f"averageRating {rating[:20]!r} is not a rating")
    if not _INT.match(votes):
        raise BadRow(f"numVotes {votes[:20]!r} is not a count")
    work = f"<{work_iri(tconst)}>"
    w.t(work, _k("imdbRating"), _typed(rating, "decimal"))
    w.t(work, _k("imdbVotes"), _typed(str(int(votes)), "integer"))


_CONVERT: dict[str, Callable[[_Writer, int, list[str]], None]] = {
    "title.basics": _basics,
    "name.basics": _names,
    "title.principals": _principals,
    "title.crew": _crew,
    "title.episode": _episode,
    "title.akas": _akas,
    "title.ratings": _ratings,
}


def convert(
    directory: Path, out: IO[str], progress: Progress | None = None
) -> tuple[list[FileReport], list[str], int]:
    """Write the N-Triples of the IMDb files in ``directory`` to ``out``, one row at a time.

    Returns the per-file reports, the names of the optional files not found, and the number of
    triples written (duplicates included).
    """
    found, missing = find_files(directory)
    w = _Writer(out)
    reports = []
    for name, path in found.items():
        report = FileReport(name, str(path))
        step = _CONVERT[name]
        for n, fields in _rows(name, path, report, progress):
            mark = len(w.buf)
            try:
                step(w, n, fields)
            except BadRow as e:  # nothing of a bad row is written
                del w.buf[mark:]
                report.rows -= 1
                report.problem(n, str(e))
            if len(w.buf) >= 20_000:
                w.flush()
        reports.append(report)
    w.flush()
    return reports, missing, w.n


def source_name(directory: Path) -> str:
    """The file name an import of ``directory`` is loaded as: ``imdb-<directory name>.nt``."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", directory.resolve().name).strip("-") or "data"
    return f"imdb-{name}.nt"


def import_imdb(
    store: Store,
    directory: Path | str,
    *,
    progress: Progress | None = None,
    workdir: Path | str | None = None,
) -> ImportReport:
    """Import the IMDb files of ``directory`` into ``store`` as one source (replacing a previous
    import of the same directory name). ``workdir`` holds the temporary N-Triples file (default:
    the system's temporary directory); it is removed afterwards."""
    from .loading import load

    t0 = time.perf_counter()
    directory = Path(directory)
    find_files(directory)  # a missing directory or file fails before anything else
    with tempfile.TemporaryDirectory(prefix="kgraph-imdb-", dir=workdir) as tmp:
        nt = Path(tmp) / source_name(directory)
        with nt.open("w", encoding="utf-8", newline="\n") as out:
            files, missing, triples = convert(directory, out, progress)
        if triples == 0:
            raise InputError(f"{directory}: no row of the IMDb files could be imported")
        loaded = load(store, [nt], progress=progress, derive=False)
    info = loaded.files[0]
    return ImportReport(
        str(directory),
        info.source,
        files,
        missing,
        triples,
        time.perf_counter() - t0,
    )


__all__ = ["FileReport", "ImportReport", "convert", "import_imdb", "person_iri", "work_iri"]

"""Reading an article: its visible text, its sentences and tokens, its dates.

Plain text (UTF-8) is read as it is; HTML is turned into its visible text by ``inscriptis``
(block elements become line breaks, scripts and styles are dropped). Evidence offsets are
character offsets into that text: for a ``.txt`` file, into the file's own decoded text.

Sentences and tokens come from spaCy's blank English pipeline (its rule-based tokenizer and
sentencizer, no model weights), with one addition: a line break always ends a sentence, since
headings, captions and photo credits stand on lines of their own in news pages.

Dates are found by one pattern per form ("October 6, 2023", "October 6th", "6 October",
"Oct. 22", "2023-10-05", "in 2021", "in May", "next month", "last year") and read by
``dateparser``, relative to the article's date: a day without a year takes the year of the
article, "next month" the month after it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError

HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ""}

_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
# The date forms the reader knows, most specific first. Each names its parts.
DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(p))
    for name, p in (
        ("iso", r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
        (
            "month-day-year",
            rf"\b(?P<mon>{_MONTHS})\.? (?P<d>[0-3]?\d)(?:st|nd|rd|th)?,? (?P<y>(?:19|20)\d\d)\b",
        ),
        (
            "day-month-year",
            rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)? (?:of )?(?P<mon>{_MONTHS})\.?,? (?P<y>(?:19|20)\d\d)\b",
        ),
        ("month-day", rf"\b(?P<mon>{_MONTHS})\.? (?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?!,? \d)"),
        ("day-month", rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)? (?:of )?(?P<mon>{_MONTHS})\b(?!\.? \d)"),
        ("month-year", rf"\b(?P<mon>{_MONTHS}) (?P<y>(?:19|20)\d\d)\b"),
        ("relative", r"\b(?P<rel>next|last|this) (?P<unit>month|year)\b"),
        ("in-month", rf"(?<=\bin )(?P<mon>{_MONTHS})\b(?!\.? \d)"),
        ("year", r"\b(?P<y>(?:19|20)\d\d)\b"),
    )
)


@dataclass(frozen=True)
class DateMention:
    """A date in the text: where it is, how it was written, what it means.

    ``value`` is ``YYYY-MM-DD`` for a day and ``YYYY`` for a year alone; ``guessed`` is true
    when the year was not written and came from the article's date (or another date in it).
    """

    start: int
    end: int
    form: str
    value: str
    guessed: bool = False

    @property
    def is_day(self) -> bool:
        return len(self.value) == 10


@dataclass
class Article:
    """One article: where it came from and the text the evidence offsets point into."""

    path: Path
    text: str
    sha256: str
    kind: str  # "text" or "html"
    date: str | None = None  # the article's own date (YYYY-MM-DD), given or found in its head
    date_found: bool = False  # True when the date came from the text rather than --date
    sentences: list[tuple[int, int]] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    doc: Any = None  # the spaCy Doc

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def plain(self) -> str:
        """The text with every kind of space made a plain space (offsets unchanged)."""
        return self.text.translate(_SPACES)


_SPACES = {
    c: " "
    for c in (
        0xA0,
        0x2000,
        0x2001,
        0x2002,
        0x2003,
        0x2004,
        0x2005,
        0x2006,
        0x2007,
        0x2008,
        0x2009,
        0x200A,
        0x202F,
        0x205F,
        0x3000,
    )
}


def read_article(path: Path, *, article_date: str | None = None) -> Article:
    """Read ``path`` (UTF-8 text or HTML) into an :class:`Article`, with sentences and dates.

    Raises :class:`InputError` for a missing, binary, empty or undecodable file.
    """
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a file")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    if b"\0" in raw[:8192]:
        raise InputError(f"{path}: this is a binary file, not an article")
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not valid UTF-8 ({e.reason} at byte {e.start})") from None
    is_html = path.suffix.lower() in HTML_SUFFIXES or (
        path.suffix.lower() not in TEXT_SUFFIXES
        and re.match(r"\s*<(?:!doctype html|html)", decoded, re.IGNORECASE) is not None
    )
    text = html_to_text(decoded) if is_html else decoded.replace("\r\n", "\n")
    if not text.strip():
        raise InputError(f"{path}: the file has no text")
    if article_date is not None:
        article_date = check_date(article_date)
    art = Article(path, text, hashlib.sha256(raw).hexdigest(), "html" if is_html else "text")
    art.date = article_date or _dateline(text)
    art.date_found = article_date is None and art.date is not None
    art.doc = nlp()(text)
    art.sentences = [(s.start_char, s.end_char) for s in art.doc.sents if s.text.strip()]
    art.dates = find_dates(text, art.date)
    return art


def check_date(value: str) -> str:
    """``value`` if it is a real ``YYYY-MM-DD`` day, else a :class:`UsageError`."""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"--date {value!r}: give the article's date as YYYY-MM-DD") from None


def html_to_text(html: str) -> str:
    """The visible text of an HTML page, one block per line (scripts, styles dropped).

    >>> html_to_text("<body><nav>Home</nav><p>Lee <b>Chung-hyun</b> directs.</p>"
    ...              "<script>x()</script><p>Next.</p></body>")
    'Lee Chung-hyun directs.\\n\\nNext.'
    """
    from inscriptis import get_text
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fromstring(html)
    except (
        etree.ParserError,
        ValueError,
    ):  # not parseable as a tree: the whole page, as inscriptis reads it
        return str(get_text(html)).strip()
    # the article itself where the page marks it; never its navigation, asides or footer
    main = root.xpath("//article") or root.xpath("//main") or root.xpath("//body") or [root]
    node = main[0]
    for bad in node.xpath(
        ".//nav | .//aside | .//footer | .//script | .//style | .//noscript | .//form"
        " | .//*[contains(concat(' ', normalize-space(@class), ' '), ' ticker ')]"
    ):
        bad.drop_tree()
    return str(get_text(lxml_html.tostring(node, encoding="unicode"))).strip()


# -- sentences and tokens -----------------------------------------------------------------------


@lru_cache(maxsize=1)
def nlp() -> Any:
    """spaCy's blank English pipeline: tokenizer, sentencizer, and line breaks as boundaries."""
    import spacy
    from spacy.language import Language

    if "kgraph_line_breaks" not in Language.factories:

        @Language.component("kgraph_line_breaks")
        def line_breaks(doc: Any) -> Any:
            for i, tok in enumerate(doc[:-1]):
                if "\n" in tok.text or "\n" in tok.whitespace_:
                    doc[i + 1].is_sent_start = True
            return doc

    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("kgraph_line_breaks")
    return pipeline


# -- dates --------------------------------------------------------------------------------------


def _dateline(text: str) -> str | None:
    """The article's date where its head gives one: a dateline ("Seoul, August 21, 2023 —"),
    a byline ("by Lily Alice, September 7, 2023"), "Published 2024-06-10": the first full date
    in the first 200 characters."""
    head = text[:200]
    found = []
    for name, pat in DATE_PATTERNS[:3]:
        m = pat.search(head)
        if m:
            found.append((m.start(), name, m.group(0)))
    if not found:
        return None
    _, name, written = min(found)
    if name == "iso":
        return written
    d = parse_date(written, None)
    return d[0] if d else None


@lru_cache(maxsize=256)
def parse_date(text: str, reference: str | None) -> tuple[str, bool] | None:
    """``(YYYY-MM-DD, year_guessed)`` for a written day, read by dateparser relative to
    ``reference`` (the article's date); a day without a year takes the reference's year.

    >>> parse_date("October 6th", "2023-09-07")
    ('2023-10-06', True)
    >>> parse_date("6 October 2023", None)
    ('2023-10-06', False)
    """
    import dateparser

    has_year = re.search(r"\b(?:19|20)\d\d\b", text) is not None
    settings: dict[str, Any] = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["day", "month"]}
    if reference:
        settings["RELATIVE_BASE"] = datetime.fromisoformat(reference)
    d = dateparser.parse(text, languages=["en"], settings=settings)
    if d is None:
        return None
    if not has_year and reference:
        d = d.replace(year=int(reference[:4]))
    return d.date().isoformat(), not has_year


def _relative(m: re.Match[str], reference: str) -> str:
    """ "next month" (YYYY-MM), "last year" (YYYY), "in May" (YYYY-MM) from the article's date."""
    ref = date.fromisoformat(reference)
    if "mon" in m.groupdict() and m.group("mon"):
        parsed = parse_date(f"1 {m.group('mon')} {ref.year}", None)
        return parsed[0][:7] if parsed else str(ref.year)
    step = {"next": 1, "last": -1, "this": 0}[m.group("rel").lower()]
    if m.group("unit") == "year":
        return str(ref.year + step)
    month = ref.month - 1 + step
    return f"{ref.year + month // 12:04d}-{month % 12 + 1:02d}"


def find_dates(text: str, reference: str | None) -> list[DateMention]:
    """Every date in ``text``, most specific form first where two overlap."""
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    # without an article date, a day without a year takes the year of the article's last full date
    full_years = [
        m.group("y")
        for name, pat in DATE_PATTERNS[:3]
        for m in pat.finditer(text)
        if name != "iso" or reference is None
    ]
    fallback = reference or (f"{max(full_years)}-01-01" if full_years else None)
    for form, pat in DATE_PATTERNS:
        for m in pat.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            if form == "year":
                value, guessed = m.group("y"), False
            elif form == "month-year":
                continue  # a month alone is not a fact the graph records
            elif form in ("relative", "in-month"):
                if reference is None:
                    continue
                value, guessed = _relative(m, reference), True
            else:
                parsed = parse_date(m.group(0), fallback)
                if parsed is None:
                    continue
                value, guessed = parsed
                if guessed and reference is None and fallback is None:
                    continue
            taken.append((m.start(), m.end()))
            found.append(DateMention(m.start(), m.end(), form, value, guessed))
    found.sort(key=lambda d: d.start)
    return found

"""Checks made on a SPARQL query before the engine sees it.

**Shape** (:func:`check_shape`): pyoxigraph's parser and evaluator recurse once per level of
nesting, and a deep enough query overflows the native stack: the process dies with SIGSEGV (exit
139), no message, and the endpoint's workers crash in a loop. Measured with pyoxigraph 0.5: 3,000
nested ``{``, 5,000 nested ``(``, a 20,000-term ``||`` or ``+`` chain. Nesting beyond
:data:`MAX_DEPTH` or more than :data:`MAX_OPERATORS` operators is refused with a clear error, far
below those numbers and far above any query a person writes.

**Federation** (:func:`uses_service`): whether the query contains a ``SERVICE`` pattern, decided
by a real SPARQL parser (rdflib's), not by scanning text: a scanner can be confused by escapes in
prefixed names (``person:a\\#b``, ``kg:a\\'``) into taking the rest of the query for a comment or a
string.

>>> check_shape("SELECT * WHERE { { ?s ?p ?o } }")
>>> check_shape("SELECT * WHERE " + "{" * 300 + "}" * 300)
Traceback (most recent call last):
...
kgraph.errors.QuerySyntaxError: the query nests 257 levels deep (limit 256); simplify it
>>> uses_service('SELECT ?service { ?service ?p "SERVICE" } # SERVICE')
False
>>> uses_service("SELECT * { ?s ?p person:a\\\\#b . SERVICE <http://x/> { ?s ?p ?o } }")
True
"""

from __future__ import annotations

import re
from functools import lru_cache

from .errors import QuerySyntaxError

MAX_DEPTH = 256
MAX_OPERATORS = 4_000

# Everything that is not structure: strings, IRIs, comments, names (with their escapes), numbers.
# Compiled on first use (a millisecond): an ordinary query never needs it, see check_shape.
_TOKENS_RE = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|<[^<>\"{}|^`\\\s]*>"
    r"|#[^\n]*"
    r"|[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+"
    r"|(?:[^\W\d][\w.\-]*)?:(?:[\w.\-:%]|\\.)*"
    r"|[^\W\d][\w\-]*"
    r"|\d[\w.]*"
    r"|(?P<open>[{(\[])|(?P<close>[})\]])"
    r"|(?P<op>\|\||&&|!=|<=|>=|[=<>+\-*/|^!])"
)


@lru_cache(maxsize=1)
def _tokens() -> re.Pattern[str]:
    return re.compile(_TOKENS_RE, re.DOTALL)


_OPENERS = "{(["
_OPERATOR_CHARS = "|&!=<>+-*/^"


def check_shape(query: str) -> None:
    """Raise :class:`QuerySyntaxError` when the query nests or chains beyond the bounds."""
    # Every opening token is one of _OPENERS and every operator token holds at least one of
    # _OPERATOR_CHARS, so counting characters (in C) bounds both from above: an ordinary query
    # is cleared without tokenising it (a tenth of a millisecond per endpoint request).
    if (
        sum(map(query.count, _OPENERS)) <= MAX_DEPTH
        and sum(map(query.count, _OPERATOR_CHARS)) <= MAX_OPERATORS
    ):
        return
    deepest, ops = measure_shape(query)
    if deepest > MAX_DEPTH:
        raise QuerySyntaxError(
            f"the query nests {deepest} levels deep (limit {MAX_DEPTH}); simplify it", query
        )
    if ops > MAX_OPERATORS:
        raise QuerySyntaxError(
            f"the query has {ops} operators (limit {MAX_OPERATORS}); simplify it", query
        )


def measure_shape(query: str) -> tuple[int, int]:
    """How deep the query nests (counted up to one level past :data:`MAX_DEPTH`) and how many
    operators it has, by its tokens.

    >>> measure_shape('SELECT * { ?s ?p "{{{" FILTER (?o > 1 && ?o < 3) }')
    (2, 4)
    """
    depth = deepest = ops = 0
    for m in _tokens().finditer(query):
        if m.group("open"):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_DEPTH:
                    break
        elif m.group("close"):
            depth -= 1
        elif m.group("op"):
            ops += 1
    return deepest, ops


_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescape(query: str) -> str:
    """SPARQL's codepoint escapes, which apply to the whole query text before parsing."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)


def uses_service(query: str, prefixes: dict[str, str] | None = None) -> bool:
    """True when the query has a ``SERVICE`` pattern, by the parse tree of a SPARQL parser.

    The parser runs only when the word occurs in the text at all (after codepoint escapes), so an
    ordinary query costs a substring search. A query the parser cannot read but which contains
    the word is treated as federated: refusing it is safe, guessing is not."""
    if "service" not in (_unescape(query) if "\\" in query else query).lower():
        return False
    from rdflib.plugins.sparql.parser import parseQuery

    if prefixes:
        declared = set(re.findall(r"PREFIX\s+([\w.\-]*):", query, re.IGNORECASE))
        head = "".join(f"PREFIX {k}: <{v}>\n" for k, v in prefixes.items() if k not in declared)
        query = head + query
    try:
        tree = parseQuery(query)
    except Exception:  # noqa: BLE001 - not readable by rdflib: refuse rather than guess
        return True
    return _has_service(tree)


def _has_service(node: object) -> bool:
    from pyparsing import ParseResults

    stack = [node]
    while stack:
        n = stack.pop()
        if getattr(n, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(n, dict):
            stack.extend(n.values())
        elif isinstance(n, (list, tuple, ParseResults)):
            stack.extend(n)
    return False

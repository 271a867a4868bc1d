"""A bound on XML entity expansion, checked before an RDF/XML file reaches the parser.

pyoxigraph's RDF/XML parser expands the internal entities a document declares in its DTD, with no
limit: a few nested declarations ("billion laughs") make an 887-byte file expand to more than a
gigabyte. Entity declarations are common and harmless in RDF/XML (``<!ENTITY xsd "http://…#">``
abbreviates namespaces), so they are not refused as such: this module reads the declarations,
computes how long each entity is once expanded, counts the references to them in the file, and
refuses the file when the expansion as a whole would exceed :data:`MAX_EXPANSION` characters, or
when a declaration refers to itself or to an external resource.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "lol.rdf"
>>> _ = p.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
...     + "".join(f'<!ENTITY {n} "{10 * ("&" + m + ";")}">' for m, n in zip("abcdefgh", "bcdefghi"))
...     + ']><r>&i;</r>')
>>> check_entities(p)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kgraph.errors.InputError: ...lol.rdf: XML entity expansion too large (at least 1000000000 characters, limit 10000000); refusing the file
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from .errors import InputError

MAX_EXPANSION = 10_000_000  # characters that entity references may add to a document
_HEAD = 1 << 20  # the DTD is read from the first MiB of the file

_DOCTYPE = re.compile(rb"<!DOCTYPE[^\[>]*\[(.*?)\]\s*>", re.DOTALL)
_ENTITY = re.compile(
    rb"<!ENTITY\s+(%\s+)?([^\s\"'>]+)\s+(?:(SYSTEM|PUBLIC)\b[^>]*|\"([^\"]*)\"|'([^']*)')\s*>",
    re.DOTALL,
)
_REF = re.compile(rb"[&%]([A-Za-z_:][\w.:\-]*);")


def _open(path: Path) -> object:
    return gzip.open(path, "rb") if path.suffix.lower() == ".gz" else path.open("rb")


def check_entities(path: Path) -> None:
    """Raise :class:`InputError` when the entities of an XML file would expand beyond the bound."""
    try:
        with _open(path) as f:  # type: ignore[attr-defined]
            head: bytes = f.read(_HEAD)
    except (OSError, EOFError) as e:
        raise InputError(f"{path}: cannot read: {e}") from None
    if b"<!ENTITY" not in head:
        return
    doctype = _DOCTYPE.search(head)
    if doctype is None:
        raise InputError(f"{path}: an XML DTD that is too long or not closed; refusing the file")
    values: dict[bytes, bytes] = {}
    for m in _ENTITY.finditer(doctype.group(1)):
        name = m.group(2)
        if m.group(3):
            raise InputError(f"{path}: external XML entity {name.decode(errors='replace')!r}")
        values.setdefault(name, m.group(4) if m.group(4) is not None else m.group(5) or b"")
    sizes: dict[bytes, int] = {}

    def size(name: bytes, stack: tuple[bytes, ...]) -> int:
        if name in sizes:
            return sizes[name]
        if name in stack:
            raise InputError(
                f"{path}: XML entity {name.decode(errors='replace')!r} refers to itself"
            )
        value = values[name]
        n = len(_REF.sub(b"", value))
        for ref in _REF.findall(value):
            if ref in values:
                n += size(ref, (*stack, name))
            if n > MAX_EXPANSION * 1000:  # no need to count further
                break
        sizes[name] = n
        return n

    for name in values:
        size(name, ())
    total = 0
    with _open(path) as f:  # type: ignore[attr-defined]
        start = doctype.end()
        f.seek(start)
        carry = b""
        for chunk in iter(lambda: f.read(1 << 20), b""):
            data = carry + chunk
            cut = data.rfind(b"&")
            if cut < len(data) - 256:
                cut = len(data)
            for ref in _REF.findall(data[:cut]):
                total += sizes.get(ref, 0)
            carry = data[cut:]
            if total > MAX_EXPANSION:
                break
        for ref in _REF.findall(carry):
            total += sizes.get(ref, 0)
    if total > MAX_EXPANSION:
        raise InputError(
            f"{path}: XML entity expansion too large (at least {total} characters, "
            f"limit {MAX_EXPANSION}); refusing the file"
        )

"""What the explorer's modules share: where its files are, and its error."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"


class PageError(Exception):
    """An answer other than 200, with a one-line message (the server sends it as text)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

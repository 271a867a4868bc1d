"""Re-run every ``$ kgraph …`` line of the README's console blocks and write the real output back.

    python tools/update_readme.py      # then review `git diff README.md`

tests/test_readme.py fails when the README and the real output differ.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def run(command: str) -> str:
    env = os.environ | {"NO_COLOR": "1"}
    p = subprocess.run(shlex.split(command), capture_output=True, text=True, env=env, check=False)
    return p.stdout.rstrip("\n")


def refresh(block: str) -> str:
    out, lines = [], block.splitlines()
    for line in lines:
        if line.startswith("$ "):
            out.append(line)
            out.append(run(line[2:]))
    return "\n".join(out) + "\n"


def main() -> None:
    text = README.read_text(encoding="utf-8")
    new = re.sub(
        r"(```console\n)(.*?)(```)",
        lambda m: m.group(1) + refresh(m.group(2)) + m.group(3),
        text,
        flags=re.DOTALL,
    )
    README.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()

"""Put the install cell at the top of every chapter (or of the chapters named).

A chapter opened in Colab or in a bare Jupyter needs the book's package,
``rnnbook``, and myst-nb (for ``glue``). The first code cell of every chapter
installs them when, and only when, they are missing: from the clone the chapter
sits in, else from the repository named in ``_config.yml`` (``repository: url``).
The cell is tagged ``hide-input``, so the site shows it collapsed.
``tests/test_book.py`` checks that every chapter starts with exactly this cell.

Usage: python tools/install_cell.py [book/chapter.ipynb ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MARKER = "# Colab or a bare Jupyter: install the book's package when it is missing."

TEMPLATE = '''\
# Colab or a bare Jupyter: install the book's package when it is missing.
import importlib.util
import subprocess
import sys
from pathlib import Path

REPOSITORY = "{repository}"  # _config.yml, repository: url
if not all(importlib.util.find_spec(m) for m in ("rnnbook", "myst_nb")):
    here = [Path.cwd(), *Path.cwd().parents]
    root = next((p for p in here if (p / "src" / "rnnbook").is_dir()), None)
    if root is not None:
        target = f"{{root}}[book]"
    elif REPOSITORY:
        target = f"rnnbook[book] @ git+{{REPOSITORY}}"
    else:
        raise ModuleNotFoundError(
            "This chapter needs the book's package rnnbook. Open it from a "
            "clone of the book's repository, or install that clone with "
            "pip install '<clone>[book]' (see 'Running the book yourself')."
        )
    pip = [sys.executable, "-m", "pip", "install", "-q", target]
    subprocess.check_call(pip)
    importlib.invalidate_caches()'''


def repository() -> str:
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return (config.get("repository") or {}).get("url") or ""


def cell_source() -> str:
    return TEMPLATE.format(repository=repository())


def install(path: Path) -> bool:
    """Insert or update the install cell of one notebook; return whether it changed."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = nb["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    src = cell_source()
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "install-rnnbook",
        "metadata": {"tags": ["hide-input"]},
        "outputs": [],
        "source": src.splitlines(keepends=True),
    }
    if code and "".join(cells[code[0]]["source"]).startswith(MARKER):
        if cells[code[0]] == cell:
            return False
        cells[code[0]] = cell
    else:
        cells.insert(code[0] if code else len(cells), cell)
    text = json.dumps(nb, indent=1, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return True


def main(paths: list[str]) -> int:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "book").glob("*.ipynb"))
    for nb in notebooks:
        if install(nb):
            print(f"install cell written: {nb}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

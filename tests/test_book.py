"""The book's structure: the toc and book/ agree, and notebooks are committed output-free."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


def _toc_files(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        for key in ("root", "file"):
            if key in node:
                found.append(node[key])
        for value in node.values():
            found += _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            found += _toc_files(item)
    return found


def _chapters() -> set[str]:
    return {
        str(p.relative_to(ROOT).with_suffix(""))
        for p in BOOK.rglob("*")
        if p.suffix in (".md", ".ipynb")
        and ".ipynb_checkpoints" not in p.parts
    }


def test_toc_and_book_folder_agree():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [str(Path(e).with_suffix("")) for e in _toc_files(toc)]
    assert len(entries) == len(
        set(entries)
    ), f"duplicate toc entries: {entries}"
    missing_file = sorted(set(entries) - _chapters())
    missing_toc = sorted(_chapters() - set(entries))
    assert (
        not missing_file
    ), f"_toc.yml lists files that do not exist in book/: {missing_file}"
    assert (
        not missing_toc
    ), f"files in book/ that _toc.yml does not list: {missing_toc}"


@pytest.mark.parametrize(
    "nb", sorted(BOOK.rglob("*.ipynb")), ids=lambda p: p.name
)
def test_notebook_is_committed_without_outputs(nb):
    cells = json.loads(nb.read_text())["cells"]
    dirty = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "code"
        and (c.get("outputs") or c.get("execution_count"))
    ]
    assert not dirty, (
        f"{nb.name}: cells {dirty} hold outputs or execution counts; clear them "
        "(jupyter nbconvert --clear-output --inplace) before committing"
    )


# ------------------------------------------------------------------ glue keys
_GLUE_USE = re.compile(
    r"\{glue(?::\w+)?\}`([^`:]+)(?::[^`]*)?`|```\{glue:figure\}\s+(\S+)"
)
_GLUE_CALL = re.compile(r"""\bglue\(\s*(f?)(["'])(.+?)\2\s*,""")


def _glue_calls(nb: dict):
    """(literal keys with their counts, f-string keys as regular expressions, other calls)."""
    literal: dict[str, int] = {}
    patterns, other = [], []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        for m in _GLUE_CALL.finditer(src):
            if m.group(1):
                parts = re.split(r"\{[^}]*\}", m.group(3))
                patterns.append(
                    re.compile(".+".join(re.escape(p) for p in parts) + r"\Z")
                )
            else:
                literal[m.group(3)] = literal.get(m.group(3), 0) + 1
        other += [
            line.strip()
            for line in src.splitlines()
            if re.search(r"\bglue\(\s*[^\s\"'f]", line) and "def " not in line
        ]
    return literal, patterns, other


@pytest.mark.parametrize(
    "nb", sorted(BOOK.rglob("*.ipynb")), ids=lambda p: p.name
)
def test_every_glue_key_is_glued_exactly_once(nb):
    """Each key the prose uses is glued by one call in the same chapter, and no key twice.

    The executed build (``make book``) fails on a missing or duplicated key;
    this test finds both without executing anything. Keys are literal strings
    or f-strings (matched as patterns); a key held in a variable cannot be
    checked, so it is not allowed.
    """
    cells = json.loads(nb.read_text())["cells"]
    literal, patterns, other = _glue_calls({"cells": cells})
    assert (
        not other
    ), f"{nb.name}: glue() with a key that is not a (f-)string literal: {other}"
    twice = sorted(k for k, n in literal.items() if n > 1)
    assert not twice, f"{nb.name}: keys glued by more than one call: {twice}"
    used = {
        a or b
        for c in cells
        if c["cell_type"] == "markdown"
        for a, b in _GLUE_USE.findall("".join(c["source"]))
    }
    missing = sorted(
        k
        for k in used
        if k not in literal and not any(p.match(k) for p in patterns)
    )
    assert (
        not missing
    ), f"{nb.name}: keys used in the text but never glued: {missing}"


# ------------------------------------------------------------- reader's view
NOTEBOOKS = sorted(BOOK.rglob("*.ipynb"))
MAX_LINE = 79  # tools/site.css fits 80 characters in the column at 1280 px


def _code_cells(nb: Path) -> list[dict]:
    cells = json.loads(nb.read_text())["cells"]
    return [c for c in cells if c["cell_type"] == "code"]


def _tags(cell: dict) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_starts_with_the_install_cell_then_the_imports(nb):
    """Colab and a bare Jupyter get what they need; the site shows both collapsed."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from install_cell import cell_source
    finally:
        sys.path.pop(0)
    code = _code_cells(nb)
    assert len(code) >= 2, f"{nb.name}: expected an install cell and imports"
    assert "".join(code[0]["source"]) == cell_source(), (
        f"{nb.name}: the first code cell is not the install cell; run "
        f"`python tools/install_cell.py book/{nb.name}`"
    )
    for i, what in ((0, "install"), (1, "import")):
        assert "hide-input" in _tags(code[i]), (
            f"{nb.name}: tag the {what} cell `hide-input` so the site collapses it"
        )
    assert "import " in "".join(code[1]["source"]), (
        f"{nb.name}: the second code cell should hold the chapter's imports"
    )


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_code_lines_fit_the_column(nb):
    long = [
        (len(line), line.strip()[:60])
        for c in _code_cells(nb)
        for line in "".join(c["source"]).splitlines()
        if len(line) > MAX_LINE
    ]
    assert not long, (
        f"{nb.name}: {len(long)} code line(s) longer than {MAX_LINE} characters "
        f"scroll sideways on the site: {long[:5]}"
    )


_NUMREF = re.compile(r"\{numref\}`(?:[^`<]*<)?([^`>]+)>?`")


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_a_caption_a_name_alt_text_and_a_reference(nb):
    """Figures are the cells that call plt.show(); myst-nb reads their metadata."""
    cells = json.loads(nb.read_text())["cells"]
    text = "".join(
        "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
    )
    referenced = set(_NUMREF.findall(text))
    problems, names = [], []
    for c in cells:
        src = "".join(c["source"])
        if c["cell_type"] != "code" or "plt.show()" not in src:
            continue
        where = src.strip().splitlines()[0][:50]
        assert src.count("plt.show()") == 1, f"{nb.name}: one figure per cell: {where}"
        meta = c.get("metadata", {}).get("mystnb", {})
        fig, img = meta.get("figure", {}), meta.get("image", {})
        name = fig.get("name", "")
        if not fig.get("caption", "").strip():
            problems.append(f"no caption: {where}")
        if not re.fullmatch(rf"fig-{re.escape(nb.stem)}-[a-z0-9-]+", name):
            problems.append(f"name {name!r} is not fig-{nb.stem}-<what>: {where}")
        alt = img.get("alt", "")
        if len(alt) < 40 or "/" in alt.split()[0]:
            problems.append(f"alt text missing or too short to describe it: {where}")
        if name and name not in referenced:
            problems.append(f"{name} is never referenced with {{numref}}")
        names.append(name)
    dup = sorted({n for n in names if n and names.count(n) > 1})
    assert not dup, f"{nb.name}: figure names used twice: {dup}"
    assert not problems, f"{nb.name}: " + "; ".join(problems)


@pytest.mark.parametrize(
    "module",
    sorted((ROOT / "src" / "rnnbook").rglob("*.py")),
    ids=lambda p: str(p.relative_to(ROOT / "src")),
)
def test_package_lines_fit_the_column(module):
    """Chapters show package source (inspect.getsource): it must fit too."""
    lines = module.read_text(encoding="utf-8").splitlines()
    long = [i + 1 for i, line in enumerate(lines) if len(line) > MAX_LINE]
    assert not long, (
        f"{module.name}: lines {long[:10]} are longer than {MAX_LINE} "
        "characters, and scroll sideways where a chapter shows this code"
    )

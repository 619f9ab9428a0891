"""The book's structure: the toc and book/ agree, and notebooks are committed output-free."""

from __future__ import annotations

import json
import re
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
        if p.suffix in (".md", ".ipynb") and ".ipynb_checkpoints" not in p.parts
    }


def test_toc_and_book_folder_agree():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [str(Path(e).with_suffix("")) for e in _toc_files(toc)]
    assert len(entries) == len(set(entries)), f"duplicate toc entries: {entries}"
    missing_file = sorted(set(entries) - _chapters())
    missing_toc = sorted(_chapters() - set(entries))
    assert not missing_file, f"_toc.yml lists files that do not exist in book/: {missing_file}"
    assert not missing_toc, f"files in book/ that _toc.yml does not list: {missing_toc}"


@pytest.mark.parametrize("nb", sorted(BOOK.rglob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(nb):
    cells = json.loads(nb.read_text())["cells"]
    dirty = [i for i, c in enumerate(cells)
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, (
        f"{nb.name}: cells {dirty} hold outputs or execution counts; clear them "
        "(jupyter nbconvert --clear-output --inplace) before committing"
    )


# ------------------------------------------------------------------ glue keys
_GLUE_USE = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)(?::[^`]*)?`|```\{glue:figure\}\s+(\S+)")
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
                patterns.append(re.compile(".+".join(re.escape(p) for p in parts) + r"\Z"))
            else:
                literal[m.group(3)] = literal.get(m.group(3), 0) + 1
        other += [line.strip() for line in src.splitlines()
                  if re.search(r"\bglue\(\s*[^\s\"'f]", line) and "def " not in line]
    return literal, patterns, other


@pytest.mark.parametrize("nb", sorted(BOOK.rglob("*.ipynb")), ids=lambda p: p.name)
def test_every_glue_key_is_glued_exactly_once(nb):
    """Each key the prose uses is glued by one call in the same chapter, and no key twice.

    The executed build (``make book``) fails on a missing or duplicated key;
    this test finds both without executing anything. Keys are literal strings
    or f-strings (matched as patterns); a key held in a variable cannot be
    checked, so it is not allowed.
    """
    cells = json.loads(nb.read_text())["cells"]
    literal, patterns, other = _glue_calls({"cells": cells})
    assert not other, f"{nb.name}: glue() with a key that is not a (f-)string literal: {other}"
    twice = sorted(k for k, n in literal.items() if n > 1)
    assert not twice, f"{nb.name}: keys glued by more than one call: {twice}"
    used = {a or b for c in cells if c["cell_type"] == "markdown"
            for a, b in _GLUE_USE.findall("".join(c["source"]))}
    missing = sorted(k for k in used
                     if k not in literal and not any(p.match(k) for p in patterns))
    assert not missing, f"{nb.name}: keys used in the text but never glued: {missing}"

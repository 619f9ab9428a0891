"""The book's structure: the toc and book/ agree, and notebooks are committed output-free."""

from __future__ import annotations

import json
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

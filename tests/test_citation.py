"""Citing the book and citing from it: one version everywhere, and references.bib
holds exactly the works the chapters cite."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

import rnnbook

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


def test_one_version_everywhere():
    """rnnbook.__version__ is the one place; every copy the site or CITATION.cff needs agrees."""
    v = rnnbook.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", v), v
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert str(cff["version"]) == v, "CITATION.cff version"
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert (
        config["parse"]["myst_substitutions"]["version"] == v
    ), "_config.yml myst_substitutions"
    assert (
        f"Version {v}" in config["html"]["extra_footer"]
    ), "_config.yml extra_footer"
    cite = (BOOK / "cite.md").read_text()
    assert set(re.findall(r"Version (\d+\.\d+\.\d+)", cite)) == {
        v
    }, "book/cite.md BibTeX note"
    assert 'dynamic = ["version"]' in (ROOT / "pyproject.toml").read_text()


def _bib_keys() -> list[str]:
    return re.findall(
        r"^@\w+\{([^,\s]+),", (ROOT / "references.bib").read_text(), re.M
    )


_CITE = re.compile(r"\{cite(?::\w+)?\}`([^`]+)`")


def _cited() -> dict[str, set[str]]:
    """Cited key -> the pages citing it (markdown of notebooks and .md pages, and code comments)."""
    found: dict[str, set[str]] = {}
    for path in sorted(BOOK.glob("*")):
        if path.suffix == ".ipynb":
            text = "\n".join(
                "".join(c["source"])
                for c in json.loads(path.read_text())["cells"]
                if c["cell_type"] == "markdown"
            )
        elif path.suffix == ".md":
            text = path.read_text()
        else:
            continue
        for group in _CITE.findall(text):
            for key in group.split(","):
                found.setdefault(key.strip(), set()).add(path.name)
    return found


def test_bib_keys_are_unique():
    keys = _bib_keys()
    assert len(keys) == len(set(keys)), sorted(
        {k for k in keys if keys.count(k) > 1}
    )


def test_every_cited_key_is_in_references_bib():
    missing = {
        k: sorted(v) for k, v in _cited().items() if k not in set(_bib_keys())
    }
    assert not missing, f"cited but not in references.bib: {missing}"


def test_every_reference_is_cited():
    unused = sorted(set(_bib_keys()) - set(_cited()))
    assert not unused, f"in references.bib but cited by no page: {unused}"

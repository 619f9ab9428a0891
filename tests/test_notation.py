"""The chapters' mathematics keeps to book/notation.md: no retired use of a symbol.

Each pattern below is a use that notation.md retired (its "Retired uses"
paragraph). The test reads the mathematics of every markdown cell of every
chapter ($...$, $$...$$ and {math} blocks) and names the chapter, the pattern
and the formula of any hit.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(BOOK.glob("*.ipynb"))

_NOT_IN_NAME = r"(?<![\\\w{])"  # not part of a command (\Omega) or a word
RETIRED = {
    "N alone (use N_{\\text{layers}}, N_{\\text{dir}}, P or n)": r"(?<!\\mathcal )(?<!\\mathcal)"
    + _NOT_IN_NAME
    + r"N(?![\w_])",
    "C as a size (use K)": _NOT_IN_NAME + r"C(?![\w(])",
    "O as a size (use K; O(...) is big-O)": _NOT_IN_NAME + r"O(?![\w(])",
    "f as the activation (use \\phi)": _NOT_IN_NAME
    + r"f(?:\(|'|\^\{?\\prime)",
    "g other than the LSTM candidate g_t": _NOT_IN_NAME
    + r"g(?:\(|'|(?![\w_]|,\s*o\b))",
    "\\sigma as a singular value (use \\lVert W \\rVert_2)": r"\\sigma_\{?(?:\\max|\\min|\d|i\b)",
    "\\sigma as a volatility or spread": r"\\sigma(?:\^2|\s*\\sqrt|\s*[a-zA-Z]\b)",
    "k_1, k_2 as truncation lengths (use \\tau)": r"(?<![\\\w])k_\{?[12]\}?",
    "L as a layer count": r"\\dots,?\s*L\b|\^\{\(L\)\}",
    "D_u": r"D_\{?u\b",
}
_MATH = re.compile(
    r"\$\$.*?\$\$|\$[^$\n]+\$|```\{math\}.*?```|:::\{math\}.*?:::", re.S
)
_DIRECTIVE_OPTION = re.compile(
    r"^:\w+:.*$", re.M
)  # :label: eq-... inside {math}


def _math(path: Path) -> list[str]:
    cells = json.loads(path.read_text())["cells"]
    out = []
    for cell in cells:
        if cell["cell_type"] == "markdown":
            out += [
                _DIRECTIVE_OPTION.sub("", m)
                for m in _MATH.findall("".join(cell["source"]))
            ]
    return out


def test_the_patterns_catch_what_they_retire():
    bad = {
        "N alone (use N_{\\text{layers}}, N_{\\text{dir}}, P or n)": "$N = 2$",
        "C as a size (use K)": "$(B, C)$",
        "f as the activation (use \\phi)": "$h_t = f(z_t)$",
        "g other than the LSTM candidate g_t": "$g = \\partial L$",
        "\\sigma as a singular value (use \\lVert W \\rVert_2)": "$\\sigma_{\\max}(W)$",
        "\\sigma as a volatility or spread": "$\\sigma\\sqrt{\\Delta}$",
        "k_1, k_2 as truncation lengths (use \\tau)": "$k_1 = 5$",
        "L as a layer count": "$h^{(L)}_t$",
    }
    for name, text in bad.items():
        assert re.search(RETIRED[name], text), (name, text)
    fine = [
        "$\\sigma(a_t)$",
        "$g_t$",
        "$f_t \\odot c_{t-1}$",
        "$O(T H^2)$",
        "$N_{\\text{dir}}$",
        "$\\Omega$",
        "$\\lVert W \\rVert_2$",
        "$\\tau$",
        "$L = \\sum_t \\ell_t$",
        "$\\mathcal N(0, 1)$",
        "$i, f, g, o$",
    ]
    for text in fine:
        hits = [n for n, p in RETIRED.items() if re.search(p, text)]
        assert not hits, (text, hits)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_no_retired_symbol(path):
    hits = [
        f"{name}: ...{m[max(0, h.start() - 40):h.end() + 40]}..."
        for m in _math(path)
        for name, pattern in RETIRED.items()
        for h in re.finditer(pattern, m)
    ]
    assert not hits, (
        f"{path.name} uses retired notation (see book/notation.md):\n"
        + "\n".join(hits)
    )

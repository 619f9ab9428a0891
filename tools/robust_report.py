"""Summarise the training outcomes that the chapters asserted with ``claim``.

Every call of :func:`rnnbook.runtime.claim` appends one JSON line to the file
named by ``$RNNBOOK_CLAIMS``; ``make test`` and ``make robust`` set it. This
script reads one or more such files and prints, per chapter (the part of the
claim's name before the first ``/``), every claim with its bounds, the range
of its values over all runs, and the smallest margin to a bound. A claim that
failed in some run is marked FAILED.

Usage: python tools/robust_report.py FILE.jsonl [FILE.jsonl ...]
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path


def load(paths: list[str]) -> list[dict]:
    records = []
    for p in paths:
        path = Path(p)
        if not path.exists():
            print(
                f"robust_report: {path} does not exist (no chapter recorded a claim)"
            )
            continue
        records += [
            json.loads(line)
            for line in path.read_text().splitlines()
            if line.strip()
        ]
    return records


def report(records: list[dict]) -> str:
    by_claim: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in records:
        chapter, _, _ = r["name"].partition("/")
        by_claim[chapter, r["name"]].append(r)
    lines = []
    chapters = sorted({c for c, _ in by_claim})
    for chapter in chapters:
        names = sorted(n for c, n in by_claim if c == chapter)
        lines.append(f"{chapter}: {len(names)} training-outcome claim(s)")
        for name in names:
            runs = by_claim[chapter, name]
            values = [v for r in runs for v in r["value"]]
            margins = [r["margin"] for r in runs]
            failed = any(m is None or m <= 0 for m in margins)
            bound = " and ".join(
                (
                    [f"> {runs[0]['above']:g}"]
                    if runs[0]["above"] is not None
                    else []
                )
                + (
                    [f"< {runs[0]['below']:g}"]
                    if runs[0]["below"] is not None
                    else []
                )
            )
            seeds = sorted({(r["seed_offset"], r["onednn"]) for r in runs})
            finite = [m for m in margins if m is not None]
            lines.append(
                f"  {name}: {bound}; values {min(values):.4g} to {max(values):.4g} "
                f"over {len(runs)} run(s) (seed offset, oneDNN: {seeds}); "
                f"smallest margin {min(finite) if finite else float('nan'):.3g}"
                + ("  FAILED" if failed else "")
            )
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(report(load(sys.argv[1:])))

"""Build the site without executing any chapter, as a gate for `make test`.

`make test` executes every chapter once, under nbval. Executing them again for
the site would double the time, so this script builds the site from the
output-free notebooks instead, with Sphinx's nitpicky mode and warnings as
errors (`-n -W --keep-going`). That catches what would break `make book`: a
broken cross-reference, equation label or citation, a toc error, an unknown
directive or role, a malformed exercise.

Two things exist only after execution, and are stood in for:

- A figure that a code cell draws is named by the cell's metadata
  (``mystnb.figure.name``) but becomes a figure, a target for ``{numref}``,
  only when the cell has an image output. The build reads a copy of the book in
  which every such cell holds a 1x1 placeholder PNG, so that the names, the
  captions and every ``{numref}`` to them are checked.
- A glue reference's value. Exactly those warnings (`mystnb.glue` and
  `mystnb.glue_ref`) are suppressed, and nothing else; `make book` then builds
  with execution and no suppression at all.

Usage: python tools/book_check.py [BUILD_DIR]
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# The smallest PNG: one transparent pixel.
PLACEHOLDER = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000105fe02fea70000000049"
        "454e44ae426082"
    )
).decode()


def _with_placeholders(src: Path, dest: Path) -> None:
    """Copy a notebook, giving each figure cell a placeholder image output."""
    nb = json.loads(src.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("mystnb", {})
        if cell["cell_type"] == "code" and "figure" in meta:
            cell["outputs"] = [{
                "output_type": "display_data",
                "data": {"image/png": PLACEHOLDER, "text/plain": "<Figure>"},
                "metadata": {},
            }]
    dest.write_text(json.dumps(nb, indent=1), encoding="utf-8")


def _source_copy(tree: Path) -> None:
    """The book's sources under ``tree``: book/ with placeholders, the rest linked."""
    shutil.rmtree(tree, ignore_errors=True)
    tree.mkdir(parents=True)
    for name in ("_toc.yml", "references.bib", "_vendor"):
        (tree / name).symlink_to(ROOT / name)
    for path in (ROOT / "book").rglob("*"):
        if ".ipynb_checkpoints" in path.parts or path.is_dir():
            continue
        dest = tree / path.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".ipynb":
            _with_placeholders(path, dest)
        else:
            shutil.copy2(path, dest)


def main(build_dir: str = "_build/check") -> int:
    vendor = [sys.executable, str(ROOT / "tools" / "vendor_static.py")]
    if subprocess.call(vendor) != 0:
        return 1
    out = (ROOT / build_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    tree = out / "source"
    _source_copy(tree)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    sphinx = config.setdefault("sphinx", {})
    sphinx_config = sphinx.setdefault("config", {})
    suppressed = list(sphinx_config.get("suppress_warnings") or [])
    sphinx_config["suppress_warnings"] = suppressed + [
        "mystnb.glue",
        "mystnb.glue_ref",
    ]
    # Relative paths in the config are relative to the book's root, except the
    # folders of local extensions, which are relative to the config file.
    local = sphinx.get("local_extensions") or {}
    sphinx["local_extensions"] = {k: str(ROOT / v) for k, v in local.items()}
    config_path = out / "_config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(tree),
        "--config",
        str(config_path),
        "--path-output",
        str(out),
        "-n",
        "-W",
        "--keep-going",
        "--all",
    ]
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=tree)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

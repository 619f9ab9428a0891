"""Build the site without executing any chapter, as a gate for `make test`.

`make test` executes every chapter once, under nbval. Executing them again for
the site would double the time, so this script builds the site from the
output-free notebooks instead, with Sphinx's nitpicky mode and warnings as
errors (`-n -W --keep-going`). That catches what would break `make book`: a
broken cross-reference, equation label or citation, a toc error, an unknown
directive or role, a malformed exercise.

The one kind of warning it cannot avoid is a glue reference whose value only
exists after execution. It suppresses exactly those (`mystnb.glue` and
`mystnb.glue_ref`) and nothing else; `make book` then builds with execution
and no suppression at all.

Usage: python tools/book_check.py [BUILD_DIR]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main(build_dir: str = "_build/check") -> int:
    if (
        subprocess.call(
            [sys.executable, str(ROOT / "tools" / "vendor_static.py")]
        )
        != 0
    ):
        return 1
    out = ROOT / build_dir
    out.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["execute"]["execute_notebooks"] = "off"
    sphinx_config = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx_config["suppress_warnings"] = list(
        sphinx_config.get("suppress_warnings") or []
    ) + [
        "mystnb.glue",
        "mystnb.glue_ref",
    ]
    # Relative paths in the config are relative to the book's root, except the
    # folders of local extensions, which are relative to the config file.
    local = config["sphinx"].get("local_extensions") or {}
    config["sphinx"]["local_extensions"] = {
        k: str(ROOT / v) for k, v in local.items()
    }
    config_path = out / "_config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    cmd = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        str(ROOT),
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
    return subprocess.call(cmd, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

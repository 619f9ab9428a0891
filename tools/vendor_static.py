"""Copy the site's JavaScript dependencies into _vendor/, so that the built site loads
nothing from outside itself (it can be read offline).

Today that is the site's icon (``_vendor/favicon.png``, drawn here), the
book's style sheet (``tools/site.css``, copied to ``_vendor/site.css``) and MathJax 3 (the ``es5`` build of the PyPI package
``django-static-mathjax``, pinned in requirements.txt), copied to
``_vendor/mathjax``; ``_config.yml`` adds ``_vendor`` to Sphinx's
``html_static_path`` and points ``mathjax_path`` there. (Not ``_static/``:
Jupyter Book 1 adds every .js file under a root ``_static/`` to every page.)
``_vendor/`` is generated, so it is not committed (.gitignore). ``make book`` and
``tools/book_check.py`` run this first.

Usage: python tools/vendor_static.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "_vendor" / "mathjax"


def mathjax_source() -> Path:
    try:
        import mathjax  # the django-static-mathjax wheel installs this folder as a package
    except ImportError:
        raise SystemExit(
            "MathJax is not installed in this environment: run `make env` "
            "(requirements.txt pins django-static-mathjax)"
        ) from None
    src = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (src / "tex-mml-chtml.js").is_file():
        raise SystemExit(
            f"MathJax's es5 build was not found at {src}; reinstall with `make env`"
        )
    return src


def favicon(path: Path) -> None:
    """The site's icon, drawn by code like every figure: a state that feeds back into itself."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    fig = plt.figure(figsize=(0.64, 0.64), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal")
    ax.axis("off")
    ax.add_patch(plt.Circle((0.5, 0.4), 0.26, color="#0072B2"))
    ax.add_patch(
        FancyArrowPatch(
            (0.62, 0.66),
            (0.38, 0.66),
            connectionstyle="arc3,rad=1.6",
            arrowstyle="-|>",
            mutation_scale=9,
            lw=2.2,
            color="#D55E00",
        )
    )
    ax.text(
        0.5,
        0.4,
        "h",
        ha="center",
        va="center",
        color="white",
        fontsize=15,
        weight="bold",
    )
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, transparent=True)
    plt.close(fig)
    tmp.replace(path)


def main() -> int:
    icon = TARGET.parent / "favicon.png"
    if not icon.is_file():
        TARGET.parent.mkdir(exist_ok=True)
        favicon(icon)
    css = TARGET.parent / "site.css"
    css.write_bytes((ROOT / "tools" / "site.css").read_bytes())
    src = mathjax_source()
    stamp = TARGET / ".source"
    if stamp.is_file() and stamp.read_text() == str(src):
        return 0  # already there
    tmp = TARGET.with_name("mathjax.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(
        src,
        tmp,
        ignore=shutil.ignore_patterns("*-full*", "*svg*", "node-main.js"),
    )
    (tmp / ".source").write_text(str(src))
    shutil.rmtree(TARGET, ignore_errors=True)
    tmp.rename(TARGET)  # complete or absent, never half-copied
    print(f"vendored MathJax into {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

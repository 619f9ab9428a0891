"""A local Sphinx extension: fixes to the pages that a browser check found.

- pydata-sphinx-theme logs "Got invalid theme mode" as a console error on
  every page unless a default colour mode is set; it is set to ``auto``
  (follow the reader's system), keeping the theme options Jupyter Book sets.
- sphinx-thebe registers its configuration script twice under Jupyter Book 1,
  so every page declared ``const THEBE_JS_URL`` twice, a SyntaxError in the
  console. Identical script entries are kept once.

Jupyter Book loads it through ``sphinx: local_extensions`` in ``_config.yml``.
"""

from __future__ import annotations


def _key(script) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    filename = (
        getattr(script, "filename", script) or ""
    )  # None and "" both mean inline
    return (str(filename), tuple(sorted(attributes.items())))


def dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            kept.append(script)
    scripts[:] = kept


def default_mode(app, pagename, templatename, context, doctree) -> None:
    if not context.get("default_mode"):
        context["default_mode"] = "auto"


def setup(app):
    app.connect(
        "html-page-context", default_mode, priority=900
    )  # after the theme's own
    app.connect("html-page-context", dedupe_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

"""SVG charts drawn by pygal, made static: no script, no comment, no external reference, a fixed id, the
chart's title as its accessible name (the same input gives the same bytes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def strip_comments(root: Any) -> Any:
    """Drop pygal's comments (links and the date) and its script (the config of its optional tooltips).

    What is left is a static, offline SVG that gives the same bytes for the same input.
    """
    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return root


def finish(chart: Any, chart_id: str, title: str, also: Callable[[Any], None] | None = None) -> str:
    """Render ``chart`` as a static SVG element with a fixed id and ``title`` as its title and accessible name
    (``also``: a further change to the SVG tree, made after the comments are gone)."""
    chart.uuid = chart_id  # a fixed id instead of a random one: the same input gives the same bytes

    def done(root: Any) -> Any:
        strip_comments(root)
        if also is not None:
            also(root)
        for child in root:
            if child.tag.endswith("title"):
                child.text = title
        root.set("role", "img")
        root.set("aria-label", title)
        return root

    chart.add_xml_filter(done)
    return chart.render(is_unicode=True)

"""Update a facts file in place, keeping its comments, order and layout (ruamel.yaml's round trip).

``cxm interview --from FILE -o FILE`` answers every question; only what changed is written back: a field
the file has takes its new value where it differs, and a field the file leaves out is added only when
the answer differs from the schema's default (so a silent file stays silent on defaults).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 100
    return yaml


def update_text(text: str, answers: Mapping[str, Any], defaults: Mapping[str, Any]) -> str:
    """``text`` (a facts file) with ``answers`` (dotted path -> plain value) merged in, comments kept."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = _yaml()
    data = yaml.load(text)
    for path, value in answers.items():
        *parents, leaf = path.split(".")
        node = data
        missing = False
        for part in parents:
            child = node.get(part)
            if not isinstance(child, Mapping):
                missing = True
                break
            node = child
        if not missing and leaf in node:
            old = node[leaf]
            if isinstance(old, CommentedSeq) and isinstance(value, list):
                if list(old) != value:
                    old[:] = value  # the sequence keeps its style (flow or block) and comments
            elif value is None:
                del node[leaf]
            elif old != value or type(old) is not type(value):
                node[leaf] = value
            continue
        if value is None or value == defaults.get(path):
            continue
        node = data
        for part in parents:
            if not isinstance(node.get(part), Mapping):
                node[part] = CommentedMap()
            node = node[part]
        node[leaf] = value
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()

"""Update a facts file in place, keeping its comments, order and layout (ruamel.yaml's round trip).

``cxm interview --from FILE -o FILE`` answers every question; only what changed is written back: a value
differs when it differs from the file's value as the facts loader reads it (``industry: retail`` is
``[retail]``, ``Kazakhstan`` is ``KZ``). A changed value the file holds on one line is rewritten where it
stands, every other byte kept (:func:`patch_text`); a field the file leaves out is added, and a value
removed, by ruamel.yaml's round trip (:func:`update_text`), which keeps comments, order and layout.
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


def changed(answers: Mapping[str, Any], start: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that differ from the file's validated values (``start``: every field, defaults filled in):
    ``industry: retail`` read as ``[retail]`` and ``Kazakhstan`` read as ``KZ`` are not changes."""
    return {path: value for path, value in answers.items() if start.get(path) != value}


def _flow(value: Any) -> str:
    """A value as YAML flow text on one line (``true``, ``12``, ``[crm, ivr]``, ``'yes'``)."""
    import yaml

    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 30)
    return text.removesuffix("\n...\n").removesuffix("\n")


def _node(root: Any, path: str) -> Any:
    import yaml

    node = root
    for part in path.split("."):
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
        if node is None:
            return None
    return node


def patch_text(text: str, changes: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """``text`` with each changed value rewritten where it stands, every other byte kept; and the changes that
    could not be written so (a field the file leaves out, a value to remove, a block list): those go through
    :func:`update_text`."""
    import yaml

    root = yaml.compose(text, Loader=yaml.SafeLoader)  # positions in characters
    edits, rest = [], {}
    for path, value in changes.items():
        node = _node(root, path)
        one_line = node is not None and node.start_mark.line == node.end_mark.line
        if (
            value is None
            or not one_line
            or (isinstance(node, yaml.CollectionNode) and not node.flow_style)
            or isinstance(node, yaml.MappingNode)
        ):
            rest[path] = value
            continue
        if isinstance(node, yaml.ScalarNode) and isinstance(value, list) and len(value) == 1:
            value = value[0]  # `industry: retail` stays a single value when one is answered
        new = _flow(value)
        edits.append((node.start_mark.index, node.end_mark.index, new))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text, rest

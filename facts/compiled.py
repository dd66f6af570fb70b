"""The facts schema compiled for pydantic-core: validation without building the pydantic models.

:class:`~cxm.facts.schema.Facts` is the one definition of the facts file. Building
its models costs a command more than everything else it does at start-up, so
:func:`core_schema` takes the core schema pydantic generates for ``Facts`` and
turns each model into a typed dictionary with the same fields, checks and
defaults. The result holds only data, enums and functions of light modules: it
can be pickled, cached (``cxm.engine.knowledge.cache.facts_validator``) and run by
``pydantic_core.SchemaValidator`` in a process that never imports the models.
The output is what ``Facts.model_validate(data).model_dump()`` gives, and the
errors are pydantic's own (a test compares both ways on generated documents).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

from cxm.facts import checks

# Keys that describe (JSON Schema hooks, serialisation), never validate: left out.
_DROP = {"metadata", "serialization"}
_CONFIG = {"title", "extra_fields_behavior"}


def _twins() -> dict[type, Callable[[Any], Any]]:
    """The mapping form of each model-level validator of the schema."""
    from cxm.facts.schema import Markets, Systems

    return {Markets: checks.markets, Systems: checks.systems}


class SchemaCompileError(TypeError):
    """The facts models use something this module does not translate (a test builds the schema, so it shows)."""


def _wraps_model(node: dict[str, Any]) -> bool:
    """A model's schema inside its model-level ("after") validator."""
    return node.get("type") == "function-after" and node["schema"].get("type") == "model"


def _is_model(node: dict[str, Any]) -> bool:
    """A model's schema, possibly wrapped in its model-level validator."""
    return node.get("type") == "model" or _wraps_model(node)


class _Compiler:
    def __init__(self) -> None:
        self.twins = _twins()
        self.definitions: list[Any] = []

    def convert(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.convert(x) for x in node]
        if not isinstance(node, dict):
            return node
        kind = node.get("type")
        if kind == "model":
            return self.model(node)
        if _wraps_model(node):
            cls = node["schema"]["cls"]
            if cls not in self.twins:
                raise SchemaCompileError(f"the model validator of {cls.__name__} has no mapping form in facts.checks")
            out = {
                "type": "function-after",
                "function": {"type": "no-info", "function": self.twins[cls]},
                "schema": self.model(node["schema"]),
            }
            if "ref" in node:
                out["ref"] = node["ref"]
            return out
        if kind == "default" and "default_factory" in node and _is_model(node["schema"]):
            inner = self.convert(node["schema"])
            from pydantic_core import SchemaValidator

            whole = {"type": "definitions", "schema": inner, "definitions": self.definitions}
            value = SchemaValidator(whole).validate_python({})  # the section with every default filled in
            return {
                "type": "default",
                "schema": inner,
                "default_factory": functools.partial(copy.deepcopy, value),
                "default_factory_takes_data": False,
            }
        function = node.get("function", {}).get("function") if kind == "function-after" else None
        if isinstance(function, functools.partial) and function.func.__name__ == "max_length_validator":
            light = functools.partial(checks.max_length, **function.keywords)
            return {
                **{k: self.convert(v) for k, v in node.items() if k not in _DROP},
                "function": {**node["function"], "function": light},
            }
        return {k: self.convert(v) for k, v in node.items() if k not in _DROP}

    def model(self, node: dict[str, Any]) -> dict[str, Any]:
        config = node.get("config", {})
        unknown = set(config) - _CONFIG
        if unknown or node.get("custom_init") or node.get("root_model"):
            raise SchemaCompileError(f"model {node['cls'].__name__}: cannot compile {sorted(unknown)}")
        inner = node["schema"]
        if inner.get("type") != "model-fields" or inner.get("computed_fields"):
            raise SchemaCompileError(f"model {node['cls'].__name__}: unexpected schema {inner.get('type')}")
        fields = {
            name: {
                "type": "typed-dict-field",
                "schema": self.convert(field["schema"]),
                "required": field["schema"].get("type") != "default",
            }
            for name, field in inner["fields"].items()
        }
        out: dict[str, Any] = {"type": "typed-dict", "fields": fields}
        if "ref" in node:
            out["ref"] = node["ref"]
        if config.get("extra_fields_behavior"):
            out["extra_behavior"] = config["extra_fields_behavior"]
        return out


def core_schema() -> dict[str, Any]:
    """The core schema of :class:`~cxm.facts.schema.Facts`, in typed-dictionary form (see the module)."""
    from cxm.facts.schema import Facts

    schema = Facts.__pydantic_core_schema__
    compiler = _Compiler()
    if schema.get("type") != "definitions":
        return compiler.convert(schema)
    compiler.definitions = compiler.convert(schema["definitions"])
    return {"type": "definitions", "schema": compiler.convert(schema["schema"]), "definitions": compiler.definitions}

"""The one durable-rules Host of this process, and the rulesets registered on it.

durable-rules starts two timer threads per Host that never stop and cannot
delete a ruleset, so the process keeps a single Host and registers each
compiled knowledge base once, under a name derived from its content. All use
goes through :data:`LOCK`: the C extension is not safe to call from threads.
"""

from __future__ import annotations

import copy
import sys
import threading
from collections.abc import Callable
from typing import Any

from cxm.engine.errors import EngineUnavailable

LOCK = threading.RLock()
_HOST: Any = None
_REGISTERED: set[str] = set()


def durable() -> Any:
    """The durable.engine module, or a clear error where it cannot load."""
    try:
        import durable.engine as engine
    except ImportError as exc:  # pragma: no cover - depends on the interpreter
        version = ".".join(map(str, sys.version_info[:3]))
        hint = (" durable-rules 2.0.28 does not import on Python 3.13 or newer (its C extension calls "
                "PyEval_CallObject, which 3.13 removed); use Python 3.11 or 3.12.")
        raise EngineUnavailable(f"cannot load the durable-rules engine on Python {version}: {exc}.{hint}") from None
    return engine


def host(actions: Callable[[str], Callable[[Any], None]] | None = None) -> Any:
    """The process's Host, created on first use."""
    global _HOST
    with LOCK:
        if _HOST is None:
            engine = durable()

            class _Host(engine.Host):  # type: ignore[misc, name-defined]
                resolve: Callable[[str], Callable[[Any], None]] | None = None

                def get_action(self, action_name: str) -> Callable[[Any], None]:
                    assert self.resolve is not None
                    return self.resolve(action_name)

            _HOST = _Host()
        return _HOST


def register(name: str, ruleset: dict[str, Any], action: Callable[[str], Callable[[Any], None]]) -> Any:
    """Register a compiled ruleset once; ``action(rule_name)`` gives the callable for each rule."""
    with LOCK:
        h = host()
        if name not in _REGISTERED:
            h.resolve = action
            h.set_rulesets(copy.deepcopy(ruleset))  # durable pops 'run' from the dicts it is given
            _REGISTERED.add(name)
        return h

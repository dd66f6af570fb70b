"""The rulesets registered in durable-rules' C core, and the one Host of this process.

Assessments drive the C core (``durable_rules_engine``) directly: :func:`handle` creates each
compiled knowledge base once, under a name derived from its content, and returns its handle
(durable-rules cannot delete a ruleset). No Host of durable-rules' Python wrapper is made here (the benchmark's
baseline, bench/wrapped.py, makes its own). All use goes through :data:`LOCK`: the C extension is not safe to
call from threads.
"""

from __future__ import annotations

import json
import re
import shlex
import sys
import threading
from collections.abc import Callable
from typing import Any

from cxm.engine.base.errors import EngineError, EngineUnavailable

LOCK = threading.RLock()
_HANDLES: dict[str, int] = {}


# durable-rules 2.0.28 calls PyEval_CallObject, which Python 3.13 removed; its setup.py overwrites CFLAGS but
# keeps CPPFLAGS, and it builds without optimisation (-O2 makes an assessment's instructions fall by about 40 %)
BUILD_FLAGS = "-DPyEval_CallObject=PyObject_CallObject -O2"


def rebuild_command() -> str:
    """The command that rebuilds durable-rules for this interpreter (no cached wheel: it may be a broken build)."""
    return (
        f'CPPFLAGS="{BUILD_FLAGS}" {shlex.quote(sys.executable)} -m pip install --no-cache-dir '
        "--force-reinstall --no-deps durable-rules==2.0.28"
    )


def unavailable(exc: ImportError) -> EngineUnavailable:
    """The error for an engine that cannot be imported: what failed, and the command that rebuilds it."""
    version = ".".join(map(str, sys.version_info[:3]))
    return EngineUnavailable(
        f"cannot load the durable-rules engine on Python {version}: {exc}. Rebuild it with: {rebuild_command()}"
    )


def core() -> Any:
    """The durable-rules C core (module ``durable_rules_engine``), or a clear error where it cannot load."""
    try:
        import durable_rules_engine
    except ImportError as exc:
        raise unavailable(exc) from None
    return durable_rules_engine


# durable-rules 2.0.28 crashed the process (a segfault in delete_state) after a session in which no
# action ran but a stored fact had passed part of a pattern (e.g. the fact's name, not its value). Every
# registered ruleset gets this rule, which fires once per session on START, asserted first.
ANCHOR = "cxm_anchor"
START = {"id": "cxm:start", "cxm_start": 1}


def handle(
    name: str, text: str, where: Callable[[str], str] | None = None, ruleset: Callable[[], dict[str, Any]] | None = None
) -> int:
    """The C core's handle of a compiled network, created on first use from its JSON ``text`` (with the
    anchor rule).

    A failure is an :class:`EngineError` naming the rule durable-rules could not take (found by probing the
    definitions ``ruleset()`` gives), never the extension's bare error code.
    """
    with LOCK:
        found = _HANDLES.get(name)
        if found is not None:
            return found
        anchor = json.dumps({ANCHOR: {"all": [{"cxm_a": {"cxm_start": 1}}]}})
        body = f"{text.rstrip()[:-1]}, {anchor[1:]}"  # (never empty: every network holds the sink rule)
        try:
            created: int = core().create_ruleset(name, body)
        except Exception as exc:
            rule = _culprit(ruleset()) if ruleset else None
            place = (where(rule) if where else f"rule {rule!r}") if rule else f"ruleset {name!r}"
            raise engine_error(exc, f"registering the rules ({place})") from None
        _HANDLES[name] = created
        return created


# durable-rules reports every failure of its C core as "..., error code: NNN" (src/rules/rules.h).
_RAW = re.compile(r"error code: (\d+)")
MEANINGS = {
    101: "out of memory",
    102: "a value of an unexpected type",
    103: "a name that is too long",
    104: "an unexpected value",
    105: "an unexpected name",
    106: "too many rules (at most 4,096 in a ruleset, and at most 512 different tests of one fact)",
    107: "too many absence tests hanging on one test (at most 128)",
    108: "too many rules sharing one test (at most 256; e.g. rules of one phase)",
    109: "a rule without a condition",
    110: "a setting that does not exist",
    111: "an invalid handle",
    112: "too many rulesets or sessions",
    113: "too many tests in one rule (at most 31 per join)",
    201: "malformed ruleset: a bad value",
    202: "malformed ruleset: an unknown operator or a bad string",
    203: "malformed ruleset: a bad number",
    204: "malformed ruleset: a bad mapping",
    205: "malformed ruleset: a bad list",
    302: "a fact with more than 255 properties",
    303: "conclusions chained too deep",
    304: "too many facts matched at once",
    305: "a fact that is not there",
    306: "a location that is not there",
    307: "a rule node that was deleted",
    308: "a rule node that is busy",
    309: "a session that does not exist (already deleted)",
    310: "no action available",
    311: "a property that is not there",
    312: "an operation it does not support",
    313: "a fact that is too large",
    314: "a fact property that is too large",
}


def engine_error(exc: BaseException | str, doing: str) -> EngineError:
    """An :class:`EngineError` for an exception (or an error text) durable-rules gave while ``doing`` something.

    A raw error code becomes its meaning (the code is kept at the end, for bug reports).
    """
    if isinstance(exc, EngineError):
        return exc
    text = (str(exc).strip().splitlines() or [""])[0]
    match = _RAW.search(text)
    if match:
        code = int(match.group(1))
        meaning = MEANINGS.get(code) or ("a bad pattern" if 500 <= code < 600 else "an internal failure")
        return EngineError(f"the rule engine failed while {doing}: {meaning} (durable-rules error {code})")
    if isinstance(exc, MemoryError):
        return EngineError(f"the rule engine failed while {doing}: out of memory or too many live sessions")
    kind = "" if isinstance(exc, str) else f"{type(exc).__name__}: "
    return EngineError(f"the rule engine failed while {doing}: {kind}{text}")


def _culprit(ruleset: dict[str, Any]) -> str | None:
    """The first rule whose addition makes durable-rules refuse the ruleset (None if it cannot tell).

    Each probe builds the rules without actions straight in the C core and deletes it again, so
    nothing stays registered.
    """
    try:
        import durable_rules_engine as core
    except ImportError:  # pragma: no cover - durable imported above
        return None
    (body,) = ruleset.values() if len(ruleset) == 1 else ({},)
    names = list(body)

    def refused(count: int) -> bool:
        part = {n: {k: v for k, v in body[n].items() if k != "run"} for n in names[:count]}
        try:
            handle = core.create_ruleset("cxm_probe", json.dumps(part, ensure_ascii=False))
        except Exception:
            return True
        core.delete_ruleset(handle)
        return False

    try:
        if not names or not refused(len(names)):
            return None
        low, high = 0, len(names)  # refused(high) holds, refused(0) does not (no rules)
        while high - low > 1:
            mid = (low + high) // 2
            low, high = (low, mid) if refused(mid) else (mid, high)
        return names[high - 1]
    except Exception:  # pragma: no cover - the probe itself must never hide the first error
        return None

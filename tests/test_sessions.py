"""Many assessments in one process: same results as fresh processes, no session leak."""

from __future__ import annotations

import pytest

from cxm.cli.render import to_json
from cxm.engine.runtime import host, session
from cxm.facts.load import load_facts
from tests.conftest import EXAMPLES, run_cxm


@pytest.mark.slow
def test_two_thousand_assessments_match_fresh_processes(engine) -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    fresh = {}
    for path in files:
        proc = run_cxm("assess", str(path), "--format", "json")
        assert proc.returncode == 0, proc.stderr
        fresh[path] = proc.stdout
    loaded = {path: load_facts(path) for path in files}
    for i in range(2000):
        path = files[i % len(files)]
        out = to_json(engine.assess(loaded[path], path=True))
        assert out == fresh[path], f"assessment {i} of {path.name} differs from a fresh process"
    # every session was deleted: durable-rules would refuse a new one after 1024 live sessions
    assert session._RUNS == {}
    core, handle = host.core(), host._HANDLES[engine.compiled.name]
    for sid in ("1", "1500"):
        try:
            core.get_facts(handle, sid)
        except Exception as exc:  # durable reports a deleted session as "error code: 309"
            assert "309" in str(exc)
        else:
            raise AssertionError(f"session {sid} is still alive")

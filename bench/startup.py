"""Where a cold ``cxm assess --no-path`` spends its time: one fresh process, its phases timed in order.

    python bench/startup.py [FILE]      # prints one JSON object: milliseconds per phase

The phases are those of ``cxm assess`` (cli/main.py), run by hand so that each can be timed: the floor's
imports (click, pydantic_core, yaml, as ``cxm`` imports them), this project's modules, reading the facts
(the compiled facts validator from the cache, YAML, validation), the rule base from the cache, the C core's
rulesets (``create_ruleset``), the first session, the result, and its text. ``bench/run.py`` runs it in
several fresh processes and reports the medians.
"""

from __future__ import annotations

import time

_start = time.perf_counter()

import gc  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

EXAMPLE = Path(__file__).resolve().parent.parent / "facts" / "examples" / "article-1-wellness-resort.yaml"


def main() -> None:
    gc.disable()  # as `cxm` does until the rule base is loaded (cli/main.py)
    marks = [("start", _start)]

    def mark(name: str) -> None:
        marks.append((name, time.perf_counter()))

    import click  # noqa: F401
    import pydantic_core  # noqa: F401
    import yaml  # noqa: F401

    mark("floor imports (click, pydantic_core, yaml)")
    import cxm.cli.main  # noqa: F401
    from cxm.cli import render
    from cxm.engine.results.assemble import assemble
    from cxm.engine.runtime import host, session
    from cxm.engine.services.api import Engine, read_facts
    from cxm.facts.vocabulary import flatten

    mark("cx-maturity's modules")
    loaded = read_facts(sys.argv[1] if len(sys.argv) > 1 else EXAMPLE)
    mark("facts read and validated")
    engine = Engine()
    mark("rule base from the cache")
    gc.freeze()
    gc.enable()
    for name, text in engine.compiled.texts.items():
        host.handle(name, text)
    mark("create_ruleset (durable-rules' C core)")
    trace = session.run(engine.kb, engine.compiled, flatten(loaded.data))
    mark("first session")
    result = assemble(engine.kb, trace, loaded)
    mark("result assembled")
    render.to_text(result, "en")
    mark("text rendered")
    print(json.dumps({name: round((t - marks[n][1]) * 1e3, 2) for n, (name, t) in enumerate(marks[1:])}))


if __name__ == "__main__":
    main()

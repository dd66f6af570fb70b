"""Assess many companies at once: read the input, run (here, in worker processes or on a Dask cluster),
keep input order, journal the progress, and write the output atomically at the end.

Input (one company per row; ``row`` counts companies from 1, in input order):

- CSV, JSON Lines, or a folder of facts files, read by :mod:`cxm.facts.tabular`.

Output: JSON Lines (one ``{"row", "company", "stage", "levels", "recommendations", "held_back", "weakest",
"gates_failing", "self_far", "industry", "market", "size_class", "employees", "warnings"}`` object per line, see
:func:`project`) or CSV (the first six, levels as ``level.<competency>`` columns, ids ``;``-separated, and
``warnings``, `` | ``-separated). A bad row goes to the errors file as ``row N: FIELD: MESSAGE [FILE:LINE:COL]``
and the rest go on; a row whose facts contradict each other (the warnings ``cxm assess`` prints) is assessed,
its warnings in the ``warnings`` field as ``FIELD: MESSAGE``, and counted in the summary.

Kill safety: finished rows are appended, in input order, to ``OUTPUT.partial`` (flushed and synced
per chunk); OUTPUT and the errors file are produced from it atomically at the end and the journal
is deleted. ``resume=True`` keeps the rows a journal already holds (:mod:`~cxm.engine.services.journal`
checks every line); ``restart=True`` drops them; a journal left by an interrupted run is never
silently overwritten: one of the two is required.

File safety: input, output, errors file, journal and lock file must be five different files
(symbolic and hard links resolved), or the run does not start. A run holds an exclusive lock
(``flock``) on ``OUTPUT.lock``, which names its process: a second run on the same output stops
at once. No file is deleted but the journal and the lock file the runs themselves made. A CSV output
cell that a spreadsheet would read as a formula (it begins with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return) is written with a ``'`` before it, as OWASP recommends against CSV injection.

Parallelism: ``jobs > 1`` runs chunks of rows in local worker processes
(:mod:`~cxm.engine.services.workers`), never more processes than chunks of :data:`CHUNK` rows. The
parent prepares the engine (rule base, validator, durable-rules rulesets) and, when it runs a single
thread, forks its workers warm (no thread, no session: safe, see that module); else they start from a
forkserver and each builds its own :class:`~cxm.engine.services.api.Engine` once. A worker is sent
chunk numbers and reads its own rows (:class:`Chunks`); it sends back one string, the chunk's journal
lines. SIGTERM ends the run as :class:`Interrupted` (the journal kept) and the workers quietly.
``cluster=ADDRESS`` runs the chunks on a Dask distributed cluster instead (``pip install
cx-maturity[dask]``), each worker process holding its own engine. The output bytes are the same
whatever the number of jobs or the backend.

The package's modules, each named for what it holds: :mod:`.rows` (a row read, validated and assessed),
:mod:`.records` (what an output line holds), :mod:`.runners` (here, worker processes, a cluster),
:mod:`.files` (the journal, its stamp and the lock file), :mod:`.output` (the writer of each output format,
:data:`WRITERS`, and the end of a run) and :mod:`.run` (a run from start to end). Every name callers use is
importable from the package itself.
"""

from cxm.engine.services.batch.errors import BatchError, Interrupted
from cxm.engine.services.batch.files import JOURNAL_VERSION, fingerprint, journal_path, lock_path, read_journal
from cxm.engine.services.batch.output import (
    FORMULA_START,
    WRITERS,
    Writer,
    csv_line,
    csv_text,
    finish,
    output_format,
    spreadsheet_safe,
    writer,
)
from cxm.engine.services.batch.records import (
    Done,
    company_profile,
    error_lines,
    failing_gates,
    journal_lines,
    lean_record,
    project,
    record,
    warning_texts,
)
from cxm.engine.services.batch.rows import CHUNK, assess_rows, chunks, engine_for, load_row, rule_folders, warm
from cxm.engine.services.batch.run import NAME_MAX, Summary, run_batch
from cxm.engine.services.batch.runners import (
    Chunks,
    Runner,
    assess_chunk,
    run_dask,
    run_here,
    run_pool,
    workers,
)
from cxm.facts.tabular import open_source, read_rows

__all__ = [
    "CHUNK",
    "FORMULA_START",
    "JOURNAL_VERSION",
    "NAME_MAX",
    "WRITERS",
    "BatchError",
    "Chunks",
    "Done",
    "Interrupted",
    "Runner",
    "Summary",
    "Writer",
    "assess_chunk",
    "assess_rows",
    "chunks",
    "company_profile",
    "csv_line",
    "csv_text",
    "engine_for",
    "error_lines",
    "failing_gates",
    "fingerprint",
    "finish",
    "journal_lines",
    "journal_path",
    "lean_record",
    "load_row",
    "lock_path",
    "open_source",
    "output_format",
    "project",
    "read_journal",
    "read_rows",
    "record",
    "rule_folders",
    "run_batch",
    "run_dask",
    "run_here",
    "run_pool",
    "spreadsheet_safe",
    "warm",
    "warning_texts",
    "workers",
    "writer",
]

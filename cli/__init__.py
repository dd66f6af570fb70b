"""The ``cxm`` command line: parse, call the engine, render."""

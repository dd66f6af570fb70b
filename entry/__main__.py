"""``python -m cxm`` runs the ``cxm`` command (this folder is the ``cxm`` package's top: it holds only this file)."""

from cxm.cli.main import main

main()

"""``python -m cxm`` runs the ``cxm`` command."""

from cxm.cli.main import main

main()

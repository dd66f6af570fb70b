"""``python -m cxm.cli`` runs the ``cxm`` command."""

from cxm.cli.main import main

main()

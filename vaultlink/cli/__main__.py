"""``python -m vaultlink.cli``: the same entry point as the ``vaultlink`` script."""

from vaultlink.cli import main

main()

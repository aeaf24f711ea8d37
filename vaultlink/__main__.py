"""``python -m vaultlink``: the same entry point as the ``vaultlink`` script."""

from vaultlink.cli import run

run()

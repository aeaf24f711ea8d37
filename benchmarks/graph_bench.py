"""Time ``load()`` against ``build_graph()`` on a real 4,900-note vault.

The graph must add under 20% to loading: it is built on every ``vault.graph`` access
after a load, so it has to be cheap next to parsing. Both a cold load (no parse cache)
and a warm one (cache filled) are measured, since the warm load is what a repeat
``vaultlink graph`` or ``intro`` pays. Prints one line per number and exits 1 when the
graph costs 20% or more of the cold load.

    .venv/bin/python benchmarks/graph_bench.py [VAULT] [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

DEFAULT_VAULT = next(
    (base / "pokerole" for base in (Path(__file__).resolve().parents[2] / "shared" / "vaults",
                                    Path("/work/shared/vaults"))
     if (base / "pokerole").is_dir()),
    Path("/work/shared/vaults/pokerole"),
)
BUDGET = 0.20
T = TypeVar("T")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("vault", nargs="?", type=Path, default=DEFAULT_VAULT)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args(argv)
    if not args.vault.is_dir():
        print(f"skipped: {args.vault} is not a folder", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as cache:
        # keep the bench's parse cache out of the user's real cache folder
        os.environ["XDG_CACHE_HOME"] = cache
        from vaultlink.graph import build_graph
        from vaultlink.vault import load

        cold = min(_timed(lambda: load(args.vault, use_cache=False))[0]
                   for _ in range(args.repeat))
        load(args.vault, use_cache=True)  # fill the cache
        warm, vault = min((_timed(lambda: load(args.vault, use_cache=True))
                           for _ in range(args.repeat)), key=lambda r: r[0])
        graph_s, graph = min((_timed(lambda: build_graph(vault)) for _ in range(args.repeat)),
                             key=lambda r: r[0])
    notes = len(vault.notes)
    print(f"vault: {args.vault} ({notes} notes)")
    print(f"graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    print(f"load (cold, no cache): {cold:.3f} s")
    print(f"load (warm cache):     {warm:.3f} s")
    print(f"build_graph:           {graph_s:.3f} s")
    print(f"graph / cold load:     {graph_s / cold:.1%} (budget < {BUDGET:.0%})")
    print(f"graph / warm load:     {graph_s / warm:.1%}")
    return 0 if graph_s < BUDGET * cold else 1


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


if __name__ == "__main__":
    sys.exit(main())

"""Time ``vaultlink sync`` against the floor: markdown-it-py merely parsing the files.

``python benchmarks/run.py`` (``make bench``) — sizes 1k and 10k; ``--full`` adds 50k;
``--sizes 2000,5000`` picks others. For each synthetic vault (``benchmarks/generate.py``)
and a scratch copy of /work/shared/vaults/pokerole (when present), in one run:

* **floor** — a fresh Python reads every ``.md`` file and runs
  ``MarkdownIt("commonmark").parse(text)`` on it (import time included);
* **cold** — ``vaultlink sync`` on a fresh copy of the vault with an empty cache folder;
* **repeat** — ``vaultlink sync`` again with nothing changed, once the previous sync
  changed nothing (the steady state of cron, watch mode or Obsidian start-up);
* **first repeat** — the sync right after one that wrote its notes (the files it wrote
  are new input, so the model is rebuilt; reported for honesty);
* **1 % edited** — a log line appended to 1 % of the notes, then ``vaultlink sync``.

Every measurement is a fresh process (``vaultlink sync --vault ... --today 2026-11-23``,
so interpreter start-up and imports count), the best of ``--runs``. Peak memory is the
largest resident set of any process of that measurement (``getrusage(RUSAGE_CHILDREN)``
read in a fresh intermediate process). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from benchmarks.generate import edit_notes, generate  # noqa: E402

TODAY = "2026-11-23"
POKEROLE = Path("/work/shared/vaults/pokerole")

FLOOR_CODE = """
import os, sys
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark")
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.lower().endswith(".md"):
            with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                md.parse(f.read())
"""


# ------------------------------------------------------------------------------ measuring


def _measure_main(argv: Sequence[str]) -> int:
    """Intermediate process: run the command, print wall time and peak RSS as JSON."""
    start = time.perf_counter()
    done = subprocess.run(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if sys.platform == "darwin":  # bytes there
        peak_kb //= 1024
    print(json.dumps({
        "wall": wall,
        "rss_mb": peak_kb / 1024,
        "code": done.returncode,
        "stderr": done.stderr.decode("utf-8", "replace")[-2000:],
    }))
    return 0


@dataclass
class Sample:
    wall: float
    rss_mb: float


def measure(cmd: Sequence[str], env: dict[str, str]) -> Sample:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", "--", *cmd],
        env=env, capture_output=True, check=True,
    )
    data = json.loads(out.stdout)
    if data["code"] not in (0,):
        raise RuntimeError(f"{' '.join(cmd)} exited {data['code']}: {data['stderr']}")
    return Sample(float(data["wall"]), float(data["rss_mb"]))


def _vaultlink_cmd() -> list[str]:
    script = Path(sys.executable).parent / "vaultlink"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from vaultlink.cli import main; main()"]


def sync_cmd(vault: Path) -> list[str]:
    return [*_vaultlink_cmd(), "sync", "--vault", str(vault), "--today", TODAY]


# ------------------------------------------------------------------------------ one vault


@dataclass
class Row:
    name: str
    notes: int
    floor: list[Sample] = field(default_factory=list)
    cold: list[Sample] = field(default_factory=list)
    first: list[Sample] = field(default_factory=list)
    repeat: list[Sample] = field(default_factory=list)
    edited: list[Sample] = field(default_factory=list)

    @staticmethod
    def best(samples: list[Sample]) -> Sample:
        return min(samples, key=lambda s: s.wall)

    def peak(self) -> float:
        """The largest process of any vaultlink measurement."""
        return max(s.rss_mb for s in self.cold + self.first + self.repeat + self.edited)


def bench_vault(name: str, pristine: Path, runs: int, scratch: Path, log: bool = True) -> Row:
    notes = sum(1 for p in pristine.rglob("*.md") if ".obsidian" not in p.parts)
    row = Row(name, notes)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    def say(text: str) -> None:
        if log:
            print(f"  {name}: {text}", file=sys.stderr, flush=True)

    # Each round measures every kind once, so a machine that speeds up or slows down
    # over the minutes (a shared VM) skews all of them alike; best of the rounds.
    for index in range(runs):
        row.floor.append(measure([sys.executable, "-c", FLOOR_CODE, str(pristine)], env))
        say(f"floor {row.floor[-1].wall:.2f}s")
        vault = scratch / f"{name}-{index}"
        shutil.rmtree(vault, ignore_errors=True)
        shutil.copytree(pristine, vault, symlinks=True)
        env["VAULTLINK_CACHE_DIR"] = str(scratch / f"cache-{name}-{index}")
        row.cold.append(measure(sync_cmd(vault), env))
        say(f"cold {row.cold[-1].wall:.2f}s")
        row.first.append(measure(sync_cmd(vault), env))
        say(f"first repeat {row.first[-1].wall:.2f}s")
        measure(sync_cmd(vault), env)  # steady state: the previous sync changed nothing
        row.repeat.append(measure(sync_cmd(vault), env))
        say(f"repeat {row.repeat[-1].wall:.3f}s")
        edit_notes(vault, 0.01, seed=100 + index)
        row.edited.append(measure(sync_cmd(vault), env))
        say(f"1% edited {row.edited[-1].wall:.2f}s")
        shutil.rmtree(vault, ignore_errors=True)
    return row


# ------------------------------------------------------------------------------ report


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    import markdown_it

    return (
        f"{cores} CPUs (nproc), {cpu}, {ram}; Python {platform.python_version()} "
        f"({platform.system()} {platform.release()}), markdown-it-py {markdown_it.__version__}"
    )


def table(rows: Sequence[Row]) -> str:
    def cell(samples: list[Sample], floor: float) -> str:
        best = Row.best(samples).wall
        return f"{best:.2f} s ({best / floor:.2f}×)" if best >= 0.1 else (
            f"{best * 1000:.0f} ms ({best / floor:.3f}×)"
        )

    lines = [
        "| vault | notes | floor: markdown-it commonmark | cold sync | repeat sync "
        "(nothing changed) | 1 % of notes edited | first repeat after a writing sync "
        "| peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        floor = Row.best(row.floor).wall
        lines.append(
            f"| {row.name} | {row.notes:,} | {floor:.2f} s | {cell(row.cold, floor)} "
            f"| {cell(row.repeat, floor)} | {cell(row.edited, floor)} "
            f"| {cell(row.first, floor)} | {row.peak():.0f} MB |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--measure"]:
        rest = argv[1:]
        return _measure_main(rest[1:] if rest[:1] == ["--"] else rest)
    parser = argparse.ArgumentParser(description="Time vaultlink sync against the floor.")
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated note counts")
    parser.add_argument("--full", action="store_true", help="add a 50,000-note vault")
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-pokerole", action="store_true", help="skip the real vault")
    parser.add_argument("--json", type=Path, help="also write the raw samples here")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.full and 50000 not in sizes:
        sizes.append(50000)
    # Installed packages ship compiled bytecode; a source checkout may not have it yet
    # (PYTHONDONTWRITEBYTECODE): compile once so no measurement pays for compiling.
    compileall.compile_dir(str(REPO / "vaultlink"), quiet=1)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="vaultlink-bench-") as tmp:
        scratch = Path(tmp)
        for size in sizes:
            pristine = scratch / f"pristine-{size}"
            generate(size, pristine, seed=args.seed)
            print(f"synthetic {size:,}: generated", file=sys.stderr, flush=True)
            rows.append(bench_vault(f"synthetic {size // 1000}k", pristine, args.runs, scratch))
            shutil.rmtree(pristine, ignore_errors=True)
        if POKEROLE.is_dir() and not args.no_pokerole:
            pristine = scratch / "pristine-pokerole"
            shutil.copytree(POKEROLE, pristine, symlinks=True)  # never write into /work/shared
            rows.append(bench_vault("pokerole (real)", pristine, args.runs, scratch))
    print(f"Machine: {machine()}\n")
    print(table(rows))
    by_name = {row.name: row for row in rows}
    if "synthetic 10k" in by_name and "synthetic 50k" in by_name:
        ten = Row.best(by_name["synthetic 10k"].cold).wall
        fifty = Row.best(by_name["synthetic 50k"].cold).wall
        print(f"\nLinearity: cold sync 50k / 10k = {fifty / ten:.2f}× (5× is linear)")
    if args.json:
        args.json.write_text(json.dumps(
            {row.name: {k: [vars(s) for s in getattr(row, k)]
                        for k in ("floor", "cold", "first", "repeat", "edited")}
             | {"notes": row.notes} for row in rows},
            indent=2,
        ))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

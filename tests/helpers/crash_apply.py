"""Helper for tests/test_crash.py: flip files between two contents forever via apply().

Usage: python crash_apply.py VAULT OLD_FILE NEW_FILE NAME...

OLD_FILE and NEW_FILE (outside the vault) hold the two contents. Each round reads
every note with ``read_state`` and plans the flip old <-> new with the fingerprint,
as a sync would; the test SIGKILLs this process at arbitrary moments. Prints
``ready`` once imports are done and ``round N`` after each round; exits 1 if a
write is ever refused (nothing else touches these files, so none should be).
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from vaultlink.writer import FileChange, apply, read_state

    root = Path(argv[1])
    old = Path(argv[2]).read_text(encoding="utf-8")
    new = Path(argv[3]).read_text(encoding="utf-8")
    names = argv[4:]
    print("ready", flush=True)
    rounds = 0
    while True:
        changes = []
        for name in names:
            text, state = read_state(root, name)
            target = new if text == old else old
            changes.append(FileChange(name, target, text, "crash test", state))
        report = apply(root, changes)
        if report.refused:
            print(f"refused: {report.refused}", file=sys.stderr, flush=True)
            return 1
        rounds += 1
        print(f"round {rounds}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv))

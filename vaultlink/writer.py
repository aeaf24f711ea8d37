"""The only code that writes files into the vault (SPEC §5.3).

A sync plans ``FileChange`` records from what it read (``read_state``) and hands
them to ``apply``, which for each file: does nothing when nothing changes (so the
mtime stays put), refuses paths that leave the vault, refuses files that changed,
appeared or vanished since they were read, and otherwise writes atomically (temp
file in the same folder, fsync, rename, fsync the folder). One bad file becomes a
``Refusal``; the others are still written.

Temp files are named ``.<name>.vaultlink-tmp-<hex>``: the leading dot hides them
from Obsidian and from vaultlink's own scan should a crash leave one behind. ``apply``
removes such leftovers from the folders it writes to: only names that match that
pattern exactly, only regular files, and only once they are older than
``STALE_TEMP_SECONDS`` (a concurrent sync's live temp file is seconds old at most).
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import os
import re
import secrets
import stat
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

__all__ = [
    "ApplyReport",
    "FileChange",
    "FileState",
    "NotUtf8Error",
    "OutsideVaultError",
    "Refusal",
    "WriterError",
    "apply",
    "is_temp_name",
    "read_state",
    "remove_stale_temps",
    "safe_target",
    "unified_diff",
]

TEMP_MARKER = ".vaultlink-tmp-"
# A temp file this old is a leftover of a killed write, never a live one: a write keeps
# its temp file for the time it takes to write and fsync one note.
STALE_TEMP_SECONDS = 600.0
# ``_temp_name`` exactly: a dot, the target's name, the marker, 8 lowercase hex digits.
_TEMP_NAME = re.compile(r"\..+" + re.escape(TEMP_MARKER) + r"[0-9a-f]{8}", re.DOTALL)


class WriterError(Exception):
    """Base class for the writer's own errors (each names the offending path)."""


class OutsideVaultError(WriterError):
    """The path would put a write outside the vault (absolute, ``..``, symlink out)."""


class NotUtf8Error(WriterError):
    """The file is not valid UTF-8; editing it as text could corrupt it."""


@dataclass(frozen=True, slots=True)
class FileState:
    """Fingerprint of a file as it was read, to detect changes before writing.

    Content (size + SHA-256) decides; ``mtime_ns`` is kept for reports and caches, so a
    mere touch that leaves the bytes alone is not treated as a change.
    """

    size: int
    mtime_ns: int
    sha256: str

    def matches(self, data: bytes) -> bool:
        return len(data) == self.size and hashlib.sha256(data).hexdigest() == self.sha256


@dataclass(frozen=True, slots=True)
class FileChange:
    """One planned write. ``old_text`` None means the file is to be created.

    ``expected`` is the fingerprint from ``read_state``; without it, the current
    text is compared with ``old_text`` instead.
    """

    path: str  # vault-relative POSIX path
    new_text: str
    old_text: str | None
    reason: str
    expected: FileState | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """A write that was not made, and why (shown to the user; makes ``sync`` exit 1)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class ApplyReport:
    """What ``apply`` did with each change, by vault-relative path; ``removed`` lists the
    stale temp files (left by a killed write) it deleted."""

    written: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    refused: tuple[Refusal, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.refused


# ----------------------------------------------------------------------------- paths


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def safe_target(root: Path, path: str) -> Path:
    """The real filesystem path to write for vault-relative ``path``.

    Raises OutsideVaultError for an empty or absolute path, a ``..`` that climbs out
    of the vault, or an existing component (folder or file) that is a symlink
    resolving outside the real vault root. Symlinks that stay inside are followed,
    and the returned path is the resolved one, so writing replaces the link's target
    and leaves the link itself in place.
    """
    if not path or "\x00" in path:
        raise OutsideVaultError(f"{path!r}: not a file path")
    posix = PurePosixPath(path)
    if posix.is_absolute() or PureWindowsPath(path).anchor:
        raise OutsideVaultError(f"{path}: absolute paths are not vault-relative")
    depth = 0
    for part in posix.parts:
        depth = depth - 1 if part == ".." else depth + (part != ".")
        if depth < 0:
            raise OutsideVaultError(f"{path}: '..' leads outside the vault")
    if depth == 0:
        raise OutsideVaultError(f"{path}: names the vault folder, not a file in it")

    real_root = os.path.realpath(root)
    current = Path(root)
    for part in posix.parts:
        current = current / part
        if os.path.islink(current):
            resolved = os.path.realpath(current)
            if not _is_within(resolved, real_root):
                raise OutsideVaultError(
                    f"{path}: '{current.relative_to(root).as_posix()}' is a symlink "
                    "to outside the vault"
                )
    final = os.path.realpath(Path(root) / posix)
    if not _is_within(final, real_root) or final == real_root:
        raise OutsideVaultError(f"{path}: resolves outside the vault")
    return Path(final)


# ---------------------------------------------------------------------------- reading


def _read_bytes(target: Path) -> tuple[bytes, os.stat_result] | None:
    """The file's bytes and stat (from the same open file), None if it does not exist."""
    try:
        with open(target, "rb") as handle:
            st = os.fstat(handle.fileno())
            return handle.read(), st
    except FileNotFoundError:
        return None


def _state(data: bytes, st: os.stat_result) -> FileState:
    return FileState(len(data), st.st_mtime_ns, hashlib.sha256(data).hexdigest())


def read_state(root: Path, path: str) -> tuple[str | None, FileState | None]:
    """A file's text and fingerprint, ``(None, None)`` if it does not exist.

    The text is decoded from UTF-8 without newline translation (``\\r\\n`` survives)
    and keeps a leading BOM, so writing it back reproduces the bytes exactly.
    Raises OutsideVaultError (see ``safe_target``), NotUtf8Error, or OSError for a
    file that cannot be read.
    """
    found = _read_bytes(safe_target(root, path))
    if found is None:
        return None, None
    data, st = found
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8Error(f"{path}: not valid UTF-8 (byte {exc.start})") from exc
    return text, _state(data, st)


# ------------------------------------------------------------------------------- diff


def _lines(text: str) -> list[str]:
    """Lines split on ``\\n`` only, endings kept (difflib needs them for exact output)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def unified_diff(change: FileChange) -> str:
    """The change as a unified diff with ``a/path`` and ``b/path`` headers ('' if none)."""
    old = _lines(change.old_text) if change.old_text is not None else []
    out: list[str] = []
    for line in difflib.unified_diff(
        old, _lines(change.new_text), fromfile=f"a/{change.path}", tofile=f"b/{change.path}"
    ):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


# ------------------------------------------------------------------------------ apply


class _Refused(Exception):
    """Internal: this change must not be written; the message is the reason."""


class _AlreadyDone(Exception):
    """Internal: the file already holds exactly the new content."""


def _check_current(change: FileChange, target: Path, new: bytes) -> os.stat_result | None:
    """Compare the file on disk with what was planned from.

    Returns the current stat (None if the file is missing). Raises _Refused when the
    file was created, changed or deleted since it was read.
    """
    found = _read_bytes(target)
    if found is not None and found[0] == new:
        raise _AlreadyDone
    if change.old_text is None:
        if found is not None:
            raise _Refused("the file was created since vaultlink read the vault; not overwriting")
        return None
    if found is None:
        raise _Refused("the file was deleted since vaultlink read it; not recreating it")
    data, st = found
    same = change.expected.matches(data) if change.expected is not None else True
    if not same or data != change.old_text.encode("utf-8"):
        raise _Refused("the file changed on disk since vaultlink read it; not overwriting")
    return st


def _fsync_dir(folder: Path) -> None:
    """Make a rename or mkdir in ``folder`` durable (best effort where unsupported)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _make_parents(root: Path, folder: Path) -> None:
    """Create missing folders up to ``folder`` (already checked to be inside the vault)."""
    missing: list[Path] = []
    current = folder
    real_root = Path(os.path.realpath(root))
    while not current.exists():
        if current == real_root or current.parent == current:
            break
        missing.append(current)
        current = current.parent
    for created in reversed(missing):
        os.mkdir(created)
        _fsync_dir(created.parent)


def _temp_name(target: Path) -> Path:
    stem = target.name.encode("utf-8")[:150].decode("utf-8", "ignore")
    return target.with_name(f".{stem}{TEMP_MARKER}{secrets.token_hex(4)}")


def _write_temp(temp: Path, data: bytes, like: os.stat_result | None) -> None:
    """Write ``data`` to a new temp file and fsync it.

    ``like`` is the stat of the file being replaced: its permission bits are kept and,
    where allowed (running as root), its owner too. A new file gets default perms.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(temp, flags, 0o666)  # the umask applies, as for any new file
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if like is not None:
            if hasattr(os, "fchown") and (like.st_uid, like.st_gid) != _owner(fd):
                with contextlib.suppress(OSError):
                    os.fchown(fd, like.st_uid, like.st_gid)
            if hasattr(os, "fchmod"):
                os.fchmod(fd, stat.S_IMODE(like.st_mode))
        os.fsync(fd)
    finally:
        os.close(fd)
    if like is not None and not hasattr(os, "fchmod"):
        os.chmod(temp, stat.S_IMODE(like.st_mode))


def _owner(fd: int) -> tuple[int, int]:
    st = os.fstat(fd)
    return st.st_uid, st.st_gid


def _publish(temp: Path, target: Path, creating: bool) -> None:
    """Move the temp file into place atomically.

    A new file is hard-linked into place, which fails if someone created the file in
    the meantime (never overwriting it); filesystems without hard links fall back to
    a rename.
    """
    if creating:
        try:
            os.link(temp, target, follow_symlinks=False)
        except FileExistsError:
            raise _Refused(
                "the file was created since vaultlink read the vault; not overwriting"
            ) from None
        except (OSError, NotImplementedError):
            os.replace(temp, target)
            return
        os.unlink(temp)
        return
    os.replace(temp, target)


def _apply_one(root: Path, change: FileChange) -> bool:
    """Write one change; True if written, False if the file already had the new text."""
    target = safe_target(root, change.path)
    new = change.new_text.encode("utf-8")
    try:
        st = _check_current(change, target, new)
    except _AlreadyDone:
        return False
    if st is not None:
        if not stat.S_ISREG(st.st_mode):
            raise _Refused("not a regular file")
        if not st.st_mode & stat.S_IWUSR:
            raise _Refused("the file is read-only; not overwriting")
    _make_parents(root, target.parent)
    temp = _temp_name(target)
    try:
        _write_temp(temp, new, st)
        # Check again right before the rename: the slow part is done, so the window in
        # which an edit by the user could be lost is as small as it can be.
        try:
            _check_current(change, target, new)
        except _AlreadyDone:
            return False
        _publish(temp, target, creating=st is None)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    _fsync_dir(target.parent)
    return True


def apply(root: Path, changes: Sequence[FileChange]) -> ApplyReport:
    """Apply planned changes, each atomically; never raises for a single bad file.

    A change whose new text equals its old text is skipped without touching the file
    (its mtime stays). A file that already holds the new text counts as unchanged.
    First, vaultlink's own stale temp files are removed from the folders of the changes
    that change something (``remove_stale_temps``). Only those: with nothing to change,
    nothing is removed, so the report of a sync that changed nothing (which
    ``Vault.sync`` keeps and replays while the vault stays the same) never claims one.
    """
    removed = remove_stale_temps(
        root, (change.path for change in changes if change.new_text != change.old_text)
    )
    written: list[str] = []
    unchanged: list[str] = []
    refused: list[Refusal] = []
    for change in changes:
        if change.new_text == change.old_text:
            unchanged.append(change.path)
            continue
        try:
            did_write = _apply_one(root, change)
        except (_Refused, WriterError) as exc:
            refused.append(Refusal(change.path, str(exc)))
            continue
        except OSError as exc:
            refused.append(Refusal(change.path, f"could not write: {_describe(exc)}"))
            continue
        except ValueError as exc:  # e.g. text that cannot be encoded (lone surrogates)
            refused.append(Refusal(change.path, f"could not encode the text: {exc}"))
            continue
        (written if did_write else unchanged).append(change.path)
    return ApplyReport(tuple(written), tuple(unchanged), tuple(refused), removed)


def is_temp_name(name: str) -> bool:
    """Whether a file name is one ``apply`` gives its temp files (``_temp_name``)."""
    return TEMP_MARKER in name and _TEMP_NAME.fullmatch(name) is not None


def remove_stale_temps(
    root: Path,
    paths: Iterable[str],
    *,
    older_than: float = STALE_TEMP_SECONDS,
    now: float | None = None,
) -> tuple[str, ...]:
    """Delete vaultlink's own leftover temp files beside the vault-relative ``paths``.

    Looks only in the folders those files are (or would be) written in, and deletes only
    regular files (not links, not folders) whose name is a vaultlink temp name and whose
    mtime is more than ``older_than`` seconds before ``now``. Returns the vault-relative
    paths removed; any error just leaves a file where it is.
    """
    clock = time.time() if now is None else now
    real_root = os.path.realpath(root)
    folders: dict[str, None] = {}
    for path in paths:
        try:
            folders.setdefault(str(safe_target(root, path).parent), None)
        except WriterError:
            continue
    removed: list[str] = []
    for folder in folders:
        if not _is_within(folder, real_root):
            continue
        try:
            with os.scandir(folder) as entries:
                stale = [
                    entry for entry in entries
                    if is_temp_name(entry.name) and _is_stale(entry, clock - older_than)
                ]
        except OSError:
            continue
        for entry in sorted(stale, key=lambda e: e.name):
            try:
                os.unlink(entry.path)
            except OSError:
                continue
            removed.append(Path(os.path.relpath(entry.path, real_root)).as_posix())
    return tuple(removed)


def _is_stale(entry: os.DirEntry[str], before: float) -> bool:
    try:
        if not entry.is_file(follow_symlinks=False):
            return False
        return entry.stat(follow_symlinks=False).st_mtime < before
    except OSError:
        return False


def _describe(exc: OSError) -> str:
    return exc.strerror or str(exc) or type(exc).__name__

"""The on-disk cache: one file per vault in the user's cache folder, never in the vault.

Where: ``$VAULTLINK_CACHE_DIR`` if set, else platformdirs' user cache folder
(``$XDG_CACHE_HOME/vaultlink`` on Linux, ``~/Library/Caches/vaultlink`` on macOS), file
named by a hash of the vault's resolved path. Deleting it is always safe.

Layout: a magic line, then a length-prefixed header, then named sections. The header
records the format (vaultlink's version, :data:`SCHEMA`, the Python version and a
fingerprint of vaultlink's own source files, so a changed parser never reads old
records), the vault it belongs to, a random token written again at the start of every
section, and each section's offset, length and CRC-32. A section is read on demand: a
file replaced meanwhile by another process fails the token or CRC check and reads as
missing. Anything unexpected — missing, truncated, corrupt, stale, foreign — reads as
"no cache" and the caller rebuilds; nothing here raises for a bad file.

Why pickle, and why it is safe here: records are frozen slotted dataclasses, and the
pickle module (C-accelerated) is several times faster for them than rebuilding from
plain tuples in Python. The cache is outside the vault, but a file in a cache folder
must still never run code, so loading uses an ``Unpickler`` whose ``find_class`` allows
only an explicit list of vaultlink's record classes, ``datetime``'s value types and
builtin containers — a pickle naming ``os.system`` (or anything else) is rejected before
anything is called. Records are pickled as ``(builder, field values)``, which is both
faster than the dataclass default (``__getstate__`` walks ``fields()`` per object) and
means loading only ever builds an allowed class: the builder is the class itself or
its *maker*, a function this module generates for a slotted dataclass that sets the
slots without ``__init__``'s per-field ``object.__setattr__`` (the unpickler maps a
maker's name back to its class, and refuses any other name).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import inspect
import io
import operator
import os
import pickle
import secrets
import struct
import sys
import tempfile
import types
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from vaultlink import __version__

__all__ = [
    "ALLOWED_CLASSES",
    "SCHEMA",
    "CacheFile",
    "cache_dir",
    "cache_file",
    "dumps",
    "format_tag",
    "loads",
    "write_cache",
]

# Bump when the meaning of a cached record changes without a source change (rare: the
# fingerprint of vaultlink's source files already covers code changes).
SCHEMA = 1
MAGIC = b"vaultlink-cache\n"
_LEN = struct.Struct("<Q")
_TOKEN_SIZE = 16
ENV_VAR = "VAULTLINK_CACHE_DIR"

# (module, name) pairs the unpickler may resolve: records only, never functions.
ALLOWED_CLASSES: frozenset[tuple[str, str]] = frozenset(
    {
        ("builtins", name)
        for name in ("dict", "list", "tuple", "set", "frozenset", "str", "bytes",
                     "bytearray", "int", "float", "complex", "bool")
    }
    | {("datetime", name) for name in ("date", "datetime", "time", "timedelta", "timezone")}
    | {
        ("vaultlink.notes", name)
        for name in ("Note", "Block", "Link", "Tag", "Field", "Task", "Heading")
    }
    | {("vaultlink.problems", "Problem")}
    | {
        ("vaultlink.records", name)
        for name in ("Source", "Contact", "Signal", "Person", "Company", "Application",
                     "Interaction", "Me")
    }
    | {("vaultlink.model", name) for name in ("Model", "NoteFacts", "Contribution")}
    | {("vaultlink.resolve", "Resolver")}
    | {
        ("vaultlink.config", name)
        for name in ("Config", "OutputSettings", "FolderSettings", "MeSettings",
                     "RuleSettings")
    }
    | {("vaultlink.settings", "ObsidianSettings")}
    | {("vaultlink.rules.core", "FollowUp")}
    | {("vaultlink.writer", name) for name in ("FileState", "FileChange", "Refusal")}
    | {("vaultlink.sync", name) for name in ("SyncReport", "LoggedTick")}
)


# ------------------------------------------------------------------------------ where


def cache_dir() -> Path:
    """The folder holding every vault's cache file."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("vaultlink", appauthor=False))


def cache_file(root: Path) -> Path | None:
    """The cache file of the vault at ``root`` (resolved), or None when the cache folder
    lies inside the vault: the cache must never be written into a vault."""
    root = root.resolve()
    folder = cache_dir()
    try:
        folder_real = folder.resolve()
    except OSError:
        return None
    if folder_real == root or root in folder_real.parents:
        return None
    digest = hashlib.sha256(os.fsencode(root)).hexdigest()[:32]
    return folder / f"{digest}.cache"


def _code_fingerprint() -> str:
    """Size and mtime of vaultlink's own source files: editing the parser (an editable
    install, a new release) makes every older cache stale."""
    package = Path(__file__).parent
    parts: list[str] = []
    stack = [str(package)]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith((".", "__pycache__")):
                continue
            try:
                if entry.is_dir():
                    stack.append(entry.path)
                elif entry.name.endswith(".py"):
                    st = entry.stat()
                    parts.append(f"{entry.path}\0{st.st_size}\0{st.st_mtime_ns}")
            except OSError:
                continue
    parts.sort()
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


_FORMAT: str | None = None


def format_tag() -> str:
    """What a cache file must have been written by to be read."""
    global _FORMAT
    if _FORMAT is None:
        _FORMAT = (
            f"vaultlink {__version__}; schema {SCHEMA}; "
            f"python {sys.version_info[0]}.{sys.version_info[1]}; code {_code_fingerprint()}"
        )
    return _FORMAT


# ------------------------------------------------------------------------------ pickling

_TABLE: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
_TABLE_MODULES: frozenset[str] = frozenset()
_TABLE_SEEN = -1


def _maker_name(module: str, name: str) -> str:
    # Short (each note's records are a pickle of their own, naming their makers), and
    # unique while vaultlink's record classes have distinct names (checked below).
    return f"_new_{name}"


# maker name -> the allowed class it builds
_MAKER_CLASSES: dict[str, tuple[str, str]] = {
    _maker_name(module, name): (module, name)
    for module, name in ALLOWED_CLASSES
    if module.startswith("vaultlink.")
}
assert len(_MAKER_CLASSES) == sum(m.startswith("vaultlink.") for m, _ in ALLOWED_CLASSES)
_MAKERS: dict[type, Callable[..., Any] | None] = {}


def _maker(cls: type) -> Callable[..., Any] | None:
    """A function building a slotted dataclass from its field values, or None.

    A frozen dataclass's ``__init__`` goes through ``object.__setattr__`` once per field;
    setting the slots directly builds the same object about 1.7× faster, which is most
    of what unpickling thousands of records costs. The function is published in this
    module under a name the unpickler maps back to the allowed class."""
    if cls in _MAKERS:
        return _MAKERS[cls]
    maker: Callable[..., Any] | None = None
    fields = dataclasses.fields(cls)
    setters = [inspect.getattr_static(cls, f.name, None) for f in fields]
    if all(isinstance(s, types.MemberDescriptorType) for s in setters):
        args = ", ".join(f"a{i}" for i in range(len(fields)))
        body = "".join(f"    set{i}(o, a{i})\n" for i in range(len(fields)))
        namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
        namespace.update({f"set{i}": s.__set__ for i, s in enumerate(setters)})
        exec(f"def make({args}):\n    o = new(cls)\n{body}    return o\n", namespace)
        maker = namespace["make"]
        name = _maker_name(cls.__module__, cls.__qualname__)
        maker.__name__ = maker.__qualname__ = name
        maker.__module__ = __name__
        setattr(sys.modules[__name__], name, maker)
    _MAKERS[cls] = maker
    return maker


def _reducer(cls: type) -> Callable[[Any], tuple[Any, ...]] | None:
    """``obj -> (builder, field values)`` for a dataclass rebuilt from its fields: the
    class's maker (:func:`_maker`) or, failing that, the class itself."""
    if not dataclasses.is_dataclass(cls) or hasattr(cls, "__post_init__"):
        return None
    fields = dataclasses.fields(cls)
    if not fields or not all(f.init for f in fields):
        return None
    build: Callable[..., Any] = _maker(cls) or cls
    get = operator.attrgetter(*(f.name for f in fields))
    if len(fields) == 1:
        return lambda obj: (build, (get(obj),))
    return lambda obj: (build, get(obj))


def _dispatch_table() -> dict[type, Callable[[Any], tuple[Any, ...]]]:
    """Reducers for the allowed record classes of every module imported so far (an
    object's class is always in an imported module). Looked up by the C pickler, so
    only records cost a Python call; dates, strings and containers stay in C."""
    global _TABLE_MODULES, _TABLE_SEEN
    if len(sys.modules) == _TABLE_SEEN:  # nothing imported since: the same table
        return _TABLE
    _TABLE_SEEN = len(sys.modules)
    loaded = frozenset(
        m for m, _ in ALLOWED_CLASSES if m.startswith("vaultlink") and m in sys.modules
    )
    if loaded != _TABLE_MODULES:
        for module, name in ALLOWED_CLASSES:
            if module in loaded:
                cls = getattr(sys.modules[module], name, None)
                if isinstance(cls, type) and cls not in _TABLE:
                    reduce = _reducer(cls)
                    if reduce is not None:
                        _TABLE[cls] = reduce
        _TABLE_MODULES = loaded
    return _TABLE


_FOUND: dict[tuple[str, str], tuple[Any, Any]] = {}


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        # Each note is its own pickle, so the same few classes are looked up ~6 times a
        # note; remember them (keyed to the module object, so a reloaded module is
        # looked up afresh). Only allowed classes are ever remembered.
        key = (module, name)
        hit = _FOUND.get(key)
        if hit is not None and sys.modules.get(module) is hit[0]:
            return hit[1]
        if module == __name__ and name in _MAKER_CLASSES:  # an allowed class's maker
            cls = self.find_class(*_MAKER_CLASSES[name])
            maker = _maker(cls) if isinstance(cls, type) and dataclasses.is_dataclass(cls) \
                else None
            if maker is None or maker.__name__ != name:
                raise pickle.UnpicklingError(f"cache: {module}.{name} is not a maker")
            _FOUND[key] = (sys.modules[__name__], maker)
            return maker
        if key not in ALLOWED_CLASSES:
            raise pickle.UnpicklingError(f"cache: {module}.{name} is not allowed")
        found = super().find_class(module, name)
        if not isinstance(found, type):
            raise pickle.UnpicklingError(f"cache: {module}.{name} is not a class")
        owner = sys.modules.get(module)
        if owner is not None:
            _FOUND[key] = (owner, found)
        return found


def dumps(obj: Any) -> bytes:
    """Pickle records compactly (see the module docstring). Only :func:`loads` guards
    what is read back: a value it would refuse makes that record uncacheable, no more."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch_table()
    pickler.dump(obj)
    return buffer.getvalue()


def loads(data: bytes | memoryview) -> Any:
    """Unpickle what :func:`dumps` wrote; anything naming another global is refused
    (``pickle.UnpicklingError``) before it is called."""
    return _Unpickler(io.BytesIO(data)).load()


# ------------------------------------------------------------------------------ the file


class CacheFile:
    """A vault's cache file as found on disk; sections are read when asked for."""

    __slots__ = ("_sections", "path", "token")

    def __init__(self, path: Path, token: bytes, sections: Mapping[str, tuple[int, int, int]]):
        self.path = path
        self.token = token
        self._sections = dict(sections)

    @classmethod
    def open(cls, root: Path) -> CacheFile | None:
        """The cache of ``root`` if there is a valid one, else None (never raises)."""
        path = cache_file(root)
        if path is None:
            return None
        try:
            with open(path, "rb") as handle:
                if handle.read(len(MAGIC)) != MAGIC:
                    return None
                size_bytes = handle.read(_LEN.size)
                if len(size_bytes) != _LEN.size:
                    return None
                (size,) = _LEN.unpack(size_bytes)
                if size > 1 << 24:
                    return None
                data = handle.read(size)
            if len(data) != size:
                return None
            header = loads(data)
        except Exception:
            return None
        if not isinstance(header, dict):
            return None
        sections = header.get("sections")
        token = header.get("token")
        if (
            header.get("format") != format_tag()
            or header.get("root") != str(root.resolve())
            or not isinstance(token, bytes)
            or not isinstance(sections, dict)
        ):
            return None
        clean: dict[str, tuple[int, int, int]] = {}
        for name, spec in sections.items():
            if (
                isinstance(name, str)
                and isinstance(spec, tuple)
                and len(spec) == 3
                and all(isinstance(n, int) and n >= 0 for n in spec)
            ):
                clean[name] = spec
        return cls(path, token, clean)

    def has(self, name: str) -> bool:
        return name in self._sections

    def raw(self, name: str) -> bytes | None:
        """A section's bytes, checked against the token and CRC, or None."""
        spec = self._sections.get(name)
        if spec is None:
            return None
        offset, length, crc = spec
        try:
            with open(self.path, "rb") as handle:
                handle.seek(offset)
                if handle.read(_TOKEN_SIZE) != self.token:
                    return None
                body = handle.read(length)  # read apart from the token: no 20 MB copy
        except OSError:
            return None
        if len(body) != length or zlib.crc32(body) != crc:
            return None
        return body

    def section(self, name: str) -> Any:
        """A section unpickled, or None when missing or bad."""
        data = self.raw(name)
        if data is None:
            return None
        try:
            return loads(data)
        except Exception:
            return None


def write_cache(root: Path, sections: Mapping[str, bytes]) -> bool:
    """Replace the vault's cache file atomically (temp file in the same folder, rename).

    Returns False (and leaves any old file) when the cache cannot be written: a
    read-only cache folder must never stop a sync.
    """
    path = cache_file(root)
    if path is None:
        return False
    token = secrets.token_bytes(_TOKEN_SIZE)
    layout: dict[str, tuple[int, int, int]] = {}
    try:
        # Offsets depend on the header's size, which depends on the offsets: lay the
        # sections out relative to the end of the header, then shift once.
        relative = 0
        for name, body in sections.items():
            layout[name] = (relative, len(body), zlib.crc32(body))
            relative += _TOKEN_SIZE + len(body)
        header_obj = {
            "format": format_tag(),
            "root": str(root.resolve()),
            "token": token,
            "sections": layout,
        }
        header = dumps(header_obj)
        start = len(MAGIC) + _LEN.size + len(header) + 64
        header_obj["sections"] = {
            name: (start + rel, length, crc) for name, (rel, length, crc) in layout.items()
        }
        header = dumps(header_obj)
        padding = start - (len(MAGIC) + _LEN.size + len(header))
        if padding < 0:  # pragma: no cover - 64 bytes of slack is plenty for the offsets
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".cache", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC)
                handle.write(_LEN.pack(len(header)))
                handle.write(header)
                handle.write(b"\0" * padding)
                for body in sections.values():
                    handle.write(token)
                    handle.write(body)
            # No fsync: a file torn by a crash fails its CRC and is rebuilt, and the
            # rename alone makes the new file appear whole to concurrent readers.
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except Exception:
        return False
    return True

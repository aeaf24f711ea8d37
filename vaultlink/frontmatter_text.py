"""Frontmatter: split it off a note by lines and load it as safe YAML.

Frontmatter is YAML, not Markdown, so it is split off by lines and its values are
read with libyaml (python-frontmatter's YAML handler with a ``CSafeLoader``
subclass). The loader differs from the stock one in two ways, so one bad value
never costs a note all of its properties:

* a timestamp-looking value that is not a real date (``2026-13-45``) stays a string;
* unrendered template placeholders (``date: {{date}}``, which YAML reads as a flow
  mapping with an unhashable key) and Templater commands (``<% tp.date.now() %>``,
  ``<%* ... %>``) are detected, and if the YAML does not load, the load is retried
  with values that start with one quoted.

Links in properties (``"[[Acme Corp]]"``, lists of them, ``[[X|alias]]``) become
``Link(key=<property>)`` with the line of the value; an unquoted ``[[Acme]]`` (YAML
reads it as a list holding a list holding ``"Acme"``) is a link too, and its
property value is normalised to the string ``"[[Acme]]"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from vaultlink.markdown import split_wikilink
from vaultlink.notes import Link, Tag
from vaultlink.problems import Problem

__all__ = [
    "Frontmatter",
    "VaultLoader",
    "VaultYAMLHandler",
    "load_frontmatter",
    "split_frontmatter",
]

_PLACEHOLDER_RE = re.compile(r"\{\{[^{}\n]*\}\}")
# ``key: {{...}} rest`` or ``- {{...}} rest``: the value starts with a placeholder
# (or a Templater command, ``<% ... %>``).
_PLACEHOLDER_VALUE_RE = re.compile(r"^(\s*(?:-\s+|[^\s#'\"{][^:#]*:\s+))((?:\{\{|<%).*?)\s*$")
_WIKILINK_RE = re.compile(r"\[\[([^\[\]\n]+?)\]\]")
_TAG_SPLIT_RE = re.compile(r"[,\s]+")
_TAG_KEYS = frozenset({"tags", "tag"})


_STR_TAG = "tag:yaml.org,2002:str"


class VaultLoader(yaml.CSafeLoader):
    """libyaml's safe loader, except that an impossible timestamp stays a string.

    Plain strings (most property values) skip PyYAML's generic Python-level
    construction: a string node's value already is the result. Implicit tags are
    resolved as PyYAML does, with the resolvers looked up once per first character.
    """

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> Any:
        if _RESOLVERS is None:  # resolvers this lookup does not handle: PyYAML's way
            return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in _RESOLVERS.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return self.DEFAULT_SCALAR_TAG
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        if node.tag == _STR_TAG and node.__class__ is ScalarNode:
            return node.value
        return super().construct_object(node, deep)

    def construct_lenient_timestamp(self, node: ScalarNode) -> Any:
        try:
            return self.construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)


VaultLoader.add_constructor(
    "tag:yaml.org,2002:timestamp",
    VaultLoader.construct_lenient_timestamp,
)


def _resolvers_by_first_char() -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]] | None:
    """PyYAML's implicit resolvers of ``VaultLoader`` by a scalar's first character
    (``""`` for the empty scalar); None if some are not tied to one (wildcards) or
    path resolvers are set, which ``VaultLoader.resolve`` leaves to PyYAML."""
    table: dict[Any, Any] = VaultLoader.yaml_implicit_resolvers
    if None in table or VaultLoader.yaml_path_resolvers:
        return None
    return {first: tuple(resolvers) for first, resolvers in table.items()}


_RESOLVERS = _resolvers_by_first_char()


class VaultYAMLHandler(YAMLHandler):
    """python-frontmatter's YAML handler, loading with ``VaultLoader``.

    ``load_document`` also returns the composed node tree, whose marks give the line
    of every key and value.
    """

    def load(self, fm: str, **kwargs: object) -> Any:
        kwargs.setdefault("Loader", VaultLoader)
        return super().load(fm, **kwargs)

    def load_document(self, fm: str) -> tuple[Any, Node | None]:
        loader = VaultLoader(fm)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
            return data, node
        finally:
            loader.dispose()


_HANDLER = VaultYAMLHandler()


@dataclass(slots=True)
class Frontmatter:
    """What a note's frontmatter yields. Lines are 1-based file lines."""

    properties: dict[str, Any] = field(default_factory=dict)
    property_lines: dict[str, int] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    tags: list[Tag] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    has_placeholders: bool = False


def split_frontmatter(text: str) -> tuple[str | None, int]:
    """Split normalised text (LF line ends, no BOM) into (YAML text, body offset).

    Frontmatter exists only when the first line is ``---`` and a later line is
    ``---`` or ``...``; otherwise the YAML is None and the body is the whole text.
    The YAML starts on file line 2.
    """
    if not text.startswith("---"):
        return None, 0
    first_end = text.find("\n")
    if first_end == -1 or text[3:first_end].strip():
        return None, 0
    start = pos = first_end + 1
    length = len(text)
    while pos < length:
        end = text.find("\n", pos)
        if end == -1:
            end = length
        if text.startswith(("---", "..."), pos) and not text[pos + 3 : end].strip():
            return text[start:pos], min(end + 1, length)
        pos = end + 1
    return None, 0


def _has_templater(yaml_text: str) -> bool:
    """A Templater command: ``<%`` with a ``%>`` after it."""
    start = yaml_text.find("<%")
    return start != -1 and yaml_text.find("%>", start + 2) != -1


def _quote_placeholders(yaml_text: str) -> str:
    """Quote values that start with ``{{...}}`` or ``<%`` so they load as strings."""
    lines = yaml_text.split("\n")
    for index, line in enumerate(lines):
        match = _PLACEHOLDER_VALUE_RE.match(line)
        if match:
            value = match.group(2).replace("'", "''")
            lines[index] = f"{match.group(1)}'{value}'"
    return "\n".join(lines)


def _error_line(exc: BaseException, yaml_text: str, first_line: int) -> int:
    """The file line a YAML error points at (the opening ``---`` when unknown).

    The context mark (where the unfinished construct began: an unclosed ``[`` or quote)
    is preferred: libyaml's problem mark for those is the end of the frontmatter.
    """
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    if mark is not None and isinstance(getattr(mark, "line", None), int):
        return min(int(mark.line), yaml_text.count("\n")) + first_line
    # reader errors (control characters) and codec errors carry a character offset
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        position = getattr(exc, "start", None)
    if isinstance(position, int) and 0 <= position <= len(yaml_text):
        return yaml_text.count("\n", 0, position) + first_line
    return first_line - 1


def _first_sentence(exc: BaseException) -> str:
    reason = str(getattr(exc, "problem", None) or getattr(exc, "reason", None) or exc)
    return reason.strip().split("\n", 1)[0] or type(exc).__name__


def _unquoted_link(node: Node) -> str | None:
    """The target text of an unquoted ``[[X]]`` (a list holding a list holding X)."""
    if (
        isinstance(node, SequenceNode)
        and len(node.value) == 1
        and isinstance(inner := node.value[0], SequenceNode)
        and len(inner.value) == 1
        and isinstance(scalar := inner.value[0], ScalarNode)
        and not scalar.style
        and isinstance(scalar.value, str)
        and scalar.value.strip()
    ):
        return str(scalar.value)
    return None


def _link(inner: str, line: int, key: str) -> Link:
    target, subpath, alias = split_wikilink(inner)
    return Link(target=target, line=line, subpath=subpath, alias=alias, key=key)


def _collect_links(node: Node, key: str, first_line: int, out: list[Link]) -> None:
    """Every wikilink in a property value, walking the node tree once (anchors and
    aliases share nodes, so a visited set keeps "billion laughs" documents linear)."""
    seen: set[int] = set()
    stack: list[Node] = [node]
    found: list[Link] = []
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        line = current.start_mark.line + first_line
        if isinstance(current, ScalarNode):
            value = current.value
            if isinstance(value, str) and "[[" in value:
                found.extend(_link(m.group(1), line, key) for m in _WIKILINK_RE.finditer(value))
        elif isinstance(current, SequenceNode):
            target = _unquoted_link(current)
            if target is not None:
                found.append(_link(target, line, key))
            else:
                stack.extend(reversed(current.value))
        elif isinstance(current, MappingNode):
            for _, value_node in reversed(current.value):
                stack.append(value_node)
    out.extend(found)


def _normalise_unquoted(node: Node, value: Any) -> Any:
    """``[[X]]`` read as ``[["X"]]`` becomes ``"[[X]]"`` (also as list items)."""
    target = _unquoted_link(node)
    if target is not None:
        return f"[[{target}]]"
    if (
        isinstance(node, SequenceNode)
        and isinstance(value, list)
        and len(value) == len(node.value)
        and any(_unquoted_link(child) is not None for child in node.value)
    ):
        return [
            f"[[{t}]]" if (t := _unquoted_link(child)) is not None else item
            for child, item in zip(node.value, value, strict=True)
        ]
    return value


def _tags(value: Any, line: int) -> list[Tag]:
    items = value if isinstance(value, list) else [value]
    tags: list[Tag] = []
    for item in items:
        if item is None or isinstance(item, dict | list):
            continue
        for part in _TAG_SPLIT_RE.split(str(item)):
            name = part.lstrip("#").strip()
            if name and not name.isdigit():
                tags.append(Tag(name=name, line=line))
    return tags


def load_frontmatter(path: str, yaml_text: str, first_line: int = 2) -> Frontmatter:
    """Load the YAML between the ``---`` lines; ``first_line`` is its first file line.

    Never raises: malformed YAML (or a top-level value that is not a mapping) gives a
    ``malformed-frontmatter`` problem pointing at the offending line and no properties.
    """
    result = Frontmatter(
        has_placeholders=_PLACEHOLDER_RE.search(yaml_text) is not None or _has_templater(yaml_text)
    )
    try:
        data, node = _HANDLER.load_document(yaml_text)
    except Exception as exc:  # yaml errors, RecursionError on absurd nesting, ...
        error: Exception = exc
        loaded = False
        if result.has_placeholders:
            try:
                data, node = _HANDLER.load_document(_quote_placeholders(yaml_text))
                loaded = True
            except Exception:
                pass
        if not loaded:
            result.problems.append(
                Problem(
                    path=path,
                    line=_error_line(error, yaml_text, first_line),
                    severity="error",
                    code="malformed-frontmatter",
                    message=f"frontmatter is not valid YAML: {_first_sentence(error)}",
                )
            )
            return result
    if node is None or data is None:
        return result
    if not isinstance(node, MappingNode) or not isinstance(data, dict):
        result.problems.append(
            Problem(
                path=path,
                line=node.start_mark.line + first_line,
                severity="error",
                code="malformed-frontmatter",
                message="frontmatter is not a mapping of properties",
            )
        )
        return result
    pairs: dict[str, tuple[ScalarNode, Node]] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode):
            name = str(key_node.value)
            pairs.pop(name, None)  # a repeated key: the last one wins, at its position
            pairs[name] = (key_node, value_node)
    loader: VaultLoader | None = None
    try:
        for name, (key_node, value_node) in pairs.items():
            if key_node.tag == _STR_TAG:
                typed_key: Any = name
            else:  # a key YAML reads as a number, bool, date, null...
                loader = loader or VaultLoader("")
                try:
                    typed_key = loader.construct_object(key_node)
                except Exception:
                    continue
            try:
                value = data[typed_key]
            except (KeyError, TypeError):
                continue
            line = key_node.start_mark.line + first_line
            if value_node.__class__ is ScalarNode:
                if "[[" in value_node.value:
                    _collect_links(value_node, name, first_line, result.links)
            else:
                value = _normalise_unquoted(value_node, value)
                _collect_links(value_node, name, first_line, result.links)
            result.properties[name] = value
            result.property_lines[name] = line
            if name.lower() in _TAG_KEYS:
                result.tags.extend(_tags(value, line))
    finally:
        if loader is not None:
            loader.dispose()
    return result

"""A Mermaid ``flowchart LR`` of the people view, for a ```` ```mermaid ```` block in Obsidian.

Node ids are generated (``n0``, ``n1``, ...) so no name can break the syntax; every label
is a quoted string with ``"`` written as ``#quot;`` and the characters Mermaid treats
specially (brackets, pipes, ``#``, ``<``/``>``, ``&``, backticks, ``%``) written as
numeric entity codes, which Mermaid turns back into the characters. Companies with
people are subgraphs; people's nodes carry Obsidian's ``internal-link`` class so a click
opens the note (the label is the note's name, which is what Obsidian links to). Edges:
dotted from you to everyone you have been in touch with (days of contact, last date),
thick to companies you applied to, plain for introductions.
"""

from __future__ import annotations

import networkx as nx

from vaultlink.export import PeopleView, application_label, people_view

__all__ = ["escape_label", "to_mermaid"]

_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "%": "#37;",
    "&": "#38;",
    "(": "#40;",
    ")": "#41;",
    "<": "#60;",
    ">": "#62;",
    "[": "#91;",
    "]": "#93;",
    "`": "#96;",
    "{": "#123;",
    "|": "#124;",
    "}": "#125;",
}


def escape_label(text: str) -> str:
    """A label as a quoted Mermaid string: specials as entity codes, one line."""
    flat = " ".join(text.split())
    return '"' + "".join(_ENTITIES.get(ch, ch) for ch in flat) + '"'


def to_mermaid(g: nx.MultiDiGraph, *, fenced: bool = False) -> str:
    """The flowchart text; ``fenced`` wraps it in a ```` ```mermaid ```` block for a note."""
    view = people_view(g)
    lines = ["flowchart LR"]
    ids: dict[str, str] = {}

    def node_id(node: str) -> str:
        if node not in ids:
            ids[node] = f"n{len(ids)}"
        return ids[node]

    me = node_id(view.me)
    me_label = "You" if view.me_name == "me" else f"You ({view.me_name})"
    lines.append(f"    {me}([{escape_label(me_label)}])")
    targets: dict[str, str] = {}
    for box in view.companies:
        if box.members:
            group = node_id(box.node)
            targets[box.node] = group
            lines.append(f"    subgraph {group} [{escape_label(box.name)}]")
            for person in box.members:
                lines.append(f"        {node_id(person)}[{escape_label(view.names[person])}]")
            lines.append("    end")
        elif box.applications:
            company = node_id(box.node)
            targets[box.node] = company
            lines.append(f"    {company}[[{escape_label(box.name)}]]")
    for person in view.loose:
        lines.append(f"    {node_id(person)}[{escape_label(view.names[person])}]")

    lines.extend(_edges(view, ids, targets))
    linked = [ids[p] for p in view.people if p in ids]
    for start in range(0, len(linked), 40):
        lines.append(f"    class {','.join(linked[start:start + 40])} internal-link")
    lines.append(f"    style {me} stroke-width:3px")
    text = "\n".join(lines) + "\n"
    return f"```mermaid\n{text}```\n" if fenced else text


def _edges(view: PeopleView, ids: dict[str, str], targets: dict[str, str]) -> list[str]:
    lines: list[str] = []
    me = ids[view.me]
    for person in view.people:
        if person in view.contacts and person in ids:
            count, last = view.contacts[person]
            label = escape_label(f"{count}× · last {last.isoformat()}")
            lines.append(f"    {me} -.->|{label}| {ids[person]}")
    for box in view.companies:
        if box.applications and box.node in targets:
            parts = [application_label(status, when) for _, status, when in box.applications]
            lines.append(f"    {me} ==>|{escape_label('; '.join(parts))}| {targets[box.node]}")
    for introducer, person, _ in view.introductions:
        if introducer in ids and person in ids:
            lines.append(f'    {ids[introducer]} -->|"introduced"| {ids[person]}')
    return lines

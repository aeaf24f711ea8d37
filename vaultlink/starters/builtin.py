"""The built-in starter sources (SPEC §4, §1): each turns one kind of note material into
short, sourced things to say.

Every source is a registered function of a ``StarterContext``; the engine runs them all,
drops near-duplicates, ranks and caps. Scores combine how *specific and personal* a kind
of material is with how *fresh* it is, so a win from last week beats a generic script.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from vaultlink.records import Application, Contact, Signal, Source
from vaultlink.starters.base import Starter, StarterContext, starter_source
from vaultlink.starters.index import index_for
from vaultlink.starters.text import (
    PASSIVE,
    clean,
    clip,
    first_name,
    gerund_phrase,
    impression_starter,
    interest_key,
    interests_match,
    lower_first,
    normalise,
    past_to_gerund,
    short_date,
    swap_person,
    topic_after,
)

# How specific and personal each kind of material is (0..1). Freshness does the rest.
SPECIFICITY: dict[str, float] = {
    "congratulate": 0.95,
    "impression": 0.9,
    "open-loop": 0.88,
    "thank-you": 0.85,
    "post": 0.8,
    "news": 0.8,
    "question": 0.75,
    "introduced": 0.72,
    "shared-interest": 0.7,
    "follow-up": 0.65,
    "introducer": 0.6,
    "check-in": 0.55,
    "rejection": 0.5,
    "mutual": 0.45,
    "met-via": 0.45,
    "generic": 0.1,
}
FRESHNESS_WEIGHT = 0.35


def score(kind: str, freshness: float, bonus: float = 0.0) -> float:
    """Specific, personal material first; fresher material first within a kind."""
    base = SPECIFICITY.get(kind, 0.5)
    return (1 - FRESHNESS_WEIGHT) * base + FRESHNESS_WEIGHT * freshness + bonus


# -- shared interests ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Shared:
    label: str
    source: Source
    spoken: bool  # found in a conversation/note line, not only in the properties


def shared_interests(ctx: StarterContext) -> list[_Shared]:
    """Interests of "me" that this person shares: their ``interests`` property (case,
    plural and -ing folded), or a line about them that mentions the interest."""
    mine = [m for m in ctx.vault.me.interests if interest_key(m)]
    if not mine:
        return []
    out: list[_Shared] = []
    seen: set[frozenset[str]] = set()
    mentions = _mention_blocks(ctx)
    for interest in mine:
        theirs = next((t for t in ctx.person.interests if interests_match(interest, t)), None)
        label = _interest_label(interest, theirs) if theirs else interest.strip()
        key = interest_key(interest)
        spoken = _first_mention(mentions, key, interest_key(theirs) if theirs else None)
        if theirs is None and spoken is None:
            continue
        if key in seen:
            continue
        seen.add(key)
        if spoken is not None:
            out.append(_Shared(label, spoken, True))
        else:
            out.append(_Shared(label, ctx.property_source(
                ctx.person.path, "interests", "hobbies"), False))
    return out


def _interest_label(mine: str, theirs: str) -> str:
    """The common wording: the less specific of the two, lower-case when either is."""
    km, kt = interest_key(mine), interest_key(theirs)
    if len(km) != len(kt):
        pick = mine if len(km) < len(kt) else theirs
    else:
        pick = mine if mine == mine.lower() or theirs != theirs.lower() else theirs
    text = pick.strip()
    if text != text.lower() and (mine == mine.lower() or theirs == theirs.lower()):
        words = text.split()
        if all(w[:1].isupper() and w[1:] == w[1:].lower() for w in words):
            text = text.lower()
    return text


def _mention_blocks(ctx: StarterContext) -> list[tuple[tuple[str, ...], Source]]:
    """Lines about this person: their own note, and the parts of interaction notes that
    link them, sit under a heading naming them, or come from a one-to-one conversation."""
    person = ctx.person
    out: list[tuple[tuple[str, ...], Source]] = []
    own = ctx.note(person.path)
    if own is not None:
        for block in own.blocks:
            if block.kind != "heading" and block.task is None:
                out.append((normalise(block.text), Source(own.path, block.line, block.heading)))
    names = {n.lower() for n in ctx.names}
    under: dict[str | None, bool] = {}  # heading -> whether it names them
    for interaction in index_for(ctx.vault).interactions.get(person.path, ()):
        note = ctx.note(interaction.path)
        if note is None:
            continue
        resolved = dict(zip(note.links, ctx.vault.model.resolved.get(note.path, ()),
                            strict=False))
        alone = len(interaction.people) == 1
        for block in note.blocks:
            if block.kind == "heading" or block.task is not None:
                continue
            if not alone and not any(resolved.get(link) == person.path for link in block.links):
                under_them = under.get(block.heading)
                if under_them is None:
                    heading = (block.heading or "").lower()
                    under_them = under[block.heading] = any(
                        _has_word(heading, n) for n in names if n
                    )
                if not under_them:
                    continue
            out.append((normalise(block.text), Source(note.path, block.line, block.heading)))
    return out


def _has_word(text: str, word: str) -> bool:
    """``re.search(rf"\\b{re.escape(word)}\\b", text)`` for a non-empty ``word``, without
    compiling a pattern per person."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if _is_word(text, at - 1) != _is_word(text, at) and \
                _is_word(text, end - 1) != _is_word(text, end):
            return True
        at = text.find(word, at + 1)
    return False


def _first_mention(
    mentions: list[tuple[tuple[str, ...], Source]],
    key: frozenset[str],
    other: frozenset[str] | None,
) -> Source | None:
    for words, source in mentions:
        present = set(words)
        if key <= present or (other is not None and other and other <= present):
            return source
    return None


@starter_source("shared-interests")
def shared_interest_starters(ctx: StarterContext) -> Iterator[Starter]:
    for rank, shared in enumerate(shared_interests(ctx)):
        text = f"You're both into {shared.label} — ask {ctx.first} what's new on that front"
        bonus = 0.04 if shared.spoken else 0.0
        yield ctx.make("shared-interest", text, shared.source,
                       score("shared-interest", ctx.freshness(None), bonus - 0.02 * rank))


# -- impressions -------------------------------------------------------------------------------


def impression_text(ctx: StarterContext, signal: Signal) -> tuple[str, bool]:
    """A starter from an impression (parsed into "Dana was impressed by ... — ..."), and
    whether it parsed (an unparsed line falls back to a plainer, lower-ranked phrasing)."""
    raw = clean(full_sentence(ctx, signal))
    parsed = impression_starter(raw, ctx.names, ctx.first)
    if parsed is None and not _IMPRESSION_HINT.search(raw):
        # an ``impressed::`` value names only the thing that impressed them
        parsed = impression_starter(f"{ctx.first} was impressed by {raw}", ctx.names, ctx.first)
    if parsed is not None:
        return parsed, True
    sentence = swap_person(clip(raw, 16))
    rest = _without_subject(sentence, ctx.names)
    if rest is not None:
        return f"{ctx.first} {rest} — ask about it", False
    return f"Follow up on what stood out to {ctx.first}: {lower_first(sentence)}", False


def _without_subject(sentence: str, names: Iterable[str]) -> str | None:
    """The rest of a sentence whose subject is the person (by name or pronoun), else None."""
    lower = sentence.lower()
    for name in [*sorted(set(names), key=len, reverse=True), "he", "she", "they"]:
        if lower.startswith(name.lower() + " "):
            return sentence[len(name) + 1 :].strip()
    return None


_IMPRESSION_HINT = re.compile(
    r"\b(?:impressed|liked|loved|enjoyed|appreciated|excited|keen|lit up|resonated|praised|"
    r"interested|fan of)\b", re.I)
_SENTENCE = re.compile(r"[^.!?;]+(?:[.!?;]+|$)")


def full_sentence(ctx: StarterContext, signal: Signal) -> str:
    """The whole sentence around an impression line.

    The model records the single source line that holds the impression word; a sentence
    often wraps onto the next line ("[[Sofia]] liked / that I asked about retention..."),
    so rebuild it from the paragraph the line belongs to.
    """
    note = ctx.note(signal.source.path)
    line = signal.source.line
    if note is None or line is None:
        return signal.text
    for block in note.blocks:
        if not block.line <= line <= block.end_line:
            continue
        lines = block.text.split("\n")
        offset = line - block.line
        if offset >= len(lines) or lines[offset].strip() != signal.text.strip():
            return signal.text  # a field value or a differently shaped block: keep as is
        joined = " ".join(part.strip() for part in lines)
        start = sum(len(part.strip()) + 1 for part in lines[:offset])
        end = start + len(lines[offset].strip())
        for match in _SENTENCE.finditer(joined):
            if match.start() < end and match.end() > start and _IMPRESSION_HINT.search(
                match.group(0)
            ):
                return match.group(0).strip()
        return signal.text
    return signal.text


@starter_source("impressions")
def impression_starters(ctx: StarterContext) -> Iterator[Starter]:
    for signal in _signals(ctx, "impression"):
        text, parsed = impression_text(ctx, signal)
        fresh = ctx.freshness(signal.date, half_life=45)
        yield ctx.make("impression", text, signal.source,
                       score("impression", fresh, 0.0 if parsed else -0.12))


# -- wins and news since last contact -------------------------------------------------------------


def wins_since_contact(ctx: StarterContext, since: date | None = None) -> list[Signal]:
    """Dated wins/news after the last contact (or ``since``), not in the future; newest first."""
    floor = since if since is not None else ctx.person.last_contact
    if floor is None:
        floor = ctx.today - timedelta(days=90)
    out = [
        s for s in ctx.person.signals
        if s.kind in ("win", "news") and s.date is not None and floor < s.date <= ctx.today
    ]
    return sorted(out, key=lambda s: s.date or date.min, reverse=True)


def congrats_phrase(ctx: StarterContext, signal: Signal) -> tuple[str, str]:
    """(kind, text) for a win or a piece of news."""
    text = clip(clean(signal.text), 14)
    subject = signal.subject or ctx.person.path
    if subject != ctx.person.path and subject in ctx.vault.model.companies:
        company = ctx.vault.model.companies[subject].name
        return "congratulate", (
            f"{_company_news(company, text)} — congratulate {ctx.first} and ask what it "
            "means for their team"
        )
    phrase = gerund_phrase(text, ctx.names)
    if signal.kind == "news":
        about = phrase or lower_first(swap_person(text))
        return "news", f"Ask {ctx.first} about {about}"
    if phrase is None:
        phrase = _noun_phrase(swap_person(text))
    return "congratulate", f"Congratulate {ctx.first} on {phrase}"


def _company_news(company: str, text: str) -> str:
    if text.lower().startswith(company.lower()):
        return text
    words = text.split()
    first = words[0].lower() if words else ""
    if first in PASSIVE:
        return f"{company} was {text}"
    if past_to_gerund(first) is not None and not first.endswith("ing"):
        return f"{company} {text}"
    return f"{company} news: {text}"


def _noun_phrase(text: str) -> str:
    lower = text.lower()
    if lower.startswith(("their ", "her ", "his ", "the ", "a ", "an ")):
        return lower_first(text)
    return f"their {lower_first(text) if text[:1].isupper() and not text.isupper() else text}"


@starter_source("wins")
def win_starters(ctx: StarterContext) -> Iterator[Starter]:
    for signal in wins_since_contact(ctx):
        kind, text = congrats_phrase(ctx, signal)
        yield ctx.make(kind, text, signal.source,
                       score(kind, ctx.freshness(signal.date, half_life=21)))


# -- open loops ------------------------------------------------------------------------------------

_VERBS = frozenset({
    "send", "share", "email", "e-mail", "introduce", "intro", "forward", "follow", "ask",
    "call", "book", "schedule", "set", "write", "review", "read", "check", "look", "find",
    "get", "give", "reply", "respond", "return", "thank", "connect", "invite", "recommend",
    "text", "message", "dm", "ping", "update", "tell", "show", "make", "put", "draft",
    "prepare", "prep", "finish", "buy", "grab", "meet", "catch", "reach", "arrange",
    "organise", "organize", "post", "comment", "like", "congratulate", "try", "watch",
    "listen", "lend", "pass", "remind", "confirm", "offer", "mail", "order",
    "bring", "help", "submit", "refer", "nudge", "loop", "drop", "plan",
    "congrats", "sign", "open", "let", "close", "fix", "research", "learn", "answer", "visit",
})
_THANK = re.compile(r"^thank(?:s|-you|\s+you)?\b", re.I)
_CONGRATS = re.compile(r"^congrat", re.I)


# A link to a heading displays as "Dana Okafor > Log": the heading goes with the name.
_HEADING_TAIL = r" > [\w'’-]+(?: [A-Z][\w'’-]*)*"
_HEADING_TAIL_RE = re.compile(_HEADING_TAIL, re.I)
_WORD_RE = re.compile(r"\w")


def _first_names(ctx: StarterContext, text: str) -> str:
    """Call the person by their first name ("send Dana Okafor" -> "send Dana")."""
    for name in ctx.names:
        if not name:
            continue
        if name.isascii() and text.isascii() and "\\" not in ctx.first:
            # Where re.I is exactly str.lower(): find the name without compiling a
            # pattern per person (compiling one costs far more than the search).
            text = _replace_ascii_name(text, name, ctx.first)
            continue
        pattern = rf"\b{re.escape(name)}\b(?:{_HEADING_TAIL})?"
        text = re.sub(pattern, ctx.first, text, flags=re.I)
    return text


def _is_word(text: str, index: int) -> bool:
    return 0 <= index < len(text) and _WORD_RE.match(text, index) is not None


def _replace_ascii_name(text: str, name: str, first: str) -> str:
    """``re.sub(rf"\\b{name}\\b(?:{_HEADING_TAIL})?", first, text, flags=re.I)`` for
    ASCII ``text`` and ``name``: same matches, same result."""
    lowered, key = text.lower(), name.lower()
    out: list[str] = []
    start = at = 0
    while True:
        at = lowered.find(key, at)
        if at < 0:
            break
        end = at + len(key)
        if _is_word(text, at - 1) == _is_word(text, at) or \
                _is_word(text, end - 1) == _is_word(text, end):
            at += 1  # no word boundary on one side: not this occurrence
            continue
        tail = _HEADING_TAIL_RE.match(text, end)
        if tail is not None:
            end = tail.end()
        out.append(text[start:at])
        out.append(first)
        start = at = end
    if not out:
        return text
    out.append(text[start:])
    return "".join(out)


def loop_phrase(ctx: StarterContext, text: str) -> str | None:
    """The promise in an open-loop task as "send Dana the article", or None when it does not
    start with something to do."""
    body = _without_lead(_first_names(ctx, clip(clean(text), 16)), ctx.first)
    candidates = [body]
    if ":" in body:
        candidates.append(body.split(":", 1)[1].strip())
    for candidate in candidates:
        words = candidate.split()
        if words and words[0].lower().strip(",.") in _VERBS:
            phrase = swap_person(candidate)
            return phrase[0].lower() + phrase[1:]
    return None


def _without_lead(text: str, first: str) -> str:
    """``re.sub(rf"^{re.escape(first)}\\s*[:—–-]\\s*", "", text)`` ("Dana: send the deck"
    -> "send the deck") without compiling a pattern per person."""
    if not text.startswith(first):
        return text
    at, size = len(first), len(text)
    while at < size and text[at].isspace():  # `\s` is exactly `str.isspace`
        at += 1
    if at == size or text[at] not in ":—–-":
        return text
    at += 1
    while at < size and text[at].isspace():
        at += 1
    return text[at:]


@starter_source("open-loops")
def open_loop_starters(ctx: StarterContext) -> Iterator[Starter]:
    have_wins = bool(wins_since_contact(ctx))
    thanking = _thank_you_contact(ctx) is not None
    for signal in _signals(ctx, "open_loop"):
        plain = clean(signal.text)
        if (have_wins and _CONGRATS.match(plain)) or (thanking and _THANK.match(plain)):
            continue  # the congratulate / thank-you starter says it better
        phrase = loop_phrase(ctx, signal.text)
        fresh = ctx.freshness(signal.date, half_life=30)
        if phrase is None:
            what = swap_person(_first_names(ctx, clip(plain, 12)))
            text = f"Close the loop with {ctx.first}: {what}"
        elif signal.due is None:
            text = f"You said you'd {phrase} — close the loop"
        else:
            text = f"You said you'd {phrase}"
        if signal.due is not None:
            if signal.due <= ctx.today:
                text += f" — it was due {short_date(signal.due, ctx.today)}"
                fresh = 1.0
            else:
                text += f" — due {short_date(signal.due, ctx.today)}"
                soon = (signal.due - ctx.today).days <= 7
                fresh = max(fresh, 0.98 if soon else 0.8)
        yield ctx.make("open-loop", text, signal.source, score("open-loop", fresh))


# -- questions ---------------------------------------------------------------------------------

_AUX_START = frozenset({
    "is", "are", "was", "were", "do", "does", "did", "has", "have", "had", "would", "could",
    "can", "will", "should", "shall", "may", "might", "any",
})
_WH_START = frozenset({"how", "what", "why", "when", "where", "who", "which", "whether", "if"})
_THIRD_TO_SECOND = (
    (re.compile(r"\b(?:is|was)\s+(?:he|she)\b", re.I), lambda m: _aux_you(m.group(0))),
    (re.compile(r"\b(?:has|does)\s+(?:he|she)\b", re.I), lambda m: _aux_you(m.group(0))),
    (re.compile(r"\b(?:he|she)\s+(?:is|was|has|does)\b", re.I), lambda m: _you_aux(m.group(0))),
    (re.compile(r"\b(?:he|she)['’]s\b", re.I), lambda m: "you're"),
    (re.compile(r"\b(?:himself|herself)\b", re.I), lambda m: "yourself"),
    (re.compile(r"\b(?:he|she|him)\b", re.I), lambda m: "you"),
    (re.compile(r"\b(?:his|her)\b(?=\s+\w)", re.I), lambda m: "your"),
    (re.compile(r"\bher\b", re.I), lambda m: "you"),
)
_AUX_YOU = {"is": "are", "was": "were", "has": "have", "does": "do"}


def _aux_you(text: str) -> str:
    aux = text.split()[0]
    out = _AUX_YOU.get(aux.lower(), aux)
    return (out.capitalize() if aux[0].isupper() else out) + " you"


def _you_aux(text: str) -> str:
    aux = text.split()[-1]
    return "you " + _AUX_YOU.get(aux.lower(), aux)


def to_direct(question: str, names: Iterable[str]) -> str:
    """A question noted about someone, as you would ask it to them."""
    out = question
    for name in sorted(set(names), key=len, reverse=True):
        out = _possessive_to_your(out, name)
    for pattern, repl in _THIRD_TO_SECOND:
        out = pattern.sub(repl, out)
    out = out.strip()
    out = out[0].upper() + out[1:] if out else out
    return out if out.endswith("?") else out.rstrip(".!") + "?"


def _possessive_to_your(text: str, name: str) -> str:
    """``re.sub(rf"\\b{re.escape(name)}['’]s\\b", "your", text)`` without compiling a
    pattern per person: same matches, same result."""
    if not name:
        return re.sub(r"\b['’]s\b", "your", text)
    out: list[str] = []
    start = 0
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        if (
            text[end:end + 1] in ("'", "’") and text[end + 1:end + 2] == "s"
            and _is_word(text, at - 1) != _is_word(text, at)
            and not _is_word(text, end + 2)  # "s" is a word character
        ):
            out.append(text[start:at])
            out.append("your")
            start = end + 2
            at = text.find(name, start)
        else:
            at = text.find(name, at + 1)
    if not out:
        return text
    out.append(text[start:])
    return "".join(out)


def question_text(ctx: StarterContext, raw: str) -> str:
    text = clean(raw).split(" (", 1)[0].strip()
    sentences = [p.strip() for p in re.split(r"(?<=[.!?])\s+", text) if p.strip()]
    asked = [p for p in sentences if p.endswith("?")]
    first_sentence = asked[-1] if asked else text
    words = first_sentence.split()
    lead = words[0].lower().strip("'’") if words else ""
    second = words[1].lower() if len(words) > 1 else ""
    if first_sentence.endswith("?") or lead in _AUX_START or (
        lead in _WH_START and second in _AUX_START and lead not in ("whether", "if")
    ):
        return f"Ask {ctx.first}: “{to_direct(first_sentence, ctx.names)}”"
    indirect = swap_person(first_sentence.rstrip(".!"))
    if lead in _WH_START or lead == "about":
        return f"Ask {ctx.first} {lower_first(indirect)}"
    return f"Ask {ctx.first} about {lower_first(indirect)}"


@starter_source("questions")
def question_starters(ctx: StarterContext) -> Iterator[Starter]:
    for rank, signal in enumerate(_signals(ctx, "question")):
        yield ctx.make("question", question_text(ctx, signal.text), signal.source,
                       score("question", ctx.freshness(signal.date, half_life=45),
                             -0.005 * rank))


# -- posts -------------------------------------------------------------------------------------


@starter_source("posts")
def post_starters(ctx: StarterContext) -> Iterator[Starter]:
    last = ctx.person.last_contact
    for signal in _signals(ctx, "post"):
        if signal.date is not None:
            if signal.date > ctx.today:
                continue
            recent = (ctx.today - signal.date).days <= 60
            if not recent and (last is None or signal.date <= last):
                continue
        title = clip(clean(signal.text), 14).strip("\"“”'")
        if not title:
            continue
        if title.lower().startswith(("about ", "on ")):
            text = f"{ctx.first} posted {title} — comment with what you took from it, or share it"
        else:
            text = f"{ctx.first} posted “{title}” — comment with what you took from it, or share it"
        yield ctx.make("post", text, signal.source,
                       score("post", ctx.freshness(signal.date, half_life=21)))


# -- connections: who introduced you, whom they introduced, mutual connections ---------------


@starter_source("introductions")
def introduction_starters(ctx: StarterContext) -> Iterator[Starter]:
    person = ctx.person
    people = ctx.vault.model.people
    via = person.met_via
    if via is not None and via != person.path:
        source = ctx.property_source(person.path, "met_via", "introduced_by", "met-via",
                                     "introduced-by")
        if via in people:
            intro = people[via]
            text = (f"{intro.name} introduced you two — mention {first_name(intro.name)} "
                    "and ask how they know each other")
            yield ctx.make("introducer", text, source,
                           score("introducer", ctx.freshness(person.met, half_life=60)))
        else:
            text = f"You met through {ctx.name_of(via)} — bring it up"
            yield ctx.make("met-via", text, source,
                           score("met-via", ctx.freshness(person.met, half_life=60)))
    for other in index_for(ctx.vault).introduced.get(person.path, ()):
        source = ctx.property_source(other.path, "met_via", "introduced_by", "met-via",
                                     "introduced-by")
        first_contact = other.met or (other.contacts[0].date if other.contacts else None)
        text = (f"{ctx.first} introduced you to {other.name} — tell {ctx.first} how it's going "
                f"with {first_name(other.name)}")
        yield ctx.make("introduced", text, source,
                       score("introduced", ctx.freshness(first_contact, half_life=45)))


@dataclass(frozen=True, slots=True)
class Mutual:
    """Someone both you and this person know, with the evidence: a note, a phrase saying
    how they are connected, a date, and how strong that evidence is (higher is stronger)."""

    person: str
    source: Source
    how: str
    day: date | None
    strength: int


def mutual_connections(ctx: StarterContext) -> list[Mutual]:
    """People who also know this person, strongest and most recent evidence first.

    As in the graph's ``mutual_connections`` (you and this person), a mutual connection is
    someone you have been in touch with who is connected to this person. Each needs
    evidence to be stated: a shared interaction note (you met them together), the same
    application's contacts, one line of a daily note linking both, or the same employer.
    A shared daily note alone is too weak to claim a connection. Introductions are left
    to the introduction starters.
    """
    person = ctx.person
    model = ctx.vault.model
    index = index_for(ctx.vault)
    found: dict[str, Mutual] = {}

    def add(other: str, source: Source, how: str, day: date | None, strength: int) -> None:
        if other == person.path or other not in model.people or other not in index.circle:
            return
        if day is not None and day > ctx.today:
            return
        if other == person.met_via or model.people[other].met_via == person.path:
            return
        current = found.get(other)
        rank = (strength, day or date.min)
        if current is None or rank > (current.strength, current.day or date.min):
            found[other] = Mutual(other, source, how, day, strength)

    for interaction in index.interactions.get(person.path, ()):
        note = ctx.note(interaction.path)
        line = None
        if note is not None:
            line = note.line_of("with") or note.line_of("attendees") or note.line_of("people")
        where = lower_first(_strip_date(interaction.name)) or interaction.kind
        for other in interaction.people:
            add(other, Source(interaction.path, line), f"you met them both at the {where}",
                interaction.date, 4)
    for application in index.applications.get(person.path, ()):
        note = ctx.note(application.path)
        line = note.line_of("contacts") if note is not None else None
        company = ctx.name_of(application.company) if application.company else application.name
        for other in application.contacts:
            add(other, Source(application.path, line),
                f"both were part of your {company} process",
                application.decided or application.applied, 3)
    for shared in index.daily_lines.get(person.path, ()):
        how = (f"you noted them together on {short_date(shared.day, ctx.today)}"
               if shared.day else "you noted them together")
        for other in sorted(shared.others):
            add(other, Source(shared.path, shared.line, shared.heading), how, shared.day, 2)
    for company in person.companies:
        record = model.companies.get(company)
        for other in record.people if record is not None else ():
            colleague = model.people.get(other)
            if colleague is not None:
                add(other, ctx.property_source(other, "company", "org", "organization",
                                               "organisation", "employer"),
                    f"they work together at {ctx.name_of(company)}", colleague.last_contact, 1)
    return sorted(found.values(), key=lambda m: (-m.strength, -(m.day or date.min).toordinal(),
                                                 m.person))


def _strip_date(name: str) -> str:
    """``2026-10-16 Halcyon virtual onsite`` -> ``Halcyon virtual onsite`` ('' for a bare date)."""
    return re.sub(r"^\d{4}-\d{2}-\d{2}\s*[-—–:]?\s*", "", name).strip()


@starter_source("mutual-connections")
def mutual_starters(ctx: StarterContext) -> Iterator[Starter]:
    for rank, mutual in enumerate(mutual_connections(ctx)[:3]):
        other = ctx.vault.model.people[mutual.person]
        text = f"Ask {ctx.first} how {other.name} is doing — {mutual.how}"
        bonus = 0.03 * (mutual.strength - 3) - 0.01 * rank
        yield ctx.make("mutual", text, mutual.source,
                       score("mutual", ctx.freshness(mutual.day, half_life=45), bonus))


# -- after an interview: thank them; otherwise pick up the last conversation -----------------

_KIND_WORDS = {
    "interview": "interview", "meeting": "meeting", "call": "call", "coffee": "coffee",
    "informational": "informational chat",
}


def _thank_you_contact(ctx: StarterContext) -> Contact | None:
    """The interaction note that is the latest contact, while a thank-you is still timely."""
    contacts = [c for c in ctx.person.contacts if c.date <= ctx.today]
    if not contacts:
        return None
    latest = max(c.date for c in contacts)
    last = next((c for c in contacts if c.date == latest and c.via == "note"
                 and c.interaction is not None), None)
    if last is None:
        return None
    if (ctx.today - last.date).days > ctx.vault.config.rules.thank_you_lapse_days:
        return None
    return last


@starter_source("last-conversation")
def last_conversation_starters(ctx: StarterContext) -> Iterator[Starter]:
    thank = _thank_you_contact(ctx)
    if thank is not None and thank.interaction is not None:
        interaction = ctx.vault.model.interactions.get(thank.interaction)
        what = "conversation"
        if interaction is not None:
            what = (lower_first(_strip_date(interaction.name))
                    or _KIND_WORDS.get(interaction.kind, what))
        text = (f"Thank {ctx.first} for the {what} on {short_date(thank.date, ctx.today)} — "
                "mention one thing you took away from it")
        source = Source(thank.interaction, thank.source.line, thank.source.heading)
        yield ctx.make("thank-you", text, source,
                       score("thank-you", ctx.freshness(thank.date, half_life=7)))
        return
    for contact in reversed(ctx.person.contacts[-3:]):
        if contact.via not in ("log", "daily", "task") or contact.date > ctx.today:
            continue
        topic = topic_after(contact.text)
        if topic is None:
            continue
        text = (f"Last time ({short_date(contact.date, ctx.today)}) you talked about {topic} — "
                "ask how that's going")
        yield ctx.make("follow-up", text, contact.source,
                       score("follow-up", ctx.freshness(contact.date, half_life=30)))
        return


# -- after a rejection: the §1.4 script, then a check-in a month later ----------------------


def rejections(ctx: StarterContext) -> list[Application]:
    """Rejected applications that list this person as a contact, newest decision first."""
    # the index lists each person's applications in model order, as a scan would
    apps = [
        a for a in index_for(ctx.vault).applications.get(ctx.person.path, ())
        if a.status == "rejected"
    ]
    return sorted(apps, key=lambda a: a.decided or date.min, reverse=True)


def rejection_phase(ctx: StarterContext, app: Application) -> str | None:
    """"script" while feedback is timely and nothing has happened since, "check-in" around
    a month after the decision, else None."""
    rules = ctx.vault.config.rules
    if app.decided is None:
        return "script"
    days = (ctx.today - app.decided).days
    if days < 0:
        return None
    if "rejection-checkin" in ctx.due_rules:
        return "check-in"
    spoke_since = any(
        c.date > app.decided for c in ctx.person.contacts if c.date <= ctx.today
    )
    if days <= rules.rejection_feedback_days + rules.rejection_feedback_lapse_days and (
        not spoke_since or "rejection-feedback" in ctx.due_rules
    ):
        return "script"
    start = rules.rejection_checkin_days - 7
    if start <= days <= rules.rejection_checkin_days + rules.rejection_checkin_lapse_days:
        return "check-in"
    return None


def _app_source(ctx: StarterContext, app: Application) -> Source:
    note = ctx.note(app.path)
    if note is not None:
        for key in ("decided", "status_date", "decision_date", "status"):
            line = note.line_of(key)
            if line is not None:
                return Source(app.path, line)
    return app.source or Source(app.path)


def _company_of(ctx: StarterContext, app: Application) -> str:
    if app.company:
        return ctx.name_of(app.company)
    return app.name


def check_in_topic(ctx: StarterContext, since: date | None) -> str:
    """Something other than the rejection script to open a month-later check-in with:
    their news, a shared interest, a question you noted, what they liked, an open loop."""
    wins = wins_since_contact(ctx, since=since)
    if wins:
        kind, text = congrats_phrase(ctx, wins[0])
        if kind == "congratulate" and text.startswith("Congratulate "):
            return "congratulate them on " + text.split(" on ", 1)[1]
        return "mention " + lower_first(text.split(" — ")[0])
    shared = shared_interests(ctx)
    if shared:
        return f"ask about {shared[0].label} — you're both into it"
    for signal in _signals(ctx, "question"):
        if "feedback" not in signal.text.lower():
            return "ask " + question_text(ctx, signal.text).split(" ", 2)[2].lstrip(": ")
    for signal in _signals(ctx, "impression"):
        text, parsed = impression_text(ctx, signal)
        if parsed and not text.startswith("Tell "):
            return "remind them of " + text.split(" — ")[0].split(" ", 1)[1].split(" ", 1)[1]
    for signal in _signals(ctx, "open_loop"):
        phrase = loop_phrase(ctx, signal.text)
        if phrase is not None and "feedback" not in signal.text.lower():
            return f"finally {phrase}"
    return "share what you've been working on and ask how their team is doing"


@starter_source("rejection")
def rejection_starters(ctx: StarterContext) -> Iterator[Starter]:
    for app in rejections(ctx)[:1]:
        phase = rejection_phase(ctx, app)
        if phase is None:
            continue
        company = _company_of(ctx, app)
        source = _app_source(ctx, app)
        fresh = ctx.freshness(app.decided, half_life=14)
        if phase == "script":
            what = f"the {app.role} process at {company}" if app.role else f"the {company} process"
            yield ctx.make(
                "rejection",
                f"Thank {ctx.first} for their time on {what} and ask for any feedback on "
                "how you could have done better",
                source, score("rejection", fresh),
            )
            yield ctx.make(
                "rejection",
                f"Ask {ctx.first} to connect on LinkedIn and say you're still interested in "
                f"other roles at {company}",
                source, score("rejection", fresh, -0.01),
            )
        else:
            topic = check_in_topic(ctx, app.decided)
            text = f"It's been about a month since the {company} decision — check in and {topic}"
            yield ctx.make("check-in", text, source,
                           score("check-in", ctx.freshness(
                               app.decided + timedelta(days=30) if app.decided else None,
                               half_life=14)))


# -- generic fallbacks (used only when there is too little specific material) ----------------------


@starter_source("generic")
def generic_starters(ctx: StarterContext) -> Iterator[Starter]:
    person = ctx.person
    company = person.company_name or (ctx.name_of(person.company) if person.company else None)
    if company:
        source = ctx.property_source(person.path, "company", "org", "organization",
                                     "organisation", "employer")
        yield ctx.make("generic",
                       f"Ask {ctx.first} what they're focused on at {company} these days",
                       source, score("generic", 0.0, 0.01))
    if person.last_contact is not None and person.last_contact <= ctx.today:
        since = _span((ctx.today - person.last_contact).days)
        source = person.last_contact_source or Source(person.path)
        yield ctx.make("generic",
                       f"It's been {since} since you last spoke — send {ctx.first} a short hello "
                       "and one thing you've been working on",
                       source, score("generic", 0.0))
    else:
        yield ctx.make("generic",
                       f"Send {ctx.first} a short hello and one thing you've been working on",
                       Source(person.path), score("generic", 0.0, -0.01))


# -- helpers -------------------------------------------------------------------------------------


def _span(days: int) -> str:
    """``3 weeks``, ``4 months``, ``over 2 years`` ("a little while" under two weeks)."""
    if days < 14:
        return "a little while"
    if days < 60:
        return f"{days // 7} weeks"
    if days < 730:
        return f"{days // 30} months"
    return f"over {days // 365} years"


def _signals(ctx: StarterContext, kind: str) -> list[Signal]:
    """This person's signals of one kind up to today, deduplicated by source line, newest
    first."""
    seen: set[tuple[str, int | None, str]] = set()
    out: list[Signal] = []
    for signal in ctx.person.signals:
        if signal.kind != kind or (signal.date is not None and signal.date > ctx.today):
            continue  # a note dated after "today" was not written yet
        key = (signal.source.path, signal.source.line, signal.text)
        if key in seen:
            continue
        seen.add(key)
        out.append(signal)
    return sorted(out, key=lambda s: s.date or date.min, reverse=True)

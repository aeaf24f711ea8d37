"""Small, deterministic language helpers that turn note lines into things a person could say.

Starters must read like advice, not like an echo of the note: "[[Dana]] was really
impressed by the backfill story from my last job" becomes "Dana was impressed by your
backfill story — share how it turned out". These helpers work on a block's *plain text*
(the parser has already removed Markdown), so sentence-level patterns are safe here.
They never raise and fall back to ``None`` when a line does not fit a pattern, so the
caller can choose a plainer phrasing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache

__all__ = [
    "PASSIVE",
    "clean",
    "clip",
    "first_name",
    "gerund_phrase",
    "impression_starter",
    "interest_key",
    "interests_match",
    "join_words",
    "lower_first",
    "normalise",
    "past_to_gerund",
    "short_date",
    "similar",
    "stem",
    "swap_person",
    "topic_after",
]

# -- cleaning ---------------------------------------------------------------------------------

_TASK_BOX = re.compile(r"^\s*\[[ xX/\-]\]\s*")
_EMOJI_DATE = re.compile(r"[📅⏳🛫✅➕❌]\uFE0F?\s*(?:\d{4}-\d{2}-\d{2})?")
_EMOJI_FLAGS = re.compile(r"[🔁⏫🔼🔽🔺⏬]\uFE0F?")
_BRACKET_FIELD = re.compile(r"[\[(][\w\- ]+::[^\])]*[\])]")
_TRAILING_FIELD = re.compile(r"\s+[\w\-]+::\s.*$")
_BLOCK_ID = re.compile(r"\s\^[\w-]+\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\(([^)]*)\)")
_WIKI = re.compile(r"!?\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\\?\|([^\]]*))?\]\]")
_TAG = re.compile(r"(?<![\w/&])#[^\s#\d][^\s#]*|(?<![\w/&])#\d+[^\s\d#][^\s#]*")
_SPACES = re.compile(r"\s+")
_LEADING_DATE = re.compile(r"^\s*(?:\d{4}-\d{2}-\d{2})\s*[:—–\-]*\s*")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~|==)(?=\S)(.+?)(?<=\S)\1")


@lru_cache(maxsize=4096)
def clean(text: str) -> str:
    """Plain text without task boxes, Tasks emoji dates, inline fields, tags and link syntax.

    Field values and some signals carry raw Markdown; block text is already plain, and
    cleaning it again is harmless.
    """
    out = _TASK_BOX.sub("", text)
    out = _BLOCK_ID.sub("", out)
    out = _EMOJI_DATE.sub(" ", out)
    out = _EMOJI_FLAGS.sub(" ", out)
    out = _BRACKET_FIELD.sub(" ", out)
    out = _TRAILING_FIELD.sub("", out)
    out = _MD_LINK.sub(lambda m: m.group(1) or m.group(2), out)
    out = _WIKI.sub(lambda m: (m.group(2) or m.group(1).rsplit("/", 1)[-1]).strip(), out)
    out = _TAG.sub(" ", out)
    out = _EMPHASIS.sub(r"\2", out)
    out = _LEADING_DATE.sub("", out)
    out = out.replace("`", "")
    return _SPACES.sub(" ", out).strip(" \t-—–:;,")


def clip(text: str, max_words: int = 14) -> str:
    """The first clause of ``text``, at most ``max_words`` words (cut at a natural break)."""
    cut = re.split(r"(?<=[.!?;])\s|\s[—–]\s|\s-\s|\s\(|\(|\s(?:but|although|though|because)\s",
                   text, maxsplit=1)[0]
    words = cut.split()
    if len(words) > max_words:
        head = " ".join(words[:max_words])
        comma = head.rfind(",")
        cut = head[:comma] if comma > len(head) // 2 else head
    return cut.strip().rstrip(".,;:!—–- ")


def short_date(day: date, today: date | None = None) -> str:
    """``Nov 12`` (with the year when it is not today's year)."""
    text = f"{day:%b} {day.day}"
    if today is not None and day.year != today.year:
        text += f", {day.year}"
    return text


def first_name(name: str) -> str:
    """What you would call someone: ``Dr. Jane Doe`` -> ``Jane``; ``Doe, Jane`` -> ``Jane``."""
    text = name.strip()
    if "," in text:
        last, _, rest = text.partition(",")
        text = rest.strip() or last.strip()
    words = [w for w in text.split() if w.lower().rstrip(".") not in _TITLES]
    return words[0] if words else (name.strip() or name)


_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "sir", "dame"})

# -- perspective: the note is written by "me"; starters speak to "you" --------------------------

_SWAPS = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "we": "you", "us": "you", "our": "your", "ours": "yours", "ourselves": "yourselves",
    "i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll",
    "we're": "you're", "we've": "you've", "we'd": "you'd", "we'll": "you'll",
}
_SWAP_WORD = re.compile(
    r"\b(?:I\s+was|I\s+am|we\s+were|I['’](?:m|ve|d|ll)|we['’](?:re|ve|d|ll)|"
    r"I|me|my|mine|myself|we|us|our|ours|ourselves)\b(?!['’]\w)",
    re.IGNORECASE,
)


def swap_person(text: str) -> str:
    """First person to second person: "my last job" -> "your last job", "I was" -> "you were"."""

    def repl(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = _SPACES.sub(" ", word.lower()).replace("’", "'")
        if lower in ("i was", "we were"):
            out = "you were"
        elif lower == "i am":
            out = "you are"
        elif lower == "us" and word == "US":  # the country, not the pronoun
            return word
        else:
            out = _SWAPS.get(lower, word)
        if match.start() == 0 and word[0].isupper() and not lower.startswith("i"):
            out = out[0].upper() + out[1:]
        return out

    return _SWAP_WORD.sub(repl, text)


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word looks like a name or an acronym."""
    if not text:
        return text
    word = text.split()[0]
    if len(word) > 1 and (word.isupper() or any(c.isupper() for c in word[1:])):
        return text
    if word.lower() in _COMMON_STARTS:
        return text[0].lower() + text[1:]
    return text


_COMMON_STARTS = frozenset({
    "the", "a", "an", "how", "what", "why", "when", "where", "who", "which", "whether", "if",
    "is", "are", "was", "were", "do", "does", "did", "can", "could", "would", "will", "should",
    "has", "have", "any", "promotion", "new", "their", "her", "his", "about", "on", "that",
    "this", "got", "became", "being", "coffee", "call", "lunch", "meeting", "interview",
    "informational", "phone", "intro", "chat", "dinner", "drinks", "onsite", "video",
    "technical", "final", "virtual", "he", "she", "they", "we",
})

# -- words: stems for matching interests and detecting near-duplicates -------------------------

_STOP = frozenset({
    "a", "an", "and", "the", "of", "to", "in", "on", "for", "with", "at", "by", "it", "its",
    "is", "are", "was", "were", "be", "that", "this", "your", "you", "their", "them", "they",
    "&", "or",
})
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_VOWELS = frozenset("aeiouy")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A crude, predictable stem: plurals and -ing folded so 'climbing' == 'climb',
    'board games' == 'board game', 'hiking' == 'hike'. Not a linguistic stemmer on purpose:
    it only has to make the same word meet itself."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        base = w[:-3]
        if any(c in _VOWELS for c in base[:-1] or base):
            if len(base) > 2 and base[-1] == base[-2] and base[-1] not in "lsz":
                base = base[:-1]
            w = base
    if len(w) > 3 and w.endswith("e") and not w.endswith(("ee", "ie", "ye")):
        w = w[:-1]
    return w


@lru_cache(maxsize=8192)
def normalise(text: str) -> tuple[str, ...]:
    """Stemmed content words of ``text``, in order (stop words dropped)."""
    words = _WORD.findall(text.lower())  # no capturing group: the whole matches
    return tuple(stem(w) for w in words if w not in _STOP)


def interest_key(text: str) -> frozenset[str]:
    return frozenset(normalise(text))


def interests_match(a: str, b: str) -> bool:
    """Same interest despite case, plurals and -ing ('Board Games' ~ 'board game',
    'Climbing' ~ 'climb'), or one the more specific form of the other
    ('climbing' ~ 'rock climbing')."""
    ka, kb = interest_key(a), interest_key(b)
    if not ka or not kb:
        return False
    return ka == kb or (len(ka) < len(kb) and ka <= kb) or (len(kb) < len(ka) and kb <= ka)


def similar(
    a: str,
    b: str,
    weights: Mapping[str, float] | None = None,
    threshold: float = 0.85,
) -> bool:
    """Near-duplicate texts: the same normalised words in any order, or a weighted word
    overlap (Jaccard) of at least ``threshold``.

    ``weights`` lets a caller discount words that every candidate shares (template words,
    the person's name) so "both into climbing" and "both into chess" stay distinct.
    """
    na, nb = normalise(a), normalise(b)
    if not na or not nb:
        return a.strip().lower() == b.strip().lower()
    sa, sb = set(na), set(nb)
    if sa == sb:
        return True

    def weight(word: str) -> float:
        return 1.0 if weights is None else weights.get(word, 1.0)

    union = sum(weight(w) for w in sa | sb)
    shared = sum(weight(w) for w in sa & sb)
    if union > 0 and shared / union >= threshold:
        return True
    # one says everything the other says (and more): "ask whether the role reopens" inside
    # "check in and ask whether the role reopens"
    small = min((sa, sb), key=lambda words: sum(weight(w) for w in words))
    total = sum(weight(w) for w in small)
    return len(small) >= 3 and total > 0 and shared / total >= threshold


# -- verbs -----------------------------------------------------------------------------------

_IRREGULAR_ING = {
    "gave": "giving", "spoke": "speaking", "won": "winning", "got": "getting",
    "began": "beginning", "became": "becoming", "wrote": "writing", "ran": "running",
    "made": "making", "took": "taking", "led": "leading", "built": "building",
    "sold": "selling", "left": "leaving", "found": "finding", "held": "holding",
    "hit": "hitting", "went": "going", "grew": "growing", "met": "meeting",
    "bought": "buying", "did": "doing", "taught": "teaching", "brought": "bringing",
    "set": "setting", "put": "putting", "shut": "shutting", "threw": "throwing",
    "drew": "drawing", "had": "having", "came": "coming", "moved": "moving",
    "hosted": "hosting", "beat": "beating", "sent": "sending", "spent": "spending",
    "tried": "trying", "flew": "flying", "joined": "joining",
}
PASSIVE = frozenset({
    "promoted", "named", "appointed", "elected", "awarded", "selected", "nominated",
    "featured", "invited", "accepted", "recognised", "recognized", "hired", "funded",
    "acquired", "chosen", "picked", "honored", "honoured", "shortlisted", "listed",
    "quoted", "interviewed", "mentioned", "included", "ranked", "certified", "admitted",
})
_AUX = frozenset({"was", "were", "is", "got", "has", "have", "had", "been", "just", "finally",
                  "recently", "officially"})


def past_to_gerund(verb: str) -> str | None:
    """Past tense -> gerund (``shipped`` -> ``shipping``); None when it isn't one."""
    v = verb.lower()
    if v in _IRREGULAR_ING:
        return _IRREGULAR_ING[v]
    if len(v) > 4 and v.endswith("ied"):
        return v[:-3] + "ying"
    if len(v) > 3 and v.endswith("ed") and not v.endswith("eed"):
        return v[:-2] + "ing"
    if len(v) > 4 and v.endswith("ing"):
        return v
    return None


def gerund_phrase(text: str, names: Sequence[str] = ()) -> str | None:
    """A past-tense achievement as something to congratulate *on*:
    "promoted to Staff" -> "being promoted to Staff", "shipped v2" -> "shipping v2",
    "Dana gave a talk" -> "giving a talk". None when the line doesn't start with a verb."""
    words = _strip_subject(text, names).split()
    lead: list[str] = []
    while words and words[0].lower() in _AUX:
        lead.append(words.pop(0).lower())
    if not words:
        return None
    first, rest = words[0], words[1:]
    tail = (" " + " ".join(rest)) if rest else ""
    low = first.lower()
    if low in PASSIVE:
        helper = "getting" if "got" in lead else "being"
        return f"{helper} {low}{tail}"
    if "got" in lead and not past_to_gerund(first):
        return f"getting {first}{tail}"
    ing = past_to_gerund(first)
    if ing is None:
        return None
    return f"{ing}{tail}"


def _strip_subject(text: str, names: Sequence[str]) -> str:
    """Drop a leading subject that names the person ("Dana Okafor shipped ..." -> "shipped ...")."""
    out = text.strip()
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        if out.lower().startswith(name.lower() + " "):
            return out[len(name) + 1 :].lstrip()
    for pronoun in ("she ", "he ", "they ", "we "):
        if out.lower().startswith(pronoun):
            return out[len(pronoun):]
    return out


# -- impressions ----------------------------------------------------------------------------------

_ADVERBS = (
    r"(?:(?:really|very|quite|so|super|genuinely|clearly|particularly|especially|visibly|also|"
    r"definitely|obviously|totally|seriously|noticeably|hugely|most|truly|pretty|both|all|"
    r"absolutely|actually|even|incredibly|extremely|deeply)\s+)*"
)
_IMPRESSION = re.compile(
    r"^(?P<subj>.*?)\b(?P<aux>(?:(?:was|were|is|are|seemed|seems|got|looked|sounded|felt|"
    r"became|'s|’s)\s+))?" + _ADVERBS
    + r"(?P<verb>impressed\s+(?:by|with|that)|liked|loved|enjoyed|appreciated|praised|valued|"
    r"admired|excited\s+(?:about|by|that)|keen\s+on|enthusiastic\s+about|interested\s+in|"
    r"lit\s+up\s+(?:when|about|at|over)|(?:a\s+)?(?:big\s+|huge\s+)?fan\s+of)\s+"
    r"(?P<obj>.+)$",
    re.IGNORECASE,
)
_RESONATED = re.compile(
    r"^(?P<obj>.+?)\s+" + _ADVERBS + r"(?:resonated|landed|clicked)\s+with\s+(?P<subj>.+?)$",
    re.IGNORECASE,
)
_JOB_COMPRESS = re.compile(
    r"^the\s+(?P<thing>[\w\s\-]+?)\s+(?:from|at|in|about)\s+your\s+(?:last|previous|old|former|"
    r"first|current)\s+(?:job|role|company|team|gig|position|employer)$",
    re.IGNORECASE,
)
_PRONOUNS = frozenset({"it", "that", "this", "them", "those", "these", "him", "her", "you"})
_OWN_THING = {
    "turned_out": ("story", "stories", "project", "migration", "rewrite", "launch", "backfill",
                   "side project", "startup", "experiment", "prototype", "work", "experience",
                   "move", "transition", "refactor", "initiative", "result", "outcome",
                   "bill", "cost", "cut", "reduction", "savings", "win"),
    "link": ("demo", "portfolio", "talk", "post", "article", "blog", "write-up", "writeup",
             "repo", "github", "code", "slides", "deck", "newsletter", "runbook"),
    "build": ("idea", "approach", "take", "answer", "question", "design", "solution",
              "proposal", "thinking", "explanation", "framing", "point", "perspective",
              "detour", "whiteboard", "walkthrough", "plan"),
}
_TAILS = {
    "turned_out": "share how it turned out",
    "link": "send them the link or a follow-up",
    "build": "follow up with a thought that builds on it",
}


def impression_starter(sentence: str, names: Sequence[str], first: str) -> str | None:
    """Turn an impression line into a starter, or None when it doesn't parse.

    ``names`` are the ways the note may name the person (full name, aliases, first name);
    ``first`` is what the starter calls them.
    """
    text = clean(sentence)
    text = _first_sentence_with_verb(text)
    match = _IMPRESSION.match(text)
    if match is not None:
        subj, verb, obj = match.group("subj"), match.group("verb"), match.group("obj")
        aux = (match.group("aux") or "").strip().lower()
    else:
        res = _RESONATED.match(text)
        if res is None:
            return None
        obj_text = _object(res.group("obj"), names)
        if not obj_text:
            return None
        obj_text = _capital(obj_text)
        return f"{obj_text} resonated with {first} — {_tail('resonated', obj_text)}"
    subject = _subject_kind(subj, names)
    obj_text = _object(obj, names)
    if not obj_text or len(obj_text.split()) < 1:
        return None
    verb_text = _verb(verb, aux)
    if subject == "me":
        theirs = obj_text
        for name in sorted(set(names), key=len, reverse=True):
            theirs = re.sub(rf"\b{re.escape(name)}['’]s\b", "their", theirs, flags=re.I)
        you_verb = verb_text.replace("was ", "were ")
        return f"Tell {first} you {you_verb} {theirs} — ask a follow-up question about it"
    return f"{first} {verb_text} {obj_text} — {_tail(verb_text, obj_text)}"


def _first_sentence_with_verb(text: str) -> str:
    """An impression line may hold several sentences; keep the one with the impression."""
    parts = re.split(r"(?<=[.!?])\s+", text)
    for part in parts:
        if _IMPRESSION.match(part) or _RESONATED.match(part):
            return part
    return text


def _subject_kind(subj: str, names: Sequence[str]) -> str:
    words = {w.lower().replace("’", "'") for w in _WORD.findall(subj)}
    if words & {"i", "i'd", "i'm", "i've", "me"}:
        return "me"
    return "them"


def _object(obj: str, names: Sequence[str]) -> str:
    out = swap_person(clip(obj, 12))
    if out.lower().strip(" .!") in _PRONOUNS:
        return ""  # "... and loved it": the thing is elsewhere in the sentence
    compressed = _JOB_COMPRESS.match(out)
    if compressed:
        out = f"your {compressed.group('thing').strip()}"
    return out.strip().rstrip(".,;:!")


def _verb(verb: str, aux: str) -> str:
    v = _SPACES.sub(" ", verb.lower())
    present = aux in ("is", "are", "seems", "'s", "’s")
    be = "is" if present else "was"
    if v.startswith("impressed"):
        prep = v.split()[-1]
        return f"{be} impressed {'by' if prep == 'with' else prep}"
    if v.startswith(("excited", "keen", "enthusiastic", "interested")):
        return f"{be} {v}"
    if "fan of" in v:
        return "is a fan of"
    if v.startswith("lit up"):
        return v
    return v


def _tail(verb: str, obj: str) -> str:
    """What to do with the impression: share an update on your own thing, ask about theirs."""
    lower = obj.lower()
    words = set(_WORD.findall(lower))
    mine = lower.startswith(("your ", "the ")) or "resonated" in verb
    if lower.startswith(("that you", "you ", "you'")):
        return "build on that in your next message"
    if mine and "your" in words | {"your"} and any(
        k in verb for k in ("impressed", "liked", "loved", "enjoyed", "appreciated", "praised",
                            "valued", "admired", "resonated")
    ):
        for key, nouns in _OWN_THING.items():
            if any((noun in words) if " " not in noun else (noun in lower) for noun in nouns):
                return _TAILS[key]
        if "your" in words:
            return "bring it up again and share what's happened since"
    if any(k in verb for k in ("excited", "keen", "enthusiastic", "lit up")):
        return "ask how it's going"
    if "interested" in verb:
        return "send them something useful on it"
    if "fan of" in verb:
        return "ask what they're into lately"
    return "pick the thread up again"


def _capital(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


# -- conversation topics ----------------------------------------------------------------------

_TOPIC = re.compile(
    r"\b(?:talked|chatted|spoke|talking|chatting|discussed|discussing|covered|compared notes)"
    r"\s+(?:with\s+(?:\w+\s+){1,3}?(?=about\s|on\s))?(?:about\s+|on\s+)?(?P<obj>.+)$",
    re.IGNORECASE,
)


def topic_after(text: str) -> str | None:
    """What a log line says you talked about ("coffee — talked about her move" -> "her move")."""
    match = _TOPIC.search(clean(text))
    if match is None:
        return None
    topic = swap_person(clip(match.group("obj"), 10))
    return topic or None


def join_words(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    seq = list(items)
    if len(seq) <= 1:
        return "".join(seq)
    return ", ".join(seq[:-1]) + " and " + seq[-1]

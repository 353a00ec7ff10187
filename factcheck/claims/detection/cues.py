"""Interpretable cues: the words that make a sentence checkable, or not.

Each cue is a regular expression over one sentence. A match becomes a
:class:`Reason` that names the triggering words and their offsets, so a
reviewer sees *why* a sentence scored as it did; the same matches become
binary features of the scoring model (see :mod:`.features`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTHS = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_NUMBER = (
    r"(?:[$€£¥]\s?)?\d+(?:[.,]\d+)*(?:\s?(?:%|percent|per\s?cent))?"
    r"(?:\s(?:hundred|thousand|million|billion|trillion)s?)?"
)
_WORD_NUMBER = (
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundred|dozen|dozens|hundreds|thousands|millions|"
    r"billions|half|a third|a quarter|twice|double|triple)(?:\s(?:hundred|thousand|million|billion|"
    r"trillion))?\b"
)
# Words that may follow a number and tell what is counted ("500 heavy weapons").
_COUNTED = (
    r"(?:\s(?!(?:to|and|or|of|in|on|at|by|the|a|an|that|this|from|with|for)\b)[a-z][\w-]*){0,2}"
)
_TITLES = (
    r"(?:President|Vice President|Prime Minister|Minister|Secretary|Senator|Sen\.|Governor|Gov\.|"
    r"Mayor|Ambassador|ambassador|envoy|Envoy|Chancellor|King|Queen|Prince|General|Gen\.|"
    r"Chairman|Chairwoman|Chair|Chief|CEO|Director|Commissioner|Judge|Justice|Representative|"
    r"Rep\.|Congressman|Congresswoman|Speaker|Leader|spokesman|spokeswoman|spokesperson|"
    r"Dr\.|Professor|Prof\.|Pope|Archbishop|Attorney General|Defen[cs]e Minister)"
)
_NAME = r"[A-Z][\w'’.-]+(?:\s(?:al-|bin\s|de\s|van\s|von\s)?[A-Z][\w'’-]+){1,3}"

# (code, kind, pattern, message). ``kind`` is None for cues that lower a score.
_CUES: tuple[tuple[str, str | None, str, str], ...] = (
    (
        "quantity",
        "quantity",
        rf"(?:\b(?:over|more than|less than|fewer than|nearly|almost|about|around|roughly|"
        rf"approximately|at least|up to|some|a|an)\s)?(?<![\w.])(?:{_NUMBER}|{_WORD_NUMBER})"
        rf"(?!\d)(?<!\b(?:19|20)\d\d){_COUNTED}",
        "states a quantity that can be checked against data",
    ),
    (
        "date",
        "date/event",
        rf"\b(?:(?:from\s)?{_MONTHS}\s{_DAY}(?:\s?(?:to|-|–|and)\s?{_DAY})?(?:,?\s\d{{4}})?|"
        rf"(?:in|since|by|until|before|after|during|of|from)\s(?:the\s)?(?:early\s|late\s|mid-)?"
        rf"(?:1[89]|20)\d\d(?:s|\s?(?:to|-|–)\s?(?:1[89]|20)?\d\d)?\b|"
        rf"(?i:last|this|next|earlier in|later in|in)\s(?:{_MONTHS}|year|month|week|decade|"
        rf"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
        rf"on\s(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
        rf"in recent years|(?:19|20)\d\d\b)",
        "places an event at a date or period",
    ),
    (
        "title",
        "identity/title",
        rf"\b{_TITLES}(?:\s(?:of|for)\s(?:the\s)?[A-Z]?[\w-]+)?,?\s{_NAME}",
        "names a person together with a title or role",
    ),
    (
        "attribution",
        "attribution/quote",
        r"\b(?:said|says|told|tells|announced|stated|claimed|reported|according to|confirmed|"
        r"declared|emphasi[sz]ed|added|testified|wrote|insisted|denied|admitted)\b(?:\s(?:the\s)?"
        r"(?:[A-Z]\w+\s)?(?:news agency|agency|reporters|journalists|press))?|"
        r"[“\"][^”\"]{12,}[”\"]",
        "attributes a statement to a source that can be asked",
    ),
    (
        "comparison",
        "comparison",
        r"\b(?:more|less|fewer|higher|lower|larger|smaller|bigger|greater|better|worse)\sthan\b|"
        r"\b(?:the\s)?(?:most|least|largest|biggest|highest|lowest|fastest|slowest|first|only|"
        r"record|worst|best)\b|\b(?:rise|rose|risen|increase[ds]?|decrease[ds]?|decline[ds]?|"
        r"fell|fallen|drop(?:ped)?|doubled|tripled|halved|compared)\b",
        "makes a comparison, a change or a superlative",
    ),
    (
        "causal",
        "causal",
        r"\b(?:because(?:\sof)?|due to|caused|causes|resulting in|resulted in|led to|leads to|"
        r"as a result|therefore|thanks to|blamed|exacerbated by|triggered|after)\b",
        "asserts a cause or a consequence",
    ),
    (
        "opinion",
        None,
        r"\b(?:I|we)\s(?:think|believe|feel|hope|want|wish|guess)\b|\b(?:in my (?:view|opinion)|"
        r"should|ought to|must|need to|wonderful|terrible|great|good|bad|shame|disgrace)\b",
        "sounds like an opinion or a wish rather than a fact",
    ),
    (
        "prediction",
        None,
        r"\b(?:will|won't|going to|would|could|might|may|predicted|expected|likely|"
        r"plan(?:s|ned)? to)\b",
        "looks ahead: a prediction or plan cannot be checked yet",
    ),
    (
        "vague",
        None,
        r"\b(?:worry|worried|concerns?|concerned|potential|possible|possibly|perhaps|somehow|"
        r"something|things|stuff|a lot|various|remarks?)\b",
        "is vague: worries, concerns and possibilities are hard to check",
    ),
)

# Added to the model's log-odds. The model learned its cue weights on debate
# transcripts, where nearly every news sentence would look "factual"; these
# hand-set nudges make news prose rank specific facts (figures, named office
# holders) above worries, opinions and forecasts. Checked not to lower F1 on
# the held-out ClaimBuster set (docs/claims.md).
CUE_PRIOR: dict[str, float] = {
    "quantity": 1.0,
    "title": 0.8,
    "date": 0.3,
    "vague": -1.0,
    "opinion": -1.0,
    "prediction": -0.5,
    "question": -1.5,
}

_COMPILED = tuple((code, kind, re.compile(pattern), msg) for code, kind, pattern, msg in _CUES)
# Cues made of plain word lists rarely overlap, so one scan with named groups
# finds them all: scoring speed is dominated by these scans.
_WORD_LIST_CUES = ("comparison", "causal", "opinion", "prediction", "vague")
_SEPARATE = tuple((code, regex) for code, _k, regex, _m in _COMPILED if code not in _WORD_LIST_CUES)
_COMBINED = re.compile(
    "|".join(f"(?P<{code}>{pattern})" for code, _k, pattern, _m in _CUES if code in _WORD_LIST_CUES)
)
CUE_CODES: tuple[str, ...] = (*(code for code, *_ in _CUES), "question")
KIND_ORDER: tuple[str, ...] = (
    "quantity",
    "identity/title",
    "comparison",
    "causal",
    "date/event",
    "attribution/quote",
)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a candidate scored as it did: a sentence and the words that triggered it.

    ``spans`` are ``(start, end)`` offsets into the text given to detection, so
    the words can be highlighted; ``effect`` is ``+1`` when the cue makes a
    sentence more checkable and ``-1`` when it makes it less so.
    """

    code: str
    message: str
    words: tuple[str, ...] = ()
    spans: tuple[tuple[int, int], ...] = ()
    effect: int = 1

    def to_dict(self) -> dict:
        """A JSON-ready dict."""
        return {
            "code": self.code,
            "message": self.message,
            "words": list(self.words),
            "spans": [list(span) for span in self.spans],
            "effect": self.effect,
        }


def find_cues(sentence: str, offset: int = 0) -> dict[str, list[tuple[int, int]]]:
    """Map each cue code found in ``sentence`` to its ``(start, end)`` spans.

    ``offset`` is added to every span, so spans point into the whole text.
    """
    found: dict[str, list[tuple[int, int]]] = {}
    for code, regex in _SEPARATE:
        spans = [
            (m.start() + offset, m.end() + offset)
            for m in regex.finditer(sentence)
            if m.group().strip()
        ]
        if spans:
            found[code] = spans
    for m in _COMBINED.finditer(sentence):
        found.setdefault(m.lastgroup, []).append((m.start() + offset, m.end() + offset))
    if "title" in found:
        found["title"] = [
            (_extend_title(sentence, s - offset) + offset, e) for s, e in found["title"]
        ]
    if "quantity" in found and "date" in found:
        # Day numbers inside a date ("April 1") are not quantities of their own.
        dates = found["date"]
        kept = [q for q in found["quantity"] if not any(d[0] <= q[0] < d[1] for d in dates)]
        if kept:
            found["quantity"] = kept
        else:
            del found["quantity"]
    if sentence.rstrip(" \"'”’)]").endswith("?"):
        end = len(sentence.rstrip())
        found["question"] = [(offset + end - 1, offset + end)]
    return found


# Capitalised words that start sentences rather than qualify a title.
_NOT_IN_TITLE = frozenset(
    [
        "The",
        "A",
        "An",
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "You",
        "In",
        "On",
        "At",
        "By",
        "For",
        "From",
        "As",
        "But",
        "And",
        "Or",
        "So",
        "Then",
        "Earlier",
        "Later",
        "Last",
        "This",
        "That",
        "Meanwhile",
        "While",
        "When",
        "After",
        "Before",
    ]
)


# Lower-case words that belong to a role ("special envoy", "former president").
_TITLE_QUALIFIERS = frozenset(
    [
        "special",
        "former",
        "acting",
        "deputy",
        "senior",
        "chief",
        "foreign",
        "defense",
        "defence",
        "interior",
        "finance",
        "prime",
        "vice",
        "top",
        "new",
        "outgoing",
        "incoming",
        "interim",
        "assistant",
        "associate",
        "executive",
    ]
)


def _extend_title(sentence: str, start: int) -> int:
    """Move a title's start left over the words that qualify it.

    "the Russian special envoy" gives "Russian special envoy": capitalised
    words, and one lower-case role word ("special", "former"…) right before
    the title when a capitalised word precedes it. Done by hand because a
    regex that looks back this way is slow on every sentence.
    """
    words = sentence[:start].split(" ")[-5:-1]  # the last item is the empty tail
    taken = pending = 0
    for i, word in enumerate(reversed(words)):
        if not word.isalpha():
            break
        if word[0].isupper() and word not in _NOT_IN_TITLE:
            taken += pending + len(word) + 1
            pending = 0
        elif i == 0 and word in _TITLE_QUALIFIERS:
            pending = len(word) + 1
        else:
            break
    return start - taken


def explain(text: str, cues: dict[str, list[tuple[int, int]]], offset: int = 0) -> list[Reason]:
    """Turn found cues into reviewer-facing reasons, checkable ones first.

    ``text`` starts at ``offset`` in the text the cue spans point into.
    """
    reasons = []
    for code, kind, _regex, message in _COMPILED:
        spans = cues.get(code)
        if not spans:
            continue
        words = tuple(text[s - offset : e - offset].strip() for s, e in spans)
        quoted = ", ".join(f"“{_short(w)}”" for w in dict.fromkeys(words))
        reasons.append(
            Reason(
                code=code,
                message=f"{message.capitalize()}: {quoted}.",
                words=words,
                spans=tuple(spans),
                effect=1 if kind else -1,
            )
        )
    if "question" in cues:
        spans = tuple(cues["question"])
        reasons.append(Reason("question", "Is a question, not an assertion.", ("?",), spans, -1))
    return reasons


def _short(words: str, limit: int = 60) -> str:
    """Words for a reason's message: no outer quote marks, long quotes elided."""
    words = words.strip('“”"')
    return words if len(words) <= limit else words[: limit - 10].rstrip() + " … " + words[-8:]


def kind_of(cues: dict[str, list[tuple[int, int]]]) -> str:
    """The candidate's kind: the most specific checkable cue present, else ``other``."""
    by_kind = {kind: code for code, kind, *_ in _CUES if kind}
    for kind in KIND_ORDER:
        if by_kind[kind] in cues:
            return kind
    return "other"


def prior(cues: dict[str, list[tuple[int, int]]]) -> float:
    """The hand-set log-odds nudge for the cues present (see ``CUE_PRIOR``)."""
    return sum(CUE_PRIOR.get(code, 0.0) for code in cues)

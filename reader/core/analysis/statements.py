"""Who said what: attributed statements in English news text.

A statement is a speaker (a named person, or an institution such as "China's Foreign
Ministry"), a reporting verb (said, added, stressed, called on, …) and what was said
(a quotation or reported speech), with the exact character span of what was said in the
article's text.

Precision comes before recall: a wrong speaker is worse than a missed statement. So a
statement is only taken from a few well-understood sentence shapes —

- ``SPEAKER [also] VERB [adverbial] [that] CLAUSE.`` ("Mr Xi said in the message that …",
  "Putin also stressed the importance of …", "Xi called on Russia to …");
- ``CLAUSE, SPEAKER VERB.`` and ``CLAUSE, VERB SPEAKER.`` ("…, the Russian president
  added.", "…, said Lavrov.");
- ``OPENING, SPEAKER VERB, CLAUSE.`` ("In the new year, Mr Xi said, he stands ready …");

— and the speaker must be resolved without doubt: a full name, or a short reference that
points to exactly one person named earlier in the article ("Mr Xi", "Putin", "the
Russian president" when only one person so titled was named), or "he"/"she" for the
person who last spoke or was last the subject of a sentence. Plural and compound
subjects ("They", "Xi and Putin") give no statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.core.analysis.sentences import sentence_spans

__all__ = [
    "EXTRACTOR_VERSION",
    "NO_NAMES",
    "VERBS",
    "ArticleStatement",
    "KnownNames",
    "Statement",
    "extract_statements",
]

#: Raised whenever the extractor finds different statements: stored ones are found anew.
EXTRACTOR_VERSION = 1
#: Longest sentence read, in characters (news sentences are far shorter).
MAX_SENTENCE = 1500

#: Reporting verbs, as they appear in text (phrasal ones with their particle).
VERBS: tuple[str, ...] = (
    "said", "says", "added", "adds", "stressed", "stresses", "emphasized", "emphasised",
    "emphasizes", "emphasises", "noted", "notes", "told", "tells", "stated", "states",
    "declared", "announced", "confirmed", "confirms", "vowed", "vows", "pledged",
    "pledges", "promised", "promises", "called on", "calls on", "called for", "calls for",
    "urged", "urges", "expressed", "expresses", "warned", "warns", "insisted", "insists",
    "argued", "argues", "claimed", "claims", "explained", "pointed out", "points out",
    "asserted", "reiterated", "reiterates", "acknowledged", "admitted", "denied",
    "denies", "mentioned", "mentions", "highlighted", "underlined", "underscored",
    "remarked", "replied", "responded", "wrote", "reported", "hailed", "praised",
    "welcomed the", "proposed", "suggested", "agreed", "affirmed", "assured",
)  # fmt: skip
#: Verbs whose object is the listener ("told reporters that …").
_OBJECT_VERBS = frozenset({"told", "tells", "assured", "reminded"})
#: Verbs that also close a sentence after what was said ("…, Xi said.").
_TRAILING = ("said", "says", "added", "adds", "noted", "stressed", "explained", "insisted",
             "warned", "told reporters", "told journalists", "wrote", "replied",
             "continued", "concluded", "argued", "emphasized", "emphasised")  # fmt: skip

_TITLES = (
    "President", "Vice President", "Premier", "Prime Minister", "Deputy Prime Minister",
    "Chancellor", "Minister", "Foreign Minister", "Defence Minister", "Defense Minister",
    "Ambassador", "Envoy", "Special Envoy", "Spokesperson", "Spokesman", "Spokeswoman",
    "Secretary", "Secretary-General", "Secretary General", "State Councilor",
    "State Councillor", "Chairman", "Chairwoman", "Chair", "Governor", "Mayor", "Senator",
    "General", "Admiral", "Director", "Chief", "Commissioner", "Councilor", "Counselor",
    "King", "Queen", "Prince", "Sheikh", "Leader", "Head", "Deputy", "Adviser", "Advisor",
    "Aide", "Professor", "Dr", "Mr", "Mrs", "Ms", "Madam", "Sir", "Dame", "Counterpart",
)  # fmt: skip
_TITLE_WORDS = frozenset(w.lower() for t in _TITLES for w in re.split(r"[\s-]+", t)) | {
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "ambassador",
    "minister",
    "president",
}
#: Heads of descriptions that stand for a person ("the Russian president").
_ROLE_HEADS = frozenset({
    "president", "premier", "minister", "ambassador", "envoy", "spokesperson",
    "spokesman", "spokeswoman", "chancellor", "secretary", "leader", "chairman",
    "governor", "mayor", "diplomat", "official", "counterpart", "head", "chief",
})  # fmt: skip
#: Heads of institution names ("China's Foreign Ministry", "the Kremlin").
_INSTITUTION_HEADS = (
    "Ministry", "Kremlin", "Government", "Council", "Office", "Embassy", "Commission",
    "Committee", "Agency", "Department", "Administration", "Cabinet", "Parliament",
    "Duma", "Congress", "Senate", "Assembly", "Bank", "Court", "Army", "Navy", "Party",
    "Secretariat", "Organization", "Organisation", "Bureau", "Service", "Mission",
    "Consulate", "White House", "State Department", "Pentagon", "NATO", "Xinhua", "TASS",
)  # fmt: skip
#: Words between a subject and its verb that change nothing.
_ADVERBS = (
    r"(?:also|further|first|later|then|again|once|repeatedly|previously|earlier|"
    r"recently|publicly|separately|reportedly|has|had|have|also has|has also|had also)"
)
#: Words that begin a sentence but are no names ("In", "On", "The", …).
_NOT_NAMES = frozenset({
    "In", "On", "At", "The", "A", "An", "And", "But", "For", "From", "With", "As", "After",
    "Before", "During", "When", "While", "If", "This", "That", "These", "Those", "It",
    "Its", "He", "She", "They", "We", "I", "You", "His", "Her", "Their", "Our", "Both",
    "Calling", "According", "Speaking", "Meanwhile", "However", "Also", "Earlier",
    "Later", "Last", "Next", "New", "Monday", "Tuesday", "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday", "January", "February", "March", "April", "May",
    "June", "July", "August", "September", "October", "November", "December", "Year",
})  # fmt: skip
_NATIONALITIES_PATTERN = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"

_WORD = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
# A person: optional title words (each capitalised, "to China"/"of Defence" allowed),
# then a name of one to three capitalised words.
#: Lower-case words inside a title ("Chinese foreign ministry spokesman Lin Jian").
_TITLE_LOWER = ("foreign", "ministry", "defence", "defense", "state", "deputy", "vice",
                "senior", "former", "party", "central", "bank", "finance", "trade",
                "commerce", "economy", "economic", "military", "affairs")  # fmt: skip
_ROLE_WORD = "|".join(sorted((*_ROLE_HEADS, *_TITLE_LOWER)))
_PERSON = re.compile(
    rf"(?P<title>(?:(?:{_WORD}|[A-Z]{{2,}}|{_ROLE_WORD})(?:\s+(?:to|of|for)\s+{_WORD})?\s+)*)"
    rf"(?P<name>{_WORD}(?:\s+{_WORD}){{0,2}})$"
)
_DESCRIPTION = re.compile(
    r"(?:^|\s)[Tt]he\s+(?P<mods>(?:[A-Za-z]+(?:-[A-Za-z]+)?\s+){0,3})(?P<head>[a-z]+)$",
)
_INSTITUTION = re.compile(
    rf"(?P<inst>(?:(?:{_WORD}|[A-Z]{{2,}})'s\s+)?(?:[Tt]he\s+)?(?:(?:{_WORD}|[A-Z]{{2,}})\s+){{0,4}}"
    rf"(?:{'|'.join(re.escape(h) for h in _INSTITUTION_HEADS)})"
    # "General Administration of Customs", "Ministry of Foreign Affairs"
    rf"(?:\s+(?:of|for)\s+(?:the\s+)?{_WORD}(?:\s+(?:and\s+)?{_WORD}){{0,3}})?)$"
)
_PRONOUN = re.compile(r"(?:^|\s)(?P<pronoun>[Hh]e|[Ss]he)$")

_VERB_ALTERNATION = "|".join(re.escape(v) for v in sorted(VERBS, key=len, reverse=True))
# SUBJECT VERB …: the verb, then an optional short adverbial and "that".
_LEADING_VERB = re.compile(
    rf"(?:\s+{_ADVERBS})*\s+(?P<verb>{_VERB_ALTERNATION})\b"
    # "said in the message that …", "said last week that …": a short adverbial only
    # when "that" follows it; else what was said starts right after the verb.
    r"(?:(?P<adverbial>\s+(?:in|on|at|during|last|this|earlier|later|after|before|"
    r"while|when|today|yesterday)\b[^,.;:\"“”]{0,60}?),?\s+that\s+|,?\s+(?:that\s+)?)"
)
_TRAILING_VERBS = "|".join(re.escape(v) for v in sorted(_TRAILING, key=len, reverse=True))
_WHEN = r"(?:\s+(?:on|in|at|last|after|before|during|following|when|while)\s+[^,.]{1,40})?"
_TRAILING_ATTRIBUTION = re.compile(
    rf"[,”\"]\s*[”\"]?\s+(?:(?P<subj>[^,]{{1,80}}?)\s+(?:{_ADVERBS}\s+)?(?P<verb>{_TRAILING_VERBS})"
    rf"{_WHEN}|(?P<verb2>said|added|says)\s+(?P<subj2>[^,]{{1,80}}?){_WHEN}(?:,\s+[^,]{{1,80}})?)"
    # "…," Wang said, adding that …: the quotation is what was said.
    r"(?:,\s+adding\b.*|\s*[.!?][”\"]?\s*)$"
)
# "…, the Kremlin said, after talks …": an attribution inside the sentence.
_MIDDLE_ATTRIBUTION = re.compile(
    r",\s+(?P<subj>[^,]{1,60}?)\s+(?P<verb>said|says|added|reported),\s+"
    r"(?:after|as|when|while|following|before|in|citing)\b"
)
_ACCORDING = re.compile(r"^According to (?P<subj>[^,]{1,60}),\s+")
_SAYING = re.compile(r",\s+saying(?:\s+that)?\s+")
_PARENTHETICAL = re.compile(
    r",\s+(?P<subj>[^,]{1,60}?)\s+(?P<verb>said|says|added|noted|stressed),\s+"
)
_VERB_HINT = re.compile(rf"\b(?:{_VERB_ALTERNATION}|{_TRAILING_VERBS}|According to|saying)\b")


@dataclass(frozen=True, slots=True)
class Statement:
    """One attributed statement: ``text`` is ``article_text[start:end]``."""

    speaker: str
    verb: str
    text: str
    start: int
    end: int
    #: "person" or "institution".
    kind: str = "person"
    #: A direct quotation (in quotation marks) or reported speech.
    quote: bool = False


@dataclass(frozen=True, slots=True)
class ArticleStatement:
    """A statement as the library lists it: with its article and the article's date."""

    article_id: int
    speaker: str
    kind: str
    verb: str
    text: str
    start: int
    end: int
    quote: bool
    date: str | None


@dataclass(slots=True)
class _Person:
    name: str
    tokens: frozenset[str]
    titles: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class KnownNames:
    """Names known before reading an article (from the name-spelling table): a person's
    single name → their full name ("putin" → "Vladimir Putin"), and organisations."""

    people: dict[str, str] = field(default_factory=dict)
    organisations: frozenset[str] = frozenset()


NO_NAMES = KnownNames()


@dataclass(slots=True)
class _Context:
    """What the article has said so far: its people, who spoke or acted last."""

    names: KnownNames = NO_NAMES
    people: list[_Person] = field(default_factory=list)
    last_person: _Person | None = None
    last_institution: str | None = None

    def from_table(self, word: str) -> _Person | None:
        """A person the name table knows by this single name, as the article's own."""
        full = self.names.people.get(word.lower())
        if full is None:
            return None
        tokens = frozenset(w.lower() for w in full.split())
        for person in self.people:
            if person.tokens == tokens:
                return person
        person = _Person(name=full, tokens=tokens)
        self.people.append(person)
        return person

    def person_named(self, name: str, titles: str) -> _Person | None:
        words = name.split()
        title_words = {w.lower() for w in re.split(r"[\s-]+", titles) if w}
        tokens = frozenset(w.lower() for w in words)
        known = [p for p in self.people if tokens <= p.tokens]
        if len(words) == 1:
            if len({p.name for p in known}) > 1:
                return None  # two people share that name: no guessing
            if known:
                known[0].titles |= title_words
                return known[0]
            table = self.from_table(name)
            if table is not None:
                table.titles |= title_words
                return table
            if not title_words & _TITLE_WORDS:
                return None  # "Analysts", "Reuters": not a person we know
        elif known:
            person = max(known, key=lambda p: len(p.tokens))
            person.titles |= title_words
            return person
        person = _Person(name=name, tokens=tokens, titles=title_words)
        self.people.append(person)
        return person

    def known(self, name: str) -> _Person | None:
        """The one person already named whose name holds these words."""
        tokens = frozenset(w.lower() for w in name.split())
        found = {p.name: p for p in self.people if tokens <= p.tokens}
        if not found and len(tokens) == 1:
            return self.from_table(name)
        return next(iter(found.values())) if len(found) == 1 else None

    def described(self, mods: str, head: str) -> _Person | None:
        """The one person whose titles hold every word of "the Russian president"."""
        words = {w.lower() for w in mods.split()} | {head.lower()}
        found = [p for p in self.people if words <= p.titles]
        return found[0] if len(found) == 1 else None


def extract_statements(text: str, names: KnownNames = NO_NAMES) -> list[Statement]:
    """The attributed statements of an article's text, in order."""
    if not _VERB_HINT.search(text):
        return []  # nothing is reported in it (most of a generated corpus)
    context = _Context(names=names)
    found: list[Statement] = []
    for start, end in sentence_spans(text):
        if end - start > MAX_SENTENCE:
            continue  # not prose (a table, a pasted log): and no work quadratic in it
        sentence = text[start:end]
        _learn_people(sentence, context)
        statement = _statement(sentence, start, context) if _VERB_HINT.search(sentence) else None
        if statement is not None:
            found.append(statement)
        else:
            _note_subject(sentence, context)
    return found


_SUBJECT_START = re.compile(
    rf"(?P<subject>(?:(?:{_WORD}|{_ROLE_WORD})\s+){{0,4}}{_WORD})\s+(?:{_ADVERBS}\s+)?[a-z]+"
)


def _note_subject(sentence: str, context: _Context) -> None:
    """A sentence that opens with a person ("Lavrov met Wang Yi …") makes that person
    the one a following "he" means; one that opens with anyone else forgets it."""
    if not context.people and context.last_person is None:
        first = sentence.split(None, 1)[0] if sentence.strip() else ""
        if first.lower() not in context.names.people:
            return  # nobody named yet, nor a name the table knows: nobody to remember
    match = _SUBJECT_START.match(sentence)
    person = None
    if match is not None and " and " not in match.group("subject"):
        _title, name = _split_title(match.group("subject"))
        if name is not None:
            person = context.known(name)
    if person is not None:
        context.last_person = person
    elif not sentence.startswith(("He ", "She ", "His ", "Her ")):
        context.last_person = context.last_person if _mentions_no_one(sentence, context) else None


# -- sentences ---------------------------------------------------------------------------


_ROLE_BEFORE_NAME = re.compile(
    rf"(?P<mods>(?:(?:{_WORD})\s+){{0,2}})(?P<role>{'|'.join(sorted(_ROLE_HEADS))})\s+"
    rf"(?P<name>{_WORD}(?:\s+{_WORD}){{0,2}})"
)
_TITLE_BEFORE_NAME = re.compile(rf"\b(?P<title>{_WORD})\s+(?P<name>{_WORD})\b")


def _mentions_no_one(sentence: str, context: _Context) -> bool:
    """Whether no person named so far (nor a new full name) appears in ``sentence``."""
    words = set(re.findall(r"[A-Z][a-z]+", sentence))
    return not any(p.tokens & {w.lower() for w in words} for p in context.people)


_CAPS_PAIR = re.compile(rf"{_WORD}\s+[A-Z]")
_ROLE_HINT = re.compile(rf"\b(?:{'|'.join(sorted(_ROLE_HEADS))})\s+[A-Z]")
_FULL_NAME = re.compile(
    rf"(?P<title>(?:(?:{_WORD})(?:\s+(?:to|of|for)\s+{_WORD})?\s+)*)"
    rf"(?P<name>{_WORD}\s+{_WORD}(?:\s+{_WORD})?)"
)


def _learn_people(sentence: str, context: _Context) -> None:
    """Register full names with their titles ("Russian Ambassador to China Andrei
    Denisov", "his Russian counterpart Vladimir Putin"), so that later short references
    resolve ("Mr Xi", "the Russian president"); titles given to a known name later
    ("President Putin") are learnt too."""
    pairs = _CAPS_PAIR.search(sentence) is not None
    if not pairs and _ROLE_HINT.search(sentence) is None:
        return  # no name of two words, no role before a name: nothing to learn
    for match in _ROLE_BEFORE_NAME.finditer(sentence):
        name = match.group("name")
        if len(name.split()) >= 2 and _looks_like_person(name):
            context.person_named(name, f"{match.group('mods')} {match.group('role')}")
        else:
            known = context.known(name)
            if known is not None:
                known.titles |= {w.lower() for w in match.group("mods").split()}
                known.titles.add(match.group("role"))
    if not pairs:
        return
    for match in _TITLE_BEFORE_NAME.finditer(sentence):
        if match.group("title").lower() in _TITLE_WORDS:
            known = context.known(match.group("name"))
            if known is not None:
                known.titles.add(match.group("title").lower())
    for match in _FULL_NAME.finditer(sentence):
        title, name = _split_title(match.group("title") + match.group("name"))
        if name is None or len(name.split()) < 2:
            continue
        if not title and not _looks_like_person(name):
            continue
        context.person_named(name, title)


def _split_title(phrase: str) -> tuple[str, str | None]:
    """("Chinese President", "Xi Jinping") from "Chinese President Xi Jinping": the name
    is what follows the last title word."""
    words = phrase.split()
    last_title = -1
    for i, word in enumerate(words):
        if word.lower().rstrip(".") in _TITLE_WORDS or word.lower() in ("to", "of", "for"):
            last_title = i
    # "Ambassador to China Andrei Denisov": a place after "to"/"of" is the title's.
    if 0 <= last_title < len(words) - 1 and words[last_title].lower() in ("to", "of", "for"):
        last_title += 1
    name_words = [w for w in words[last_title + 1 :] if w not in _NOT_NAMES]
    if len(name_words) != len(words[last_title + 1 :]) or not name_words:
        return " ".join(words[: last_title + 1]), None
    return " ".join(words[: last_title + 1]), " ".join(name_words)


def _looks_like_person(name: str) -> bool:
    """Two or three capitalised words, none an institution or a place-like word."""
    words = name.split()
    if any(w in _NOT_NAMES for w in words):
        return False
    return not any(w in _INSTITUTION_HEADS for w in words)


# -- one sentence ------------------------------------------------------------------------


def _statement(sentence: str, offset: int, context: _Context) -> Statement | None:
    return (
        _according(sentence, offset, context)
        or _leading(sentence, offset, context)
        or _parenthetical(sentence, offset, context)
        or _trailing(sentence, offset, context)
        or _middle(sentence, offset, context)
        or _saying(sentence, offset, context)
    )


def _according(sentence: str, offset: int, context: _Context) -> Statement | None:
    """According to SPEAKER, CLAUSE."""
    match = _ACCORDING.match(sentence)
    if match is None:
        return None
    speaker = _resolve(match.group("subj"), context)
    if speaker is None:
        return None
    span = _rest(sentence, match.end(), 1)
    if span is None:
        return None
    return _make(speaker, "according to", sentence, *span, offset, False)


def _middle(sentence: str, offset: int, context: _Context) -> Statement | None:
    """CLAUSE, SUBJECT said, after …: what comes before the attribution was said."""
    match = _MIDDLE_ATTRIBUTION.search(sentence)
    if match is None:
        return None
    speaker = _resolve(match.group("subj"), context)
    if speaker is None:
        return None
    span = _clause_before(sentence, match.start(), 4)
    if span is None:
        return None
    return _make(speaker, match.group("verb"), sentence, *span, offset, False)


def _saying(sentence: str, offset: int, context: _Context) -> Statement | None:
    """SUBJECT did something, saying [that] CLAUSE: the sentence's own subject speaks."""
    match = _SAYING.search(sentence)
    if match is None:
        return None
    subject = _SUBJECT_START.match(sentence)
    if subject is None or " and " in subject.group("subject"):
        return None
    speaker = _resolve(subject.group("subject"), context)
    if speaker is None:
        return None
    span = _rest(sentence, match.end(), 3)
    if span is None:
        return None
    return _make(speaker, "saying", sentence, *span, offset, False)


def _leading(sentence: str, offset: int, context: _Context) -> Statement | None:
    """SUBJECT VERB [that] CLAUSE — the subject at the start of the sentence or of a
    clause after a comma ("In his message, Mr Putin said …")."""
    for match in _LEADING_VERB.finditer(sentence):
        head = sentence[: match.start()]
        appositive = _APPOSITIVE.match(head)
        if appositive is not None:
            # "Alexei Likhachev, head of Rosatom, said …": the name before the commas.
            subject = appositive.group("subj")
        else:
            clause_start = max(head.rfind(", "), head.rfind(",” "), head.rfind(',"'))
            subject = head[clause_start + 1 :].strip(' ,”"') if clause_start >= 0 else head.strip()
            if clause_start >= 0 and not _opening_phrase(head[:clause_start]):
                continue
        speaker = _resolve(subject, context)
        if speaker is None:
            continue
        body_start = match.end()
        has_that = match.group(0).rstrip().endswith("that")
        if match.group("verb") in _OBJECT_VERBS:
            # "told his Russian counterpart Sergei Lavrov that …": what was said is
            # after "that"; without one, the words after the verb are the listener.
            listener = re.match(r"[^,.;:\"“”]{1,80}?\s+that\s+", sentence[body_start:])
            if listener is None:
                continue
            body_start += listener.end()
            has_that = True
        body = sentence[body_start:]
        reported = _TRAILING_ATTRIBUTION.search(body)
        if reported is not None and _resolve_quietly(reported, context):
            body = body[: reported.start()]  # "…, the ministry said in a statement."
        stripped = body.rstrip(' ,.!?”"')
        if match.group("verb") in ("welcomed the",):
            continue
        if len(stripped.split()) < 3:
            continue
        if not has_that and len(stripped.split()) < _MIN_BARE_WORDS:
            continue
        quote = stripped.startswith(("“", '"'))
        if quote:
            body_start += 1
            stripped = stripped[1:]
        end = body_start + len(stripped)
        return _make(speaker, match.group("verb"), sentence, body_start, end, offset, quote)
    return None


_APPOSITIVE = re.compile(
    rf"^(?P<subj>(?:{_WORD}\s+){{1,4}}{_WORD}),\s+(?:an?\s+|the\s+)?[a-z][^,]{{2,80}},$"
)
#: Fewest words of reported speech after a verb without "that" ("acknowledged the
#: problem on Tuesday" is an act, not a statement).
_MIN_BARE_WORDS = 5


def _resolve_quietly(match: re.Match[str], context: _Context) -> bool:
    """Whether a trailing attribution's subject is a speaker (without changing whom
    "he" means)."""
    saved = (context.last_person, context.last_institution)
    subject = (match.group("subj") or match.group("subj2") or "").strip()
    found = _resolve(subject, context) is not None
    context.last_person, context.last_institution = saved
    return found


def _opening_phrase(text: str) -> bool:
    """Whether what precedes a subject's comma is an opening phrase ("In his message",
    "Calling Putin his “good friend”") and not a clause with a subject of its own."""
    text = text.strip()
    if not text:
        return False
    first = text.split()[0]
    return first in {
        "In", "On", "At", "During", "After", "Before", "Calling", "Speaking", "Asked",
        "Addressing", "Meeting", "Referring", "Commenting", "Turning", "Later", "Earlier",
        "Meanwhile", "However", "Separately", "Also", "Furthermore", "Moreover",
        "Additionally", "Last", "This", "Overall", "Answering", "Responding", "Writing",
        "For", "As", "Noting", "Praising", "Hailing", "Welcoming",
    } or (first.endswith("ing") and first[0].isupper())  # fmt: skip


def _parenthetical(sentence: str, offset: int, context: _Context) -> Statement | None:
    """OPENING, SUBJECT VERB, CLAUSE: "In the new year, Mr Xi said, he stands ready …"."""
    match = _PARENTHETICAL.search(sentence)
    if match is None or not _opening_phrase(sentence[: match.start()]):
        return None
    speaker = _resolve(match.group("subj"), context)
    if speaker is None:
        return None
    span = _rest(sentence, match.end(), 3)
    if span is None:
        return None
    return _make(speaker, match.group("verb"), sentence, *span, offset, False)


def _trailing(sentence: str, offset: int, context: _Context) -> Statement | None:
    """CLAUSE, SUBJECT VERB. / CLAUSE, VERB SUBJECT."""
    match = _TRAILING_ATTRIBUTION.search(sentence)
    if match is None:
        return None
    subject = match.group("subj") or match.group("subj2") or ""
    verb = match.group("verb") or match.group("verb2") or ""
    speaker = _resolve(subject.strip(), context)
    if speaker is None:
        return None
    span = _clause_before(sentence, match.start(), 3)
    if span is None:
        return None
    quote = sentence.lstrip().startswith(("“", '"'))
    return _make(speaker, verb, sentence, *span, offset, quote)


def _rest(sentence: str, start: int, min_words: int) -> tuple[int, int] | None:
    """The span from ``start`` to the end of the sentence (its closing punctuation and
    quotation marks left out), if it has at least ``min_words`` words."""
    end = start + len(sentence[start:].rstrip(' .!?”"'))
    return (start, end) if len(sentence[start:end].split()) >= min_words else None


def _clause_before(sentence: str, cut: int, min_words: int) -> tuple[int, int] | None:
    """The span of what comes before an attribution at ``cut`` (quotation marks and the
    comma left out), if it has at least ``min_words`` words."""
    clause = sentence[:cut]
    start = len(clause) - len(clause.lstrip(' “"'))
    end = len(clause.rstrip(' ,”"'))
    return (start, end) if len(sentence[start:end].split()) >= min_words else None


def _make(
    speaker: tuple[str, str], verb: str, sentence: str, start: int, end: int, offset: int,
    quote: bool,
) -> Statement:  # fmt: skip
    name, kind = speaker
    return Statement(
        speaker=name,
        verb=verb,
        text=sentence[start:end],
        start=offset + start,
        end=offset + end,
        kind=kind,
        quote=quote,
    )


def _resolve(subject: str, context: _Context) -> tuple[str, str] | None:
    """The speaker a subject phrase means, or None when it is not certain."""
    subject = subject.strip()
    if not subject or len(subject) > 90 or " and " in subject or subject.lower() == "they":
        return None
    if _PRONOUN.fullmatch(subject) or subject in ("He", "She", "he", "she"):
        person = context.last_person
        return (person.name, "person") if person is not None else None
    bare = subject[4:] if subject.lower().startswith("the ") else subject
    if bare.lower() in context.names.organisations:
        context.last_institution = bare
        return bare, "institution"
    if (m := _INSTITUTION.search(subject)) and m.start() == 0:
        name = m.group("inst")
        name = name[4:] if name.lower().startswith("the ") else name
        context.last_institution = name
        return name, "institution"
    described = _DESCRIPTION.search(" " + subject)
    if described is not None and (described.start() == 0 or subject.lower().startswith("the ")):
        head = described.group("head")
        if head in _ROLE_HEADS:
            person = context.described(described.group("mods"), head)
            if person is not None:
                context.last_person = person
                return person.name, "person"
            return None
        if head in ("ministry", "government", "kremlin", "embassy", "office"):
            last = context.last_institution
            return (last, "institution") if last and head in last.lower() else None
    if m := _PERSON.search(subject):
        if m.start() != 0:
            return None
        title, name = _split_title(subject)
        if name is None:
            return None
        person = context.person_named(name, title)
        if person is None:
            return None
        context.last_person = person
        return person.name, "person"
    return None

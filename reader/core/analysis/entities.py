"""People, places and organisations named in an article, recognised offline.

Recognition is a gazetteer: the name table (resources/aliases.yaml and the user's own
names, Edit ▸ Name Spellings…) says which spellings in English, Russian and Chinese mean
one person, place or organisation. The people the statement extractor found speaking
("Andrei Denisov, Russia's ambassador, said …") are people too, even when the table does
not know them.

Why not a statistical model: none installs from PyPI with its weights and fits the
installer (spaCy's models are downloaded from GitHub and bring spaCy, thinc and numpy:
well over 100 MB), and the app must never download anything at run time. A gazetteer is
also what a reader of coverage wants here: exact, explainable and editable — a name that
is missing is added in the name table, and every article is read again.

How names are found, by script:

- Latin: the spellings as written, case-sensitive (proper nouns: "China" and not
  "china", "UN" and not "un"), or in capitals as in datelines ("VLADIVOSTOK"), as whole
  words; the longest name wins where names overlap ("Xi Jinping" over "Xi", "UN
  Security Council" is not also the UN);
- Cyrillic: capitalised words compared by their Russian stems, so that Путина, Путину
  and Путиным are all Путин and в Москве is Москва;
- Chinese: the names inside running text, longest first (中国石油天然气集团 is CNPC,
  not 中国).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import Stemmer

__all__ = [
    "ENTITY_VERSION",
    "KINDS",
    "QUERY_FIELDS",
    "Entity",
    "EntityCount",
    "Gazetteer",
    "display_name",
    "person_key",
]

#: Raised whenever recognition changes: stored entities are found anew.
ENTITY_VERSION = 1
#: The kinds of entity, as the name table spells them.
KINDS = ("person", "place", "organisation")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RE = re.compile(f"[{_HAN}]")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+(?:-[\u0400-\u04ff]+)*")
_RUSSIAN = Stemmer.Stemmer("russian")


@dataclass(frozen=True, slots=True)
class Entity:
    kind: str
    #: The name table's key ("putin"), or ``person_key(name)`` for a speaker the table
    #: does not know.
    key: str
    #: How it is shown: "Vladimir Putin", "China", "SCO".
    name: str
    #: How many times the article names it.
    mentions: int
    #: Character offset of the first mention (title mentions count from the text's end).
    first: int


@dataclass(frozen=True, slots=True)
class EntityCount:
    """An entity and how many articles name it (a facet)."""

    kind: str
    key: str
    name: str
    articles: int

    @property
    def field(self) -> str:
        """Its field in queries: ``person:``, ``place:`` or ``org:``."""
        return QUERY_FIELDS[self.kind]

    @property
    def query(self) -> str:
        """A query finding the articles that name it (``person:putin``)."""
        if self.key.startswith("~"):
            return f'{self.field}:"{self.name}"'
        return f"{self.field}:{self.key}"


#: The query field of each kind of entity.
QUERY_FIELDS = {"person": "person", "place": "place", "organisation": "org"}


def person_key(name: str) -> str:
    """The key of a person the name table does not know: their name, in lower case."""
    return "~" + "-".join(name.lower().split())


def display_name(kind: str | None, names: Sequence[str]) -> str:
    """How a group of the name table is shown: a person by their full Latin name
    ("Vladimir Putin"), anything else by its first Latin name ("China", "SCO")."""
    latin = [n for n in names if n.isascii()] or list(names)
    if kind == "person":
        full = next((n for n in latin if " " in n), None)
        if full is not None:
            return full
    return latin[0] if latin else ""


def _stem(word: str) -> str:
    return str(_RUSSIAN.stemWord(word.lower().replace("ё", "е")))


def _spaced(name: str) -> str:
    """A Latin name as a pattern: any run of spaces between its words."""
    return r"\s+".join(re.escape(p) for p in name.split())


def _boundaries(name: str) -> str:
    """A Latin name as a pattern of whole words."""
    return _WHOLE.format(_spaced(name))


#: Whole words; the lookahead lets the engine skip every position that cannot start a
#: name (lower-case letters, spaces) at once, instead of trying each name there.
_WHOLE = r"(?<![\w.])(?=[^\W_a-z])(?:{})(?![\w]|\.\w)"


class Gazetteer:
    """Names to recognise: groups of (key, kind, names). Built once per name table."""

    def __init__(self, groups: Iterable[tuple[str, str | None, Sequence[str]]]) -> None:
        self._kinds: dict[str, str] = {}
        self._shown: dict[str, str] = {}
        latin: dict[str, str] = {}
        han: dict[str, str] = {}
        capitals: dict[str, str] = {}
        self._cyrillic: dict[tuple[str, ...], str] = {}
        digest = hashlib.blake2b(digest_size=12)
        digest.update(str(ENTITY_VERSION).encode())
        for key, kind, names in sorted(groups, key=lambda g: g[0]):
            if kind not in KINDS or not names:
                continue
            self._kinds[key] = kind
            self._shown[key] = display_name(kind, names)
            digest.update(f"\0{key}\0{kind}".encode())
            for name in names:
                name = " ".join(name.split())
                if not name:
                    continue
                digest.update(f"\1{name}".encode())
                if _HAN_RE.search(name):
                    han.setdefault(name, key)
                elif _CYRILLIC_RE.search(name):
                    stems = tuple(_stem(w) for w in _CYRILLIC_WORD.findall(name))
                    if stems:
                        self._cyrillic.setdefault(stems, key)
                else:
                    latin.setdefault(name, key)
                    # Datelines and headlines in capitals: "VLADIVOSTOK, Russia (Reuters)".
                    if len(name) >= 4 and name.upper() != name:
                        capitals.setdefault(name.upper(), key)
        for name, key in capitals.items():
            latin.setdefault(name, key)
        self.digest = digest.hexdigest()
        self._latin_names = latin
        self._han_names = han
        self._latin = _alternation(latin, _spaced, _WHOLE)
        self._han = _alternation(han, re.escape, "{}")
        self._longest_cyrillic = max((len(s) for s in self._cyrillic), default=0)
        self._cyrillic_firsts = {s[0] for s in self._cyrillic}

    def __len__(self) -> int:
        return len(self._kinds)

    def kind_of(self, key: str) -> str | None:
        return self._kinds.get(key)

    def key_of(self, name: str) -> str | None:
        """The key of the group a name as written belongs to ("Putin" → "putin")."""
        name = " ".join(name.split())
        if _HAN_RE.search(name):
            return self._han_names.get(name)
        if _CYRILLIC_RE.search(name):
            return self._cyrillic.get(tuple(_stem(w) for w in _CYRILLIC_WORD.findall(name)))
        return self._latin_names.get(name)

    def find(self, text: str, *, title: str = "", people: Iterable[str] = ()) -> list[Entity]:
        """The entities named in an article's title and text, most mentioned first.
        ``people`` are names known to be people (the article's speakers)."""
        counts: dict[str, int] = {}
        firsts: dict[str, int] = {}
        for offset, chunk in ((0, text), (len(text), title)):
            for key, start in self._mentions(chunk):
                counts[key] = counts.get(key, 0) + 1
                firsts[key] = min(firsts.get(key, start + offset), start + offset)
        found = [
            Entity(self._kinds[key], key, self._shown[key], n, firsts[key])
            for key, n in counts.items()
        ]
        known = {e.name.lower() for e in found}
        for person in people:
            if person.lower() in known or self._is_known_person(person):
                continue
            known.add(person.lower())
            pattern = re.compile(_boundaries(person))
            first = [m.start() for m in pattern.finditer(text)]
            surname = person.split()[-1]
            mentions = len(re.findall(_boundaries(surname), text)) if " " in person else 0
            found.append(
                Entity(
                    "person",
                    person_key(person),
                    person,
                    max(1, len(first), mentions),
                    first[0] if first else 0,
                )
            )
        found.sort(key=lambda e: (-e.mentions, e.first, e.key))
        return found

    def _is_known_person(self, name: str) -> bool:
        key = self._latin_names.get(name)
        return key is not None and self._kinds.get(key) == "person"

    def _mentions(self, text: str) -> Iterable[tuple[str, int]]:
        if self._latin is not None:
            for m in self._latin.finditer(text):
                key = self._latin_names.get(" ".join(m.group(0).split()))
                if key is not None:
                    yield key, m.start()
        if self._han is not None and _HAN_RE.search(text):
            for m in self._han.finditer(text):
                yield self._han_names[m.group(0)], m.start()
        if self._cyrillic and _CYRILLIC_RE.search(text):
            yield from self._cyrillic_mentions(text)

    def _cyrillic_mentions(self, text: str) -> Iterable[tuple[str, int]]:
        words = [(m.group(0), m.start(), m.end()) for m in _CYRILLIC_WORD.finditer(text)]
        i = 0
        while i < len(words):
            word, start, _end = words[i]
            if not word[0].isupper():
                i += 1
                continue
            stems = [_stem(word)]
            if stems[0] not in self._cyrillic_firsts:
                i += 1
                continue
            # The following words of the same name: adjacent and separated by spaces.
            j = i + 1
            while j < len(words) and len(stems) < self._longest_cyrillic:
                gap = text[words[j - 1][2] : words[j][1]]
                if gap.strip() or not words[j][0]:
                    break
                stems.append(_stem(words[j][0]))
                j += 1
            for size in range(len(stems), 0, -1):
                key = self._cyrillic.get(tuple(stems[:size]))
                if key is not None:
                    yield key, start
                    i += size
                    break
            else:
                i += 1


def _alternation(
    names: dict[str, str], pattern: Callable[[str], str], around: str
) -> re.Pattern[str] | None:
    """One pattern for all the names, the longest first (so that it wins)."""
    if not names:
        return None
    ordered = sorted(names, key=lambda n: (-len(n), n))
    return re.compile(around.format("|".join(pattern(n) for n in ordered)))

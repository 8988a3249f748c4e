"""Name spellings across languages: ``Putin``, ``Путин`` and ``普京`` are one person.

An :class:`AliasTable` holds groups of names (people, places, organisations): the table
the app ships (``resources/aliases.yaml``) with the user's own additions and removals,
which the library keeps in its database. A query uses it two ways, both by rewriting
the query's text before it is parsed:

* ``alias:putin`` searches every name of the group ``putin``;
* with "all spellings" on, a name typed in a short query (``Putin gas``) searches
  every name of its group (``Путина`` finds the group too: names are compared by
  their indexed forms, so Russian endings do not matter).

Every name is searched as a phrase, so a name of several words keeps its order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from reader.core.errors import QueryError
from reader.core.search.analysis import STOP_WORDS, iter_words, stem_term

KINDS = ("person", "place", "organisation")

#: A pasted text is not rewritten: past this many words a query is ranked by the words
#: it shares with articles, and an OR group in it would make every other word required.
MAX_WORDS_TO_EXPAND = 6

_KEY = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
_ALIAS = re.compile(r"(?i)(?<![\w:])alias:([\w.-]+)")
_QUOTED = re.compile(r'"[^"]*"?')
_NAMED = re.compile(
    r"(?i)(?<![\w:])(person|people|place|places|org|organisation|organization|speaker|said)"
    r':("[^"]+"|[^\s()"]+)'
)


@dataclass(frozen=True, slots=True)
class AliasGroup:
    key: str
    kind: str | None
    names: tuple[str, ...]
    #: Names the user added (the rest came with the app).
    added: tuple[str, ...] = ()
    #: Shipped names the user removed.
    removed: tuple[str, ...] = ()

    def expression(self) -> str:
        """The query text that searches every name of the group."""
        quoted = [f'"{name}"' for name in self.names]
        return "(" + " OR ".join(quoted) + ")"


def clean_key(key: str) -> str:
    value = key.strip().lower().replace(" ", "-")
    if not _KEY.match(value):
        raise QueryError(
            f"“{key}” cannot be a name group: use letters, digits and - (such as putin or wang-yi)"
        )
    return value


def clean_name(name: str) -> str:
    value = " ".join(name.replace('"', " ").split())
    if not value or not any(ch.isalnum() for ch in value):
        raise QueryError(f"“{name}” is not a name")
    if len(value) > 200:
        raise QueryError("a name is at most 200 characters long")
    return value


def load_shipped(path: Path) -> dict[str, AliasGroup]:
    """The table in ``path`` (YAML: key → kind, names). A broken table is a bug of the
    app's own files, reported as such."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the alias table must map keys to groups")
    groups: dict[str, AliasGroup] = {}
    for key, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("names"), list):
            raise ValueError(f"{path}: group {key!r} needs a list of names")
        kind = entry.get("kind")
        if kind not in KINDS:
            raise ValueError(f"{path}: group {key!r} has kind {kind!r}, not one of {KINDS}")
        names = tuple(dict.fromkeys(clean_name(str(n)) for n in entry["names"]))
        groups[clean_key(str(key))] = AliasGroup(clean_key(str(key)), kind, names)
    return groups


@dataclass(frozen=True, slots=True)
class UserAlias:
    """One of the user's changes to the table: a name added to (or, with ``removed``,
    taken out of) a group."""

    key: str
    name: str
    kind: str | None = None
    removed: bool = False


def _stems(name: str) -> tuple[str, ...]:
    return tuple(
        stem_term(w.lower())
        for w, _, _ in iter_words(name, query=True)
        if w.lower() not in STOP_WORDS
    )


@dataclass
class AliasTable:
    groups: dict[str, AliasGroup] = field(default_factory=dict)

    @classmethod
    def build(cls, shipped: Mapping[str, AliasGroup], changes: Iterable[UserAlias]) -> AliasTable:
        names = {key: list(group.names) for key, group in shipped.items()}
        kinds = {key: group.kind for key, group in shipped.items()}
        added: dict[str, list[str]] = {}
        removed: dict[str, list[str]] = {}
        for change in changes:
            group = names.setdefault(change.key, [])
            if change.kind and change.key not in shipped:
                kinds[change.key] = change.kind
            kinds.setdefault(change.key, change.kind)
            if change.removed:
                if change.name in group:
                    group.remove(change.name)
                    removed.setdefault(change.key, []).append(change.name)
            elif change.name not in group:
                group.append(change.name)
                added.setdefault(change.key, []).append(change.name)
        return cls(
            {
                key: AliasGroup(
                    key,
                    kinds.get(key),
                    tuple(group),
                    tuple(added.get(key, ())),
                    tuple(removed.get(key, ())),
                )
                for key, group in sorted(names.items())
                if group or key in removed
            }
        )

    def group(self, key: str) -> AliasGroup:
        found = self.groups.get(key.lower())
        if found is None or not found.names:
            raise QueryError(
                f"there is no name group “{key}”: see Edit ▸ Name Spellings in the window, or "
                "coverage-reader aliases"
            )
        return found

    def groups_of(self, name: str) -> list[AliasGroup]:
        """The groups that hold ``name`` (compared by indexed forms)."""
        stems = _stems(name)
        return [g for g in self.groups.values() if any(_stems(n) == stems for n in g.names)]

    def _by_stems(self) -> dict[tuple[str, ...], str]:
        index: dict[tuple[str, ...], str] = {}
        for key, group in self.groups.items():
            for name in group.names:
                stems = _stems(name)
                if stems:
                    index.setdefault(stems, key)
        return index

    def rewrite(self, query: str, *, all_spellings: bool) -> tuple[str, list[str]]:
        """The query with ``alias:KEY`` (and, with ``all_spellings``, every name of a
        group) replaced by its group's names; and notices saying what was widened."""
        notices: list[str] = []

        def expand(m: re.Match[str]) -> str:
            group = self.group(m.group(1))
            return group.expression()

        text = _ALIAS.sub(expand, query)

        def to_key(m: re.Match[str]) -> str:
            value = m.group(2).strip('"')
            if value.isascii():
                return m.group(0)  # indexed as written (and the key is indexed too)
            groups = self.groups_of(value)
            if len(groups) != 1:
                return m.group(0)
            return f"{m.group(1)}:{groups[0].key}"

        # ``person:путин``, ``speaker:普京``: the index holds a name's key and its Latin
        # spellings.
        text = _NAMED.sub(to_key, text)
        if not all_spellings or not self.groups:
            return text, notices
        words = list(iter_words(text, query=True))
        if len(words) > MAX_WORDS_TO_EXPAND:
            return text, notices
        # Words in quotes or after a field name are left as they are.
        fixed = [range(m.start(), m.end()) for m in _QUOTED.finditer(text)]
        free: list[tuple[str, int, int]] = []
        for word, start, end in words:
            if any(start in r for r in fixed) or text[:start].endswith(":"):
                continue
            if word in ("AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"):
                continue
            if word.lower() in STOP_WORDS:  # as in the names ("People's Republic of China")
                continue
            free.append((stem_term(word.lower()), start, end))
        index = self._by_stems()
        longest = max((len(s) for s in index), default=0)
        replacements: list[tuple[int, int, AliasGroup]] = []
        i = 0
        while i < len(free):
            for size in range(min(longest, len(free) - i), 0, -1):
                stems = tuple(stem for stem, _, _ in free[i : i + size])
                key = index.get(stems)
                if key is not None:
                    replacements.append((free[i][1], free[i + size - 1][2], self.groups[key]))
                    i += size
                    break
            else:
                i += 1
        for start, end, group in reversed(replacements):
            typed = text[start:end]
            others = [n for n in group.names if _stems(n) != _stems(typed)]
            if not others:
                continue
            text = text[:start] + group.expression() + text[end:]
            shown = ", ".join(others[:6]) + ("…" if len(others) > 6 else ".")
            notices.insert(0, f"“{typed}” was searched in all its spellings: {shown}")
        return text, notices

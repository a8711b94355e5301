"""
The actors a finder can attribute claims to, and the forms text names them by.

A directory is plain data (no database): `from_seed_file` reads it from a seed
document, `from_database` from Actor rows. Besides names and aliases it derives
the forms a newsroom text uses for an office holder ("the Chinese president",
"Russia's foreign minister") from the actor's title, and demonyms of states
("Indian officials", "the Kazakh foreign ministry").
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

# Adjectives English derives from a state's name, for states a directory may hold.
DEMONYMS = {
    "Afghanistan": ["Afghan"],
    "Azerbaijan": ["Azerbaijani"],
    "Belarus": ["Belarusian"],
    "China": ["Chinese"],
    "Egypt": ["Egyptian"],
    "India": ["Indian"],
    "Iran": ["Iranian"],
    "Kazakhstan": ["Kazakh", "Kazakhstani"],
    "Kyrgyzstan": ["Kyrgyz"],
    "Mongolia": ["Mongolian"],
    "Pakistan": ["Pakistani"],
    "Russia": ["Russian"],
    "Saudi Arabia": ["Saudi"],
    "Tajikistan": ["Tajik"],
    "Türkiye": ["Turkish"],
    "Ukraine": ["Ukrainian"],
    "United States": ["American", "US", "U.S."],
    "Uzbekistan": ["Uzbek"],
}

PERSON = "person"
STATE = "state"


@dataclass(frozen=True)
class Actor:
    """One actor as the finder sees it."""

    key: str
    name: str
    kind: str = ""
    title: str = ""
    country: str = ""  # the key of the actor's state, if any
    aliases: tuple[str, ...] = ()

    @property
    def is_person(self):
        return self.kind == PERSON


@dataclass(frozen=True)
class Match:
    """A form of an actor's name found in a phrase."""

    start: int
    end: int
    actor: Actor
    is_demonym: bool = False


@dataclass
class Directory:
    """Actors and every form a text may name them by."""

    actors: list[Actor] = field(default_factory=list)

    def __post_init__(self):
        self.by_key = {actor.key: actor for actor in self.actors}
        forms = {}  # form -> (actor, is_demonym); the first actor to claim a form keeps it
        for actor in self.actors:
            for form in self._forms(actor):
                forms.setdefault(normalise(form), (actor, False))
        for actor in self.actors:
            if actor.kind == STATE:
                for name in (actor.name, *actor.aliases):
                    for demonym in DEMONYMS.get(name, ()):
                        forms.setdefault(normalise(demonym), (actor, True))
        self.forms = forms
        # Single words match case-sensitively ("US" is not "us"); longer forms in any case.
        one_word = sorted((f for f in forms if " " not in f), key=len, reverse=True)
        phrases = sorted((f for f in forms if " " in f), key=len, reverse=True)
        self._one_word = _alternation(one_word, 0)
        self._phrases = _alternation(phrases, re.IGNORECASE)
        self._folded = {f.casefold(): v for f, v in forms.items()}

    def _forms(self, actor):
        yield actor.name
        yield from actor.aliases
        if actor.is_person and actor.title:
            yield from self._title_forms(actor)

    def _title_forms(self, actor):
        """Forms of an office holder's title: "the Chinese president", "China's president"."""
        title = actor.title
        yield title
        yield f"the {title}"
        office = re.fullmatch(r"(?P<role>.+?) of (?:the )?(?P<place>.+)", title)
        if not office:
            return
        role, place = office["role"], office["place"]
        state = self.by_key.get(actor.country)
        places = {place, *(state.aliases if state else ())} | ({state.name} if state else set())
        for name in places:
            yield f"{name}'s {role}"
            yield f"the {role} of {name}"
            for demonym in DEMONYMS.get(name, ()):
                yield f"the {demonym} {role}"
                yield f"{demonym} {role}"

    def find(self, phrase):
        """Return the forms found in phrase, longest first where they overlap, in text order."""
        text = normalise(phrase)
        found = []
        for pattern in (self._phrases, self._one_word):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                actor, is_demonym = self._folded[m.group().casefold()]
                found.append(Match(m.start(), m.end(), actor, is_demonym))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept = []
        for match in found:
            if not kept or match.start >= kept[-1].end:
                kept.append(match)
        return kept

    def get(self, key):
        return self.by_key.get(key)


def _alternation(forms, flags):
    if not forms:
        return None
    body = "|".join(re.escape(f) for f in forms)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", flags)


def normalise(text):
    """Fold the spellings that name the same thing: curly apostrophes, dotted initialisms."""
    return text.replace("’", "'").replace("U.S.", "US").replace("U.N.", "UN")


def from_documents(*documents):
    """Return the directory of the `actors` sections of seed documents (later ones add)."""
    actors = []
    for document in documents:
        for entry in document.get("actors") or []:
            actors.append(
                Actor(
                    key=str(entry["slug"]),
                    name=str(entry["name"]),
                    kind=str(entry.get("kind") or ""),
                    title=str(entry.get("title") or ""),
                    country=str(entry.get("country") or ""),
                    aliases=tuple(str(a) for a in entry.get("aliases") or ()),
                )
            )
    return Directory(actors)


def from_seed_files(*paths):
    """Return the directory of the actors in seed files, read without the database."""
    documents = []
    for path in paths:
        try:
            document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise ValueError(f"cannot read {path}: {error.strerror}") from None
        except yaml.YAMLError as error:
            raise ValueError(f"{path} is not valid YAML: {error}") from None
        if not isinstance(document, dict) or not isinstance(document.get("actors"), list):
            raise ValueError(f"{path} has no list of actors")
        documents.append(document)
    return from_documents(*documents)


def from_database():
    """Return the directory of every Actor row, with aliases and country (two queries)."""
    from briefings.models import Actor as ActorRow

    rows = ActorRow.objects.select_related("country").prefetch_related("aliases")
    return Directory(
        [
            Actor(
                key=row.slug,
                name=row.name,
                kind=row.kind,
                title=row.title,
                country=row.country.slug if row.country else "",
                aliases=tuple(alias.name for alias in row.aliases.all()),
            )
            for row in rows
        ]
    )

"""
Who a phrase before or after a cue names: an actor of the directory, or a new one.

Resolution keeps the state of one text: the speakers found so far (for "he
added", "the minister"), and every capitalised name run in the text, so a new
actor is proposed under the fullest form the text gives ("Dmitry Peskov" when
the cue says "Peskov said").
"""

import re
from dataclasses import dataclass

from briefings.suggesting.directory import normalise

PRONOUNS = {"he": "person", "she": "person", "it": "other", "his": "person", "her": "person"}
PRONOUNS |= {"its": "other"}
POSSESSIVES = {"his", "her", "its", "their"}
# Words that head an unnamed speaker: "Indian officials", "analysts", "a senior official".
GENERIC = {
    "official", "officials", "diplomat", "diplomats", "analyst", "analysts", "expert",
    "experts", "observers", "source", "sources", "critics", "authorities", "government",
    "ministry", "office", "service", "spokesman", "spokeswoman", "spokesperson", "secretariat",
    "department", "administration", "embassy", "mission", "presidency", "cabinet", "aides",
}  # fmt: skip
# Generic speakers a text may leave unnamed and still be worth proposing.
NAMEABLE_GENERIC = {"analysts", "experts", "observers", "critics", "diplomats"}
# Words of a title or an institution, not of a person's name.
TITLE_WORDS = {
    "the", "a", "an", "president", "prime", "minister", "foreign", "external", "affairs",
    "secretary-general", "secretary", "general", "spokesman", "spokeswoman", "spokesperson",
    "aide", "adviser", "advisor", "director", "chief", "chairman", "chair", "ambassador",
    "deputy", "senior", "envoy", "premier", "chancellor", "governor", "mayor", "senator",
    "state", "department", "ministry", "office", "service", "press", "council", "secretariat",
    "mr", "mrs", "ms", "dr", "king", "queen", "crown", "prince", "sheikh", "defence",
    "defense", "vice", "first", "head", "leader", "commander", "general-secretary",
}  # fmt: skip
# What a text calls a person it has named, instead of repeating the name.
PERSON_ROLES = {
    "leader", "diplomat", "expert", "analyst", "minister", "president", "spokesman",
    "spokeswoman", "spokesperson", "official", "aide", "envoy", "premier", "chancellor",
}  # fmt: skip
CALENDAR = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January",
    "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
}  # fmt: skip
ARTICLES = {"the", "a", "an", "two", "three", "several", "some", "many", "senior", "western"}
NAME_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")


def bare(word):
    """The word in lower case without a possessive ending ("India's" -> "india")."""
    word = word.lower()
    return word[:-2] if word.endswith("'s") else word.rstrip("'")


@dataclass(frozen=True)
class Speaker:
    """A suggested speaker: an actor of the directory (key set), or a new actor's name."""

    name: str
    key: str = ""
    is_person: bool = True

    @property
    def is_new(self):
        return not self.key


class Speakers:
    """Resolve speaker phrases within one text."""

    def __init__(self, text, directory):
        self.directory = directory
        self.said = []  # speakers in the order their claims were found
        text = normalise(text)
        self.names = {}  # word -> the name runs of the text that hold it
        for run in dict.fromkeys(self._name_in(run) for run in NAME_RUN.findall(text)):
            for word in run.split():
                self.names.setdefault(word, []).append(run)
        # Capitalised words seen mid-sentence: names, not words capitalised as a sentence opens.
        self.proper = {
            m.group(1) for m in re.finditer(r"(?<=[^\s.!?“\"])[ \t]+([A-Z][\w'-]*)", text)
        }

    def known(self, actor):
        return Speaker(actor.name, actor.key, actor.is_person)

    def record(self, speakers):
        self.said.extend(speakers)

    def last(self, person=None):
        for speaker in reversed(self.said):
            if person is None or speaker.is_person == person:
                return speaker
        return None

    def resolve(self, phrase, context=""):
        """Return the speakers phrase names ([] when it names none), context the text before it."""
        words = normalise(phrase).strip(" ,.;:").split()
        if words and words[0].lower() in {"and", "but", "while", "as"}:
            words = words[1:]
        if not words or len(words) > 9:
            return []
        text = " ".join(words)
        lower = [bare(w) for w in words]
        if len(words) == 1 and lower[0] in PRONOUNS:
            return self._pronoun(lower[0], context)
        if lower[0] in POSSESSIVES and lower[-1] in GENERIC:
            # "his officials": the state of the person last spoken of.
            referent = self.last(person=True) if lower[0] in {"his", "her"} else None
            actor = referent and self.directory.get(referent.key)
            country = actor and self.directory.get(actor.country)
            return [self.known(country)] if country else []
        matches = self.directory.find(text)
        if not matches and lower[-1] in NAMEABLE_GENERIC:
            kept = [w for w, low in zip(words, lower, strict=True) if low not in ARTICLES]
            return [Speaker(" ".join(kept).capitalize(), is_person=False)]
        head = re.match(r"(.+?)\s+(?:of|in|on|at|from|for|with)\s", text)
        titled = head and all(bare(w) in TITLE_WORDS for w in head.group(1).split())
        if titled and re.search(r"[A-Z][\w'-]+$", text):
            head = None  # "President of Belarus Alexander Lukashenko": a title, then the name
        if head and not (len(matches) == 1 and matches[0].end - matches[0].start == len(text)):
            # "Alexander Gabuev of the Carnegie Center", "Nobody in Astana": the head speaks.
            return self.resolve(head.group(1), context)
        name = self._trailing_name(text, matches)
        if name:
            name = self._fullest(name)
            if name in CALENDAR:
                return []
            if " " in name or name.isupper() or name in self.proper:
                return [Speaker(name)]
            return []
        if matches:
            return self._matched(text, matches)
        if lower[0] == "the" and len(words) <= 3:
            return self._by_role(lower[1:])
        return []

    def _pronoun(self, pronoun, context):
        if PRONOUNS[pronoun] == "person":
            speaker = self.last(person=True)
            return [speaker] if speaker else []
        # "what it called": the nearest institution named just before, else the last one to speak.
        mentions = [m for m in self.directory.find(context) if not m.actor.is_person]
        if mentions:
            return [self.known(mentions[-1].actor)]
        speaker = self.last(person=False)
        return [speaker] if speaker else []

    def _by_role(self, role_words):
        """ "the minister": the last speaker whose title holds those words.

        A person's role with no such title ("the diplomat", "the Belarusian leader")
        refers back, as "he" does, to the last person who spoke.
        """
        role = " ".join(role_words)
        for speaker in reversed(self.said):
            actor = self.directory.get(speaker.key)
            if actor and role in actor.title.lower():
                return [speaker]
        if role_words and role_words[-1] in PERSON_ROLES:
            return self._pronoun("he", "")
        return []

    def _matched(self, text, matches):
        """One actor, or several joined by "and" ("Moscow and Beijing", "Xi and Putin")."""
        pairs = zip(matches, matches[1:], strict=False)
        between = [text[a.end : b.start].strip(" ,").lower() for a, b in pairs]
        if len(matches) > 1 and all(gap in {"and", ""} for gap in between):
            if between and between[-1] == "and":
                tail = text[matches[-1].end :].strip(" ,.")
                if not tail or tail.split()[-1].lower() in GENERIC:
                    return list(dict.fromkeys(self.known(m.actor) for m in matches))
        last = matches[-1]
        tail = text[last.end :].strip(" ,.").lower().split()
        # A demonym names its state only before an institution ("Indian officials"),
        # never a person it qualifies ("Russian President").
        if last.is_demonym and tail and tail[-1] not in GENERIC:
            if text.lower().startswith("the ") and tail[-1] in PERSON_ROLES:
                return self._by_role(tail)  # "the Belarusian leader"
            return []
        return [self.known(last.actor)]

    def _trailing_name(self, text, matches):
        """The capitalised name that ends the phrase, if no directory form covers it."""
        end = matches[-1].end if matches else 0
        rest = text[end:].strip()
        run = re.search(r"(?:[A-Z][\w'.-]*\s*)+$", rest)
        if not run:
            return ""
        return self._strip_titles(run.group().strip())

    def _name_in(self, run):
        """The person's name a run of capitalised words ends with, titles and known names cut."""
        matches = self.directory.find(run)
        return self._strip_titles(run[matches[-1].end :] if matches else run)

    @staticmethod
    def _strip_titles(run):
        words = re.sub(r"^(?:'s\b|\W)+", "", run.strip()).split()
        while words and bare(words[0]) in TITLE_WORDS:
            words.pop(0)
        while words and words[-1].lower() in TITLE_WORDS:
            words.pop()
        return " ".join(words)

    def _fullest(self, name):
        """The longest name run of the text that holds name's words in a row."""
        words = name.split()
        best = name
        for run in self.names.get(words[0], ()):
            candidate = run.split()
            for i in range(len(candidate) - len(words) + 1):
                if candidate[i : i + len(words)] == words and len(candidate) > len(best.split()):
                    best = run
        return best

"""
Find the attributed claims of a news text: direct, indirect and mixed quotes.

Rule-based and offline. Each sentence is read for cues (see `cues`); a cue
gives a speaker phrase (resolved by `speakers`) and the words attributed, which
run from the cue to the end of the sentence, or from the sentence's start to
the speaker for a cue placed after the words ("…, the Kremlin said."). A
sentence that is only a quotation continues the direct quote just before it
("“…,” he said. “…”"): the parts share a `part_of` number.
"""

import re
from dataclasses import dataclass, field

from briefings.suggesting.cues import (
    AFTER_VERB,
    BEFORE_THAT,
    CUE,
    DOCUMENT,
    NEEDS_AS,
    TOLD_OBJECT,
)
from briefings.suggesting.speakers import Speaker, Speakers
from briefings.suggesting.text import dateline_end, masked, sentences

DIRECT, INDIRECT, MIXED = "direct", "indirect", "mixed"
BOUNDARY = re.compile(r"[,;:()“”\"\x00]+")
# A segment that starts so is an aside ("for his part", "a senior fellow at …"), not a speaker.
ASIDE = {
    "who", "whose", "which", "where", "when", "a", "an", "for", "by", "in", "on", "at",
    "however", "meanwhile", "also", "too", "though", "instead", "earlier", "later", "then",
    "now", "thus", "moreover", "separately", "still", "yet", "with", "after", "before",
    "during", "since", "like", "unlike", "speaking",
}  # fmt: skip
# Cues whose words come before them: they end the words of a cue earlier in the sentence.
AFTERWARDS = {"post", "inverted", "according_post", "participle"}
CONJUNCTIONS = {"and", "but", "although", "though", "while", "whereas"}
SUBJECT = re.compile(r"\s*((?:[Tt]he\s+)?(?:[A-Z][\w'’.-]*\s*)+)")
SUBORDINATE = ("as ", "while ", "which ", "who ", "because ", "although ", "but ", "and ", "after ")
SUBORDINATE += ("adding ", "saying ", "noting ", "stressing ", "warning ", "arguing ")
AUDIENCES = {"reporters", "journalists", "the press", "a news conference", "a briefing"}


@dataclass
class Suggestion:
    """One proposed claim: who said which span of the text, how and through what."""

    speaker: Speaker
    start: int
    end: int
    quote: str
    cue: str
    quote_type: str
    channel: str = ""
    part_of: int = 0

    def as_dict(self):
        return {
            "speaker": self.speaker.name,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "cue": self.cue,
            "quote_type": self.quote_type,
            "channel": self.channel or None,
            "actor": self.speaker.key or None,
            "new_actor": self.speaker.is_new,
            "part_of": self.part_of,
        }


@dataclass
class Candidate:
    """A cue found in a sentence, before its span is trimmed and typed."""

    kind: str
    cue: str
    lead: int  # where the attribution begins: the speaker phrase, or the cue
    start: int
    end: int
    speakers: list = field(default_factory=list)
    channel: str = ""
    is_label: bool = False
    coordinated: bool = False  # joined to the cue before by "and"


class Finder:
    def __init__(self, text, directory):
        self.text = text
        self.speakers = Speakers(text, directory)
        self.sentences = sentences(text)
        self.masked = masked(text, [q for s in self.sentences for q in s.quotes])
        self.parts = 0
        self.sentence_start = 0

    def run(self):
        found = []
        previous = []  # the suggestions of the sentence before
        for sentence in self.sentences:
            suggestions = self._sentence(sentence)
            if not suggestions:
                suggestions = self._continuation(sentence, previous)
            found.extend(suggestions)
            previous = suggestions
        return found

    # One sentence ---------------------------------------------------------------

    def _sentence(self, sentence):
        self.sentence_start = sentence.start
        lo = dateline_end(self.text, sentence.start)
        candidates = []
        bound = lo
        for m in CUE.finditer(self.masked, lo, sentence.end):
            candidate = self._candidate(m, sentence, lo, bound, candidates)
            bound = m.end()
            if candidate:
                candidates.append(candidate)
                self.speakers.record(candidate.speakers)
                bound = max(bound, candidate.start)
        self._cut(candidates, sentence)
        candidates = self._fold_channels(candidates)
        suggestions = []
        for candidate in candidates:
            suggestions.extend(self._suggest(candidate, sentence))
        return suggestions

    def _candidate(self, m, sentence, lo, bound, earlier):
        kind = m.lastgroup
        verb = m.group(kind)
        if kind == "according":
            return self._according(m, sentence, lo, earlier)
        if kind == "passive":
            stop = self.masked.find(" as ", m.end(), sentence.end)
            if stop < 0:
                return None
            speakers = self.speakers.resolve(self.text[m.end() : stop])
            return Candidate(kind, verb, m.start(), stop + 4, sentence.end, speakers)
        if kind == "participle":
            speakers = earlier[-1].speakers if earlier else []
            cue = f"{verb} that"
            return Candidate(kind, cue, m.start(), m.end(), sentence.end, speakers)
        if kind == "view":
            speakers = self.speakers.resolve(verb.split()[1])
            comma = self.masked.find(",", m.end(), sentence.end)
            if comma < 0:
                return None
            return Candidate(kind, verb, m.start(), comma + 1, sentence.end, speakers)
        cue = self.text[m.start() : m.end()]
        if kind == "speech":
            return self._speech(m, sentence, lo, bound, earlier)
        after = self.masked[m.end() : sentence.end]
        if kind == "perceive" and verb in NEEDS_AS and " as " not in after:
            return None
        start = m.end()
        if kind == "label" and verb.startswith("call"):
            if after.startswith(" for "):
                start += 5
                cue += " for"
            elif "\x00" not in after:
                return None
        options = self._phrases_before(bound, m.start(), walk=True)
        speakers, at, coordinated = self._speakers(options, earlier)
        return Candidate(
            kind, cue, at, start, sentence.end, speakers, is_label=kind == "label",
            coordinated=coordinated,
        )  # fmt: skip

    def _speech(self, m, sentence, lo, bound, earlier):
        verb = m.group("speech")
        after_start = m.end()
        channel = ""
        if verb == "told":
            told = TOLD_OBJECT.match(self.masked, after_start, sentence.end)
            if told:
                audience = told["object"]
                if audience not in AUDIENCES and audience[:1].isupper():
                    channel = audience
                after_start = told.end()
        that = BEFORE_THAT.match(self.masked, after_start, sentence.end)
        [(near, near_at, _)] = self._phrases_before(bound, m.start(), walk=False)
        if that:
            adjunct = that["adjunct"]
            cue = self.text[m.start() : that.end()].strip()
            options = self._phrases_before(bound, m.start(), walk=True)
            speakers, at, coordinated = self._speakers(options, earlier)
            channel = channel or channel_in(adjunct)
            return Candidate(
                "pre", cue, at, that.end(), sentence.end, speakers, channel, coordinated=coordinated
            )
        adjunct = AFTER_VERB.match(self.masked, after_start, sentence.end)
        rest = self.masked[adjunct.end() : sentence.end]
        cue = self.text[m.start() : adjunct.end()].strip()
        channel = channel or channel_in(adjunct.group())
        before = self.masked[lo:near_at] if near.strip() else ""
        words_before = 3 if "\x00" in before else count_words(before)
        if not near.strip() and self.masked[lo : m.start()].strip():
            # "“…,” said Alexander Gabuev, director of …": the speaker follows the verb.
            stop = _first(self.masked, ",.;", adjunct.end(), sentence.end)
            speakers = self.speakers.resolve(self.text[adjunct.end() : stop])
            return Candidate("inverted", cue, m.start(), lo, m.start(), speakers, channel)
        if not rest.strip(" .") or rest.lstrip().startswith((",", ";")):
            speakers = self.speakers.resolve(near, self.text[lo:near_at])
            after = rest.lstrip(" ,;")
            if (
                "\x00" not in before
                and words_before <= 4
                and count_words(after) > words_before
                and not after.startswith(SUBORDINATE)
            ):
                # "By that measure, he said, Astana will …": the words follow the aside.
                start = adjunct.end() + len(rest) - len(after)
                return Candidate("pre", cue, near_at, start, sentence.end, speakers, channel)
            if words_before:
                return Candidate("post", cue, near_at, lo, near_at, speakers, channel)
            return None
        if rest.lstrip().startswith(":"):
            start = self.masked.find(":", adjunct.end()) + 1
        else:
            start = adjunct.end()
        options = self._phrases_before(bound, m.start(), walk=True)
        speakers, at, coordinated = self._speakers(options, earlier)
        return Candidate(
            "pre", cue, at, start, sentence.end, speakers, channel, coordinated=coordinated
        )

    def _according(self, m, sentence, lo, earlier):
        cue = m.group("according")
        if not self.masked[lo : m.start()].strip():
            # "According to the minister, …"
            comma = self.masked.find(",", m.end(), sentence.end)
            if comma < 0:
                return None
            phrase = self.text[m.end() : comma]
            speakers = self.speakers.resolve(phrase)
            return Candidate("according_pre", cue, m.start(), comma + 1, sentence.end, speakers)
        phrase = self.text[m.end() : sentence.end].strip(" .")
        is_document = bool(DOCUMENT.match(phrase))
        publisher = re.split(r"\b(?:issued|released|published) by\b", phrase)[-1]
        speakers = self.speakers.resolve(publisher if is_document else phrase)
        if is_document and not speakers:
            speakers = self.speakers.resolve(re.sub(r"^\S+\s+", "", DOCUMENT.match(phrase)[0]))
        lead = m.start()
        while lead > lo and self.text[lead - 1] in " ,":
            lead -= 1
        start = earlier[-1].start if earlier else lo
        return Candidate("according_post", cue, lead, start, lead, speakers, phrase)

    def _phrases_before(self, bound, at, walk):
        """The segments before a cue that may name its speaker, nearest first.

        Each is (phrase, lead, coordinated): lead is where the attribution begins,
        coordinated whether a conjunction joins it to what comes before ("and said",
        "although he said"). With walk, asides between speaker and verb are passed
        over ("Wang Yi, for his part, said").
        """
        segments = [
            (m.start() + bound, m.end() + bound)
            for m in re.finditer(r"[^,;:()“”\"\x00]+", self.masked[bound:at])
        ]
        options = []
        for n, (start, end) in enumerate(reversed(segments[-4:])):
            segment = self.masked[start:end]
            words = segment.split()
            if not words:
                continue
            first, last = words[0].lower(), words[-1].lower()
            lead = start + len(segment) - len(segment.lstrip())
            if last in CONJUNCTIONS:
                # "Putin thanked him but said …": the verb shares the sentence's subject.
                lead = start + len(segment.rstrip()) - len(last)
                subject = SUBJECT.match(self.text, start, lead)
                return options + [(subject.group(1).strip() if subject else "", lead, True)]
            coordinated = first in CONJUNCTIONS
            skip = len(words[0]) + 1 if coordinated or first == "that" else 0
            phrase = self.text[lead + skip : end].strip()
            is_first = n == min(len(segments), 4) - 1
            if walk and not is_first and first in ASIDE:
                continue
            options.append((phrase, lead if coordinated else lead + skip, coordinated))
            if not walk:
                break
        return options or [("", at, False)]

    def _speakers(self, options, earlier):
        """The first option that names a speaker: (speakers, lead, coordinated)."""
        for phrase, lead, coordinated in options:
            if not phrase:
                if coordinated and earlier:
                    return earlier[-1].speakers, lead, coordinated
                continue
            speakers = self.speakers.resolve(phrase, self.text[self.sentence_start : lead])
            if speakers:
                return speakers, lead, coordinated
        return [], options[0][1], options[0][2]

    def _cut(self, candidates, sentence):
        """End each candidate's words where a later cue's attribution begins."""
        for n, candidate in enumerate(candidates):
            if candidate.kind in AFTERWARDS or candidate.kind == "inverted":
                continue
            for later in candidates[n + 1 :]:
                starts_afresh = later.kind in AFTERWARDS or later.coordinated
                if starts_afresh and candidate.start < later.lead < candidate.end:
                    candidate.end = later.lead
            words = self.masked[candidate.start : candidate.end]
            # A label is a noun phrase: it ends at the first comma after its quotation.
            stops = r", but |; |(?<=[”\"]), " if candidate.is_label else r", but |; "
            stop = re.search(stops, words)
            if stop:
                candidate.end = candidate.start + stop.start()

    def _fold_channels(self, candidates):
        """A cue after words another cue already attributes names that cue's channel."""
        kept = []
        for candidate in candidates:
            owner = next(
                (
                    c
                    for c in kept
                    if c.kind not in AFTERWARDS
                    and c.start < candidate.end
                    and candidate.start < c.end
                ),
                None,
            )
            if candidate.kind in {"post", "according_post"} and owner:
                owner.channel = owner.channel or candidate.channel or candidate.cue
                continue
            if not candidate.speakers:
                continue
            inside = [c for c in kept if c.start <= candidate.lead and candidate.end <= c.end]
            if candidate.kind == "perceive" and inside:
                continue  # a belief within reported words belongs to those words
            if any(set(c.speakers) == set(candidate.speakers) for c in inside):
                continue
            kept.append(candidate)
        return kept

    # Spans ------------------------------------------------------------------------

    def _suggest(self, candidate, sentence):
        start, end = self._trim(candidate.start, candidate.end)
        if end - start < 2:
            return []
        spans = [(start, end)]
        colon = re.search(r":\s+(?=[“\"]\x00)", self.masked[start:end])
        if colon and self.masked[end - 1] in '”"' and colon.start() > 0:
            # "Astana will be a success: “Xi will be there …”": the words, then the quotation.
            spans = [self._trim(start, start + colon.start()), self._trim(start + colon.end(), end)]
        part = 0
        if len(spans) > 1:
            self.parts += 1
            part = self.parts
        suggestions = []
        for a, b in spans:
            quote_type, a, b = self._typed(a, b, sentence, candidate.is_label)
            for speaker in candidate.speakers:
                suggestions.append(
                    Suggestion(
                        speaker,
                        a,
                        b,
                        self.text[a:b],
                        candidate.cue,
                        quote_type,
                        candidate.channel,
                        part,
                    )
                )
        return suggestions

    def _trim(self, start, end):
        text = self.masked
        while start < end and text[start] in " ,":
            start += 1
        if text.startswith("that ", start):
            start += 5
        while end > start and text[end - 1] in " ,.;:—–-":
            end -= 1
        return start, end

    def _typed(self, start, end, sentence, is_label):
        quotes = [q for q in sentence.quotes if start <= q.open and q.close < end]
        if len(quotes) == 1 and quotes[0].open == start and quotes[0].close == end - 1:
            inner_end = quotes[0].end
            while self.text[inner_end - 1] == ",":
                inner_end -= 1
            return DIRECT, quotes[0].start, inner_end
        if not quotes:
            return INDIRECT, start, end
        if is_label and len(quotes) == 1:
            # "labeled Xi as a “dictator”": the label alone is quoted.
            words = self.masked[start:end]
            words = (
                words.split(" as ", 1)[1] if " as " in words else words[quotes[0].open - start :]
            )
            if re.fullmatch(r"(?:(?:an?|the)\s+)?[“\"]\x00+[”\"]", words.strip()):
                return DIRECT, start, end
        return MIXED, start, end

    def _continuation(self, sentence, previous):
        """A sentence that is only a quotation goes on with the direct quote before it."""
        if not previous or previous[-1].quote_type != DIRECT or not sentence.quotes:
            return []
        rest = self.masked[sentence.start : sentence.end]
        if re.sub(r"[“”\"\x00\s.,!?]", "", rest):
            return []
        last = previous[-1]
        if not last.part_of:
            self.parts += 1
            for suggestion in previous:
                if suggestion.quote_type == DIRECT and suggestion.start == last.start:
                    suggestion.part_of = self.parts
        return [
            Suggestion(last.speaker, q.start, q.end, self.text[q.start : q.end], last.cue, DIRECT,
                       last.channel, last.part_of)
            for q in sentence.quotes
        ]  # fmt: skip


def channel_in(adjunct):
    """The channel an adjunct names: "in a release", "in an interview with Rossiya-1"."""
    m = re.search(r"\bin (?:an?|the) [^,.;]*", adjunct)
    return m.group().strip() if m else ""


def count_words(text):
    return len(re.findall(r"[\w\x00]+", text))


def _first(text, chars, start, end):
    positions = [p for p in (text.find(c, start, end) for c in chars) if p >= 0]
    return min(positions) if positions else end


def find_claims(text, directory):
    """Return the suggested claims of text, in text order, speakers from directory."""
    suggestions = Finder(text, directory).run()
    return sorted(suggestions, key=lambda s: (s.start, s.end, s.speaker.name))

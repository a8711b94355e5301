"""
Precision and recall of the finder against gold annotations.

A suggestion matches a gold claim when it names the same speaker (names
compared without case) and its span covers at least half of the gold span.
Matching is one to one (a maximum bipartite matching), so one long suggestion
cannot stand for two gold claims, nor two suggestions for one.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from briefings.suggesting.finder import find_claims


@dataclass
class Score:
    name: str
    gold: int
    suggested: int
    matched: int
    held_out: bool = False

    @property
    def precision(self):
        return self.matched / self.suggested if self.suggested else 1.0

    @property
    def recall(self):
        return self.matched / self.gold if self.gold else 1.0


def matches(suggestion, gold):
    if suggestion["speaker"].casefold() != gold["speaker"].casefold():
        return False
    overlap = min(suggestion["end"], gold["end"]) - max(suggestion["start"], gold["start"])
    return overlap * 2 >= gold["end"] - gold["start"]


def matched_count(suggestions, golds):
    """The size of a maximum one-to-one matching (augmenting paths; the sets are small)."""
    owner = {}  # gold index -> suggestion index

    def place(s, seen):
        for g, gold in enumerate(golds):
            if g in seen or not matches(suggestions[s], gold):
                continue
            seen.add(g)
            if g not in owner or place(owner[g], seen):
                owner[g] = s
                return True
        return False

    return sum(place(s, set()) for s in range(len(suggestions)))


def load_gold(path, root):
    """Return (name, text, gold document) for the gold file at path; text paths from root."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    text = (Path(root) / document["text"]).read_text(encoding="utf-8")
    return Path(path).stem, text, document


def score_gold(paths, root, directory):
    """Score the finder on each gold file; return the scores, one per file."""
    scores = []
    for path in sorted(paths):
        name, text, document = load_gold(path, root)
        suggestions = [s.as_dict() for s in find_claims(text, directory)]
        golds = document["claims"]
        scores.append(
            Score(
                name,
                gold=len(golds),
                suggested=len(suggestions),
                matched=matched_count(suggestions, golds),
                held_out=bool(document.get("held_out")),
            )
        )
    return scores


def total(scores, name="overall"):
    return Score(
        name,
        gold=sum(s.gold for s in scores),
        suggested=sum(s.suggested for s in scores),
        matched=sum(s.matched for s in scores),
    )

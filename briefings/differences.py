"""
Wordings compared word by word: how one report of a statement differs from another.
"""

import re
from difflib import SequenceMatcher

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

# Words with the spaces and punctuation after them, so marks fall on whole words.
TOKEN = re.compile(r"\S+\s*")


def marked_differences(reference, text):
    """
    Return `text` as HTML, its words that `reference` lacks in <ins> and the
    reference's words that it lacks in <del>; case and quote marks count.
    """
    ours, theirs = TOKEN.findall(text), TOKEN.findall(reference)
    matcher = SequenceMatcher(None, [w.strip() for w in theirs], [w.strip() for w in ours])
    parts = []
    for op, ref_start, ref_end, start, end in matcher.get_opcodes():
        if op in ("delete", "replace"):
            parts.append(format_html("<del>{}</del> ", "".join(theirs[ref_start:ref_end]).strip()))
        if op in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins> ", "".join(ours[start:end]).strip()))
        if op == "equal":
            parts.append("".join(ours[start:end]))
    joined = format_html_join("", "{}", ((part,) for part in parts))
    return mark_safe(joined.strip())

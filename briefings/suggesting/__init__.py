"""
Suggest the attributed claims of an article: who said what, with which cue.

Pure Python and offline (rules, no model); `directory.from_database()` is the
only part that reads the database.
"""

from briefings.suggesting.directory import Directory, from_database, from_seed_files
from briefings.suggesting.finder import Suggestion, find_claims

__all__ = ["Directory", "Suggestion", "find_claims", "from_database", "from_seed_files"]

"""
The cues that attribute a statement in English news copy, as one pattern.

Each named group is one way a cue ties a speaker to what was said:
- `speech`: a reporting verb, the speaker before it ("Peskov said", "“…,” he added",
  "said Alexander Gabuev" when it follows a quote);
- `perceive`: a verb of belief with its object ("Moscow perceives the SCO as …");
- `label`: a verb that characterises ("labeled Xi as a “dictator”");
- `passive`: a belief in the passive ("viewed by Moscow and Beijing as …");
- `according`: the speaker after the cue ("according to the Kremlin");
- `participle`: a second statement of the same speaker (", adding that …");
- `view`: "in her view", the speaker a pronoun.
"""

import re

# Auxiliaries and adverbs between a speaker and the verb ("has repeatedly said").
AUXILIARY = (
    r"(?:(?:has|have|had|is|are|was|were|will|would|also|again|repeatedly|previously|"
    r"earlier|once|privately|publicly|reportedly|recently|later|then|further|firmly|"
    r"strongly|often|long|never|already|openly)\s+)*"
)

SPEECH = (
    r"said|says|say|stated|told|tells|added|adds|noted|notes|stressed|stresses|stress|"
    r"warned|warns|announced|announces|argued|argues|argue|insisted|insists|claimed|claims|"
    r"wrote|writes|explained|explains|emphasi[sz]ed|emphasi[sz]es|reported|confirmed|"
    r"confirms|declared|declares|believes|believe|reiterated|underlined|acknowledged|"
    r"(?:is|are|was|were) convinced|pointed out|urged|urges|called on|calls on"
)
PERCEIVE = r"perceives|perceive|sees|see|views|view|considers|consider|regards|regard"
LABEL = r"labell?ed|labels|described|describes|called|calls|branded|brands|dubbed"
PASSIVE = r"(?:viewed|seen|considered|regarded|perceived|described) by"
ACCORDING = r"[Aa]ccording to|as announced by|as stated by|as reported by|as quoted by"
PARTICIPLE = r"adding|saying|noting|stressing|warning|arguing"
VIEW = r"[Ii]n (?:his|her|their|its) view"

CUE = re.compile(
    rf"(?:(?<=, )(?P<participle>{PARTICIPLE}) that"
    rf"|(?<![\w-])(?:"
    rf"(?P<passive>{PASSIVE})"
    rf"|(?P<according>{ACCORDING})"
    rf"|(?P<view>{VIEW})"
    rf"|{AUXILIARY}(?:(?P<speech>{SPEECH})|(?P<perceive>{PERCEIVE})|(?P<label>{LABEL}))"
    rf"))(?![\w-])"
)

# Verbs of belief that need "as" to attribute ("sees X as Y"; "sees" alone is not a claim).
NEEDS_AS = {"sees", "see", "views", "view", "regards", "regard"}

# What may stand between a verb and "that": "said in a statement on Monday that".
BEFORE_THAT = re.compile(
    r"\s*(?P<adjunct>(?:(?:on|in|at|last|this|earlier|after|before|during|from|with|to|via)"
    r"\b[^,.;:“”\"\x00]{0,60}?)?)\s*\bthat\s+"
)
# What may follow a verb and still leave the speaker's words before it: "said on Monday".
AFTER_VERB = re.compile(
    r"(?:\s+(?:on \w+|last \w+|this \w+|earlier|later|"
    r"in (?:an?|his|her|its|their) [\w-]+(?: (?!(?:for|on|to|with|at)\b)[\w-]+)?"
    r"(?: (?:for|on|to|with|at) [^,.;]+)?|"
    r"in an? [\w-]+ with [^,.;]+|at an? [\w ]+|after [^,.;]+|before [^,.;]+|upon [^,.;]+))*"
)
# The object of "told": the audience or outlet ("told reporters", "told Sputnik").
TOLD_OBJECT = re.compile(r"\s+(?P<object>[^,.;:“”\"\x00]{1,120}?)(?=\s+that\b|[,.;:]|\s*$)")

# An attribution to a document names a channel; its publisher speaks.
DOCUMENT = re.compile(
    r"^(?:an?|the)\s+(?:[\w-]+\s+){0,2}(?:text|readout|statement|transcript|release|report|"
    r"communiqué|post|letter|decree)\b",
    re.IGNORECASE,
)

"""The floor: a symptom together with an acuity or "now" word is never routine.

A message with a symptom word ("pain", "bleeding", "fiebre", "vomiting") and,
within FLOOR_WINDOW words in the same clause, a word that says it is happening
now or is bad ("now", "worse", "severe", "cant", "ahora", "peor", "mucho")
is at least ``urgent`` (a person reads it the same day), whatever the rules and
the model said. It never sets ``emergency`` and never lowers anything.

As for the urgency rules, a negated symptom ("no pain now") and a reading that
is not happening now (context.py: a past event, a question about information,
a hypothetical, a figure of speech) do not count, nor does a clause that says it
is getting better ("better", "fine", "mejor", "bien"). The floor is engine code, not
a rule: a practice cannot switch it off (it is part of the safety net). It is
listed in the explanation as ``floor_symptom_now`` with the words that paired.
"""

import hashlib

from .context import lowered_reading
from .normalise import CLAUSE_MARKER, NormalisedText

FLOOR_RULE = "floor_symptom_now"
FLOOR_WINDOW = 4

_SYMPTOM_WORDS = """
pain pains painful hurts hurting hurt ache aching aches sore bleeding bleed bled blood
bloody fever feverish vomiting vomited vomit throwing puking dizzy dizziness lightheaded
faint fainted fainting swollen swelling swelled rash hives numb numbness tingling
breath breathing wheezing wheezy headache migraine cramping cramps chills shaking
confused confusion diarrhea burning infection infected pus throbbing
dolor duele duelen doliendo sangre sangrando sangrado fiebre calentura vomito vomitando
vomitar mareo mareado mareada hinchado hinchada hinchazon ronchas entumido entumida
respirar aire tos escalofrios diarrea ardor infeccion pus punzadas colicos
"""
SYMPTOMS = frozenset(_SYMPTOM_WORDS.split())

_ACUITY_WORDS = """
now tonight worse worsening worst severe severely unbearable excruciating terrible
horrible intense awful extreme suddenly sudden cant spreading getting keeps constant
nonstop
ahora ahorita noche peor empeorando empeoro fuerte fuertes horrible insoportable
terrible intenso intensa repente aguanto sigue aumentando
"""
ACUITY = frozenset(_ACUITY_WORDS.split())
# A clause that says it is getting better is not on the floor ("breathing is much
# better now").
_IMPROVING_WORDS = "better improving improved fine ok okay mejor mejorando bien"
IMPROVING = frozenset(_IMPROVING_WORDS.split())

# Part of Triage.rules_version: changes when the lists or the window change.
VERSION = hashlib.sha256(repr((sorted(SYMPTOMS), sorted(ACUITY), sorted(IMPROVING), FLOOR_WINDOW)).encode()
                         ).hexdigest()[:12]


def floor_match(text: NormalisedText) -> str | None:
    """The words that put the message on the floor, or None."""
    tokens = text.tokens
    acuity = [index for index, token in enumerate(tokens) if token in ACUITY]
    if not acuity:
        return None
    from .engine import is_negated  # the engine's negation scope (late: no cycle)

    for index, token in enumerate(tokens):
        if token not in SYMPTOMS:
            continue
        for other in acuity:
            if abs(other - index) > FLOOR_WINDOW:
                continue
            start, end = min(index, other), max(index, other) + 1
            if CLAUSE_MARKER in tokens[start:end] or not IMPROVING.isdisjoint(
                    _clause_words(tokens, start, end)):
                continue
            if is_negated(tokens, index) or is_negated(tokens, start):
                continue
            if lowered_reading(tokens, start, end, text.text) is not None:
                continue
            return text.words(start, end)
    return None


def _clause_words(tokens: tuple[str, ...], start: int, end: int) -> tuple[str, ...]:
    left, right = start, end
    while left > 0 and tokens[left - 1] != CLAUSE_MARKER:
        left -= 1
    while right < len(tokens) and tokens[right] != CLAUSE_MARKER:
        right += 1
    return tokens[left:right]

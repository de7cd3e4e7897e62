"""Is a matched symptom happening now, to the writer's household, for real?

The urgency rules match words ("heart attack", "infarto", "overdosed"). In
held-out messages most false alarms were the same words about something else:
a past event ("my heart attack 3 years ago", "hace 5 años"), someone's
history ("my dad died of a heart attack"), a question about information
("what are the signs of a stroke"), a hypothetical ("call 911 if I get the
worst headache") or a figure of speech ("this bill is giving me a heart
attack lol"). This module reads the clause around a match for those cues.

A match is *lowered* (it decides no urgency, and says why) when its clause
has such a cue and no sign that something is happening now ("now", "today",
"still", "getting worse", "ahora", "hoy", "sigue" ...). Present-tense signs
always win: "I had a heart attack in 2019 and now my chest is crushing" is
an emergency. Only negatable urgency rules are read this way; a practice
rule with `"negatable": false` is never lowered.

Pure functions over the normalised tokens; deterministic; the cue lists are
data below (regular expressions on the clause's normalised words).
"""

import re

from .normalise import CLAUSE_MARKER

PAST = re.compile(
    r"\b(?:(?:years?|yrs|months?|weeks) ago|years? back|months? back|in (?:19|20)[0-9][0-9]|last (?:week|weekend|month|year|"
    r"summer|spring|fall|winter|time|monday|tuesday|wednesday|thursday|friday|saturday|sunday)|"
    r"history of|hx of|since my|after my|before my|died of|died from|passed away|"
    r"(?<!nacio )(?<!nacida )(?<!nacido )hace (?:[a-z0-9]+ )?(?:anos|ano|meses|tiempo)|hace mucho|el ano pasado|"
    r"la semana pasada|el mes pasado|el (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo) "
    r"pasado|estuve en|tuvo (?:un|una|uno)|tuve (?:un|una)|murio de|fallecio)\b")
FIGURATIVE = re.compile(
    r"\b(?:lol|lmao|rofl|haha\w*|jaja\w*|jeje\w*|"
    r"(?:giving|gave|gonna give|going to give|about to give) me an? (?:heart attack|stroke|"
    r"aneurysm|seizure)|(?:casi )?me (?:da|dio|va a dar) (?:un|una) (?:infarto|paro|derrame|"
    r"ataque))\b")
QUESTION = re.compile(
    r"\b(?:what are (?:the )?(?:signs|symptoms|warning signs)|warning signs|signs of an?|"
    r"what is the difference|whats the difference|difference between|"
    r"what does (?:that|it|an?(?: \w+)?) (?:even )?feel like|school project|for a project|"
    r"cuales son las (?:senales|sintomas)|senales de (?:un|una)|sintomas de (?:un|una)|"
    r"cual es la diferencia|que se siente)\b")
HYPOTHETICAL = re.compile(
    r"\b(?:if i (?:ever )?(?:get|have|feel|start|notice)|if (?:he|she|they) (?:ever )?(?:gets|has)|"
    r"in case (?:of|i)|si (?:me |le )?(?:llega|llegara|da|diera|pasa|pasara)|en caso de)\b")
# Something is happening now: a lowered reading never applies then.
PRESENT = re.compile(
    r"\b(?:now|right now|today|tonight|this morning|this afternoon|this evening|again|still|"
    r"currently|keeps|keep|getting worse|worse|worsening|since yesterday|"
    r"ahora|ahorita|hoy|esta noche|esta manana|esta tarde|otra vez|de nuevo|sigue|siguen|"
    r"todavia|empeor\w*|desde ayer|desde anoche)\b")
# The writer says they are well: a match elsewhere in a message is about
# the past or about someone else (unless its own clause says "now").
WELL_NOW = re.compile(
    r"\b(?:i feel (?:totally |completely |perfectly |just )?fine|i feel great|doing great|"
    r"doing well|doing fine|im fine now|me siento bien|ya me siento bien|ya estoy bien|"
    r"estoy bien)\b")

READINGS = (("past event", PAST), ("figure of speech", FIGURATIVE),
            ("question about information", QUESTION), ("if it happens", HYPOTHETICAL))


def _clause(tokens: tuple[str, ...], start: int, end: int) -> str:
    """The words of the clause(s) a match spans, between clause markers."""
    left = start
    while left > 0 and tokens[left - 1] != CLAUSE_MARKER:
        left -= 1
    right = max(end, start + 1)
    while right < len(tokens) and tokens[right] != CLAUSE_MARKER:
        right += 1
    return " ".join(token for token in tokens[left:right] if token != CLAUSE_MARKER)


def lowered_reading(tokens: tuple[str, ...], start: int, end: int, whole: str) -> str | None:
    """Why the match at tokens[start:end] is not happening now, or None if it may be."""
    clause = _clause(tokens, start, end)
    if PRESENT.search(clause):
        return None
    for reason, cue in READINGS:
        if cue.search(clause):
            return reason
    if WELL_NOW.search(whole):
        return "the writer says they are well"
    return None

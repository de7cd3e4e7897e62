"""Labelled patient-portal messages for evaluating the triage rules.

The messages live in messaging/triage/data/original.jsonl (one JSON object a line:
text, urgency, topic, language, group), where the model's training step reads them
too; this module gives the tests the same names as before.

Each case is (text, expected_urgency, expected_topic, language). They were
written as patients write (misspelled, no punctuation, text-speak, caps,
Spanish with and without accents) before the default rules were tuned, and
are labelled by what a front-office team should do, not by what the rules
happen to say. Emergencies are always topic clinical_question.

Negated cases mention an emergency symptom that the patient denies; they are
labelled by the rest of the message.
"""

from messaging.triage.data import labelled_rows

EN, ES = "en", "es"
EMERGENCY, URGENT, ROUTINE = "emergency", "urgent", "routine"
CLINICAL = "clinical_question"

EMERGENCY_CATEGORIES = (
    "chest_pain",
    "breathing",
    "stroke",
    "severe_bleeding",
    "unconscious_or_confused_after_fall",
    "suicide_self_harm_overdose",
    "allergic_reaction",
    "pregnancy_bleeding",
    "infant_fever",
    "vomiting_blood",
    "worst_headache",
)

_ROWS = labelled_rows("original")


def _group(name: str) -> list[tuple[str, str, str, str]]:
    return [row.case for row in _ROWS if row.group == name]


EMERGENCIES = {category: _group(f"emergency:{category}") for category in EMERGENCY_CATEGORIES}
NEGATED = _group("negated")
URGENT_CASES = _group("urgent")
ROUTINE_CASES = _group("routine")
MESSY = _group("messy")
HELD_OUT_ROUNDS = [_group(f"held_out_round_{number}") for number in range(1, 8)]

EMERGENCY_CASES = [case for group in EMERGENCIES.values() for case in group]
HELD_OUT_CASES = [case for round_cases in HELD_OUT_ROUNDS for case in round_cases]
CASES = [row.case for row in _ROWS]

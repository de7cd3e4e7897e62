"""Negation: a denied symptom is not an emergency by itself."""

import pytest

from messaging.triage import classify, default_rule_set


def urgency_of(text: str) -> str:
    return classify(text, default_rule_set()).urgency


@pytest.mark.parametrize("text", [
    "no chest pain",
    "denies chest pain",
    "I don't have any chest pain",
    "not having trouble breathing",
    "without shortness of breath",
    "he did not pass out",
])
def test_negated_emergency_symptom_is_not_an_emergency_in_english(text):
    assert urgency_of(text) != "emergency"


@pytest.mark.parametrize("text", [
    "sin dolor de pecho",
    "ya no tengo dolor de pecho",
    "no tengo problemas para respirar",
    "nunca perdió el conocimiento",
    "no he vomitado sangre",
])
def test_negated_emergency_symptom_is_not_an_emergency_in_spanish(text):
    assert urgency_of(text) != "emergency"


def test_no_fever_is_not_an_urgent_high_fever():
    assert urgency_of("no tengo fiebre, solo tos") == "routine"


def test_i_cant_breathe_is_an_emergency_although_it_contains_a_negation():
    assert urgency_of("I can't breathe") == "emergency"


@pytest.mark.parametrize("text", [
    "i dont want to live anymore",
    "no puedo respirar",
    "ya no quiero vivir",
    "it won't stop bleeding",
])
def test_negation_inside_the_emergency_phrase_does_not_cancel_it(text):
    assert urgency_of(text) == "emergency"


def test_negation_does_not_reach_across_a_full_stop():
    assert urgency_of("No fever. Chest pain since this morning") == "emergency"


def test_negation_does_not_reach_across_but():
    assert urgency_of("no fever but my chest hurts") == "emergency"


def test_negation_does_not_reach_across_pero():
    assert urgency_of("no tengo fiebre pero me duele mucho el pecho") == "emergency"


def test_negation_does_not_reach_past_and():
    assert urgency_of("no cough and my chest feels tight") == "emergency"


def test_negation_of_something_else_does_not_cancel_the_symptom():
    assert urgency_of("tylenol is not helping my chest pain") == "emergency"


def test_uncertainty_is_not_a_negation():
    assert urgency_of("not sure if this is chest pain or heartburn") == "emergency"


def test_a_cue_far_before_the_symptom_does_not_negate_it():
    assert urgency_of("no one is home with me today so I am writing, chest pain") == "emergency"


def test_negated_match_is_listed_but_decides_nothing():
    # Given a message that denies chest pain
    result = classify("no chest pain, need a refill", default_rule_set())
    # Then the chest pain rule is shown as negated and the message is routine
    negated = [match for match in result.matched if match.negated]
    assert [match.rule_id for match in negated] == ["em_chest_pain_en"]
    assert result.urgency == "routine"

"""classify(): results, explanations, resolution, teams and targets."""

import json

import pytest

from messaging.triage import (
    DEFAULT_RESPONSE_TARGETS,
    RuleSet,
    Triage,
    classify,
    default_rule_set,
)
from messaging.triage.normalise import normalise


def triage(text: str, **options) -> Triage:
    return classify(text, default_rule_set(), **options)


def test_emergency_goes_to_triage_with_an_immediate_target():
    result = triage("my chest feels tight and im sweating")
    assert (result.urgency, result.topic, result.team) == ("emergency", "clinical_question",
                                                           "triage")
    assert result.response_target_minutes == 0


def test_matched_names_the_rule_and_the_words_that_made_it_match():
    result = triage("Having really bad CHEST PAINS pls call")
    assert ("em_chest_pain_en", "chest pains") in [(m.rule_id, m.words) for m in result.matched]
    assert result.urgency_rule == "em_chest_pain_en"


def test_matched_words_are_normalised_words_of_the_message():
    result = triage("can u send my perscription")
    assert ("tp_refill", "prescription") in [(m.rule_id, m.words) for m in result.matched]


def test_as_dict_is_json_ready_with_the_documented_keys():
    data = triage("need a refill on my metformin").as_dict()
    json.dumps(data)
    assert {"urgency", "topic", "team", "response_target", "matched"} <= set(data)
    assert data["response_target"] == DEFAULT_RESPONSE_TARGETS["routine"]
    assert data["response_target_label"] == "within 2 business days"
    assert data["matched"][0] == {"rule_id": "tp_refill_request", "words": "refill",
                                  "negated": False}


def test_message_without_any_rule_is_routine_other():
    result = triage("hello there")
    assert (result.urgency, result.topic, result.team, result.matched) == (
        "routine", "other", "triage", ())


def test_out_of_daily_medication_is_urgent_refill():
    result = triage("ran out of my insulin last night")
    assert (result.urgency, result.topic) == ("urgent", "refill")


def test_when_topic_rule_only_applies_to_its_topic():
    # "right now" makes a video problem urgent, but not a billing question
    assert triage("the video link doesnt work and my visit is right now").urgency == "urgent"
    assert triage("I want to pay my bill right now").urgency == "routine"


def test_spanish_with_and_without_accents_gives_the_same_result():
    assert triage("me duele el corazón").urgency == triage("me duele el corazon").urgency


def test_team_map_override_routes_the_topic_elsewhere():
    result = triage("did my lab results come back", team_map={"test_result": "post_visit"})
    assert result.team == "post_visit"


def test_unknown_team_in_the_team_map_is_refused():
    with pytest.raises(ValueError, match="unknown team"):
        triage("did my lab results come back", team_map={"test_result": "nurses"})


def test_targets_override_changes_the_response_target():
    assert triage("fever of 103", targets={"urgent": 60}).response_target_minutes == 60


def test_higher_priority_rule_wins_the_topic():
    # "reschedule" (priority 30) beats the symptom words (priority 8)
    assert triage("I have a cough, can I reschedule my visit").topic == "scheduling"


def test_most_severe_urgency_wins_among_equal_priorities():
    rules = RuleSet.from_dicts([
        {"id": "a_urgent", "phrases": ["headache"], "sets_urgency": "urgent", "priority": 7},
        {"id": "b_emergency", "phrases": ["headache"], "sets_urgency": "emergency",
         "priority": 7},
    ])
    assert classify("headache", rules).urgency == "emergency"


def test_higher_priority_beats_severity():
    rules = RuleSet.from_dicts([
        {"id": "calm", "phrases": ["headache"], "sets_urgency": "routine", "priority": 9},
        {"id": "alarm", "phrases": ["headache"], "sets_urgency": "emergency", "priority": 1},
    ])
    assert classify("headache", rules, model=None).urgency == "routine"


def test_normalisation_maps_text_speak_misspellings_and_caps():
    assert normalise("PLS refil my presciption tmrw").tokens == (
        "please", "refill", "my", "prescription", "tomorrow")


def test_normalisation_marks_clause_breaks():
    assert normalise("No fever. But chest pain").tokens == (
        "no", "fever", "_", "_", "chest", "pain")


def test_normalisation_keeps_decimal_numbers_in_one_clause():
    assert normalise("fever 100.5").tokens == ("fever", "100", "5")


def test_emergency_in_the_first_part_of_a_long_message_is_caught():
    result = triage("my chest hurts so bad. " + "blah " * 100_000)
    assert result.urgency == "emergency" and result.truncated

"""Context readings: an urgency match about the past, a figure of speech, a
question about information or a hypothetical decides nothing, and says why;
anything that says "now" keeps it."""

import pytest

from messaging.triage import RuleSet, classify, default_rule_set


def triage(text, rules=None):
    return classify(text, rules or default_rule_set())


@pytest.mark.parametrize(("text", "reason"), [
    ("had a heart attack and stents 4 yrs ago, need a cardiology referral", "past event"),
    ("tuve un infarto hace 6 años y necesito mi referencia al cardiólogo", "past event"),
    ("my mom died of a heart attack at 60, should I get checked", "past event"),
    ("this paperwork is giving me a heart attack lol", "figure of speech"),
    ("what are the signs of a heart attack? asking for my dad", "question about information"),
    ("cuales son las señales de un infarto", "question about information"),
    ("the nurse said to call 911 if I get chest pain, how will I know", "if it happens"),
])
def test_urgency_words_about_something_else_are_lowered_and_explained(text, reason):
    result = triage(text)

    assert result.urgency != "emergency"
    assert any(m.get("lowered") == reason for m in result.as_dict()["matched"])


@pytest.mark.parametrize("text", [
    "I had a heart attack in 2019 and now my chest is crushing",
    "tuve un infarto hace años y ahora me duele el pecho muy fuerte",
    "my dad had a stroke last year and today his face is drooping",
])
def test_a_present_sign_keeps_the_emergency(text):
    assert triage(text).urgency == "emergency"


def test_a_practice_rule_that_is_not_negatable_is_never_lowered():
    rules = RuleSet.build(default_rule_set(), additions=[{
        "id": "practice_cardiac_history", "phrases": ["heart attack"], "negatable": False,
        "sets_urgency": "urgent", "priority": 200}])

    result = triage("had a heart attack 5 years ago, need a referral", rules)

    assert result.urgency == "urgent" and result.urgency_rule == "practice_cardiac_history"


@pytest.mark.parametrize("text", [
    "my 2 yr old got into the pill box and some are missing",
    "mi niña de 3 años se tomó las pastillas de su abuelo",
    "my 3 week old is floppy and hard to wake",
    "mi bebito de 2 meses esta aguadito y no se despierta",
    "toddler has had no wet diaper since last night",
    "34 weeks and the baby hasnt moved since this morning",
    "tengo 33 semanas y veo lucecitas y tengo las manos hinchadas",
    "surgery 3 days ago and now fever of 103 with chills",
    "my diabetic husband is acting drunk and sweating",
    "azucar en 38 y no me contesta bien",
    "bumped his head yesterday and now keeps asking the same thing and threw up",
    "I don't see the point anymore and I bought a gun",
    "ya me despedí de todos, tengo guardadas las pastillas",
])
def test_emergencies_told_as_what_someone_sees(text):
    assert triage(text).urgency == "emergency"


@pytest.mark.parametrize("text", [
    "been throwing up since last night and cant keep water down",
    "fever 101 and the redness on my leg is spreading",
    "found a hard lump in my breast",
    "painful blisters on just the left side of my chest",
    "my bp was 182/105 twice this morning",
    "me salieron ronchas con el antibiotico nuevo",
])
def test_symptom_with_acuity_is_same_day(text):
    assert triage(text).urgency == "urgent"

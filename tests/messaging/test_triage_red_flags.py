"""The red-flag tier: an emergency the emergency rules miss should still reach a
person the same day.

NEAR_MISSES are emergency paraphrases written so that no emergency rule
matches them (checked below); they are deliberately kept out of CASES. With
every emergency rule switched off (and without the learned model), each must still
come out `urgent`, so the test exercises the red-flag rules alone and keeps doing so when a later
widening of the emergency families starts catching some of them.
"""

import pytest

from messaging.triage import RuleSet, classify, default_rule_set
from messaging.triage.default_rules import EMERGENCY_RULES, RED_FLAG_RULES
from tests.messaging.triage_cases import CASES, EMERGENCY_CATEGORIES

EN, ES = "en", "es"

# (text, emergency category it paraphrases, language)
NEAR_MISSES = [
    ("something is off in my chest tonight, hard to describe, really uneasy", "chest_pain", EN),
    ("my heart is doing something weird right now, fluttering and im lightheaded",
     "chest_pain", EN),
    ("son is wheezy tonight and the albuterol barely does anything", "breathing", EN),
    ("mom sounded really off on the phone just now, mixing up names and totally lost",
     "stroke", EN),
    ("vision in one eye went dark all of a sudden and my arm feels funny", "stroke", EN),
    ("theres still blood coming from where i cut my finger, its been a while",
     "severe_bleeding", EN),
    ("the cut on my hand has soaked the bandaid twice already and its still going",
     "severe_bleeding", EN),
    ("grandma is really confused today and doesnt know where she is",
     "unconscious_or_confused_after_fall", EN),
    ("husband slumped over at dinner for a few seconds, hes awake now but really pale",
     "unconscious_or_confused_after_fall", EN),
    ("everyone would be fine without me, i keep thinking about it tonight",
     "suicide_self_harm_overdose", EN),
    ("my 7 week old is warm and really fussy", "infant_fever", EN),
    ("threw up and there was red in it, quite a bit", "vomiting_blood", EN),
    ("this headache came on fast at work and its the most intense ive had",
     "worst_headache", EN),
    ("bee sting on my neck and my throat feels scratchy and weird now", "allergic_reaction", EN),
    ("20 wks and seeing bright red when i wipe, more than spotting", "pregnancy_bleeding", EN),
    ("me siento muy rara del pecho ahorita, como que me late fuerte", "chest_pain", ES),
    ("a mi hijo le chifla mucho el pecho y respira con la boca abierta", "breathing", ES),
    ("de repente se me nubló la vista de un ojo y se me duerme la mano", "stroke", ES),
    ("sigue saliendo sangre de la cortada, ya llevo rato apretando", "severe_bleeding", ES),
    ("mi mamá está muy confundida hoy, no sabe ni dónde está",
     "unconscious_or_confused_after_fall", ES),
    ("ya nada tiene sentido, hoy me siento peor que nunca", "suicide_self_harm_overdose", ES),
    ("se tomó como 10 pastillas de las mías, no sé de qué", "suicide_self_harm_overdose", ES),
    # (the earlier "mi bebé de 6 semanas está calientito y no quiere comer" is now caught by
    # em_infant_unresponsive_es and moved to triage_cases.py; this one replaces it)
    ("mi bebita de 7 semanas amaneció calientita y muy llorona", "infant_fever", ES),
    ("vomité y salió rojo, bastante", "vomiting_blood", ES),
]


# Hard negatives: body-part words in business, denial, mild versions, history
# without an emergency word. The tier must leave them routine.
ROUTINE_LOOKALIKES = [
    "can i get my chest x ray results",
    "need to schedule my blood work appointment for next week",
    "please refill my heart meds, i have a week left",
    "no chest pain today, just want to know if my ekg was normal",
    "sore throat and swollen glands for 2 days",
    "pregnant and need my blood test results",
    "my nose bled for a minute this morning and stopped",
    "is shortness of breath a side effect of lisinopril",
    "me pueden mandar los resultados de la radiografia de pecho",
    "quiero hacer cita para sacarme sangre",
    "tengo la garganta un poco hinchada por la gripa",
    "no tengo dolor de pecho hoy, solo necesito mi receta",
    "can i get a refill on my asthma inhaler today",
    "my breathing is much better now, thanks",
    "necesito mi receta del asma hoy",
]

EMERGENCY_IDS = [rule["id"] for rule in EMERGENCY_RULES]
RED_FLAG_IDS = [rule["id"] for rule in RED_FLAG_RULES]


def _without(ids: list[str]) -> RuleSet:
    return RuleSet.build(default_rule_set(),
                         overrides=[{"id": rule_id, "enabled": False} for rule_id in ids])


@pytest.fixture(scope="module")
def tier_only():
    """The defaults with every emergency rule switched off."""
    return _without(EMERGENCY_IDS)


def test_near_misses_cover_every_category_in_both_languages():
    assert len(NEAR_MISSES) >= 20
    assert {category for _, category, _ in NEAR_MISSES} == set(EMERGENCY_CATEGORIES)
    assert {language for *_, language in NEAR_MISSES} == {EN, ES}
    texts = {text for text, *_ in CASES}
    assert not texts & {text for text, *_ in NEAR_MISSES}, "near misses must stay out of CASES"


@pytest.mark.parametrize(("text", "category", "language"), NEAR_MISSES)
def test_no_emergency_rule_matches_a_near_miss(text, category, language):
    matched = [match.rule_id for match in classify(text, default_rule_set()).matched
               if match.rule_id in EMERGENCY_IDS and not match.negated]
    assert not matched, (f"{text!r} is now caught by {matched}: add it to triage_cases.py "
                         "and write a fresh near miss here")


@pytest.mark.parametrize(("text", "category", "language"), NEAR_MISSES)
def test_a_missed_emergency_still_reaches_a_person_the_same_day(text, category, language,
                                                                 tier_only):
    assert classify(text, default_rule_set()).urgency in ("emergency", "urgent")
    result = classify(text, tier_only, model=None)
    assert result.urgency == "urgent", (text, [m.rule_id for m in result.matched])
    assert result.urgency_rule in RED_FLAG_IDS


def test_without_the_tier_the_near_misses_fall_back_to_routine(tier_only):
    # The property above is the tier's doing: switch it off too and most land routine.
    neither = _without(EMERGENCY_IDS + RED_FLAG_IDS)
    routine = [text for text, *_ in NEAR_MISSES
               if classify(text, neither, model=None).urgency == "routine"]
    assert len(routine) >= len(NEAR_MISSES) * 0.8


@pytest.mark.parametrize("text", ROUTINE_LOOKALIKES)
def test_red_flags_leave_routine_lookalikes_alone(text, tier_only):
    result = classify(text, tier_only, model=None)
    assert result.urgency == "routine", (text, [m.rule_id for m in result.matched])


def test_red_flags_respect_negation(tier_only):
    for text in ("no chest pain right now", "sin sangrado hoy", "not bleeding anymore today",
                 "no tengo dolor de pecho ahorita"):
        assert classify(text, tier_only, model=None).urgency == "routine", text


def test_red_flags_set_urgent_only_and_never_a_topic():
    for rule in RED_FLAG_RULES:
        assert rule["sets_urgency"] == "urgent", rule["id"]
        assert "sets_topic" not in rule, rule["id"]
        assert rule["priority"] < 100, rule["id"]
        assert rule.get("negatable", True), rule["id"]


def test_an_emergency_rule_still_wins_over_a_red_flag():
    result = classify("crushing chest pain right now", default_rule_set())
    assert result.urgency == "emergency"
    assert result.urgency_rule == "em_chest_pain_en"


def test_red_flags_promote_few_routine_messages_in_the_labelled_data(tier_only):
    # With the emergency rules off nothing hides the tier: count what it makes
    # urgent among the messages labelled routine.
    routine = [text for text, urgency, *_ in CASES if urgency == "routine"]
    promoted = [text for text in routine
                if classify(text, tier_only, model=None).urgency == "urgent"]
    assert len(promoted) <= 0.05 * len(routine), promoted

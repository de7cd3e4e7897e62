"""Rules as data: validation, per-practice overrides, versions and compile caching."""

import pytest

from messaging.triage import (
    Rule,
    RuleError,
    RuleSet,
    classify,
    default_rule_set,
    engine,
    validate_rule,
)
from messaging.triage.default_rules import DEFAULT_RULES

VALID = {"id": "practice_flu_shot", "phrases": ["flu shot"], "sets_topic": "scheduling",
         "priority": 40}


def error_for(data) -> str:
    with pytest.raises(RuleError) as caught:
        validate_rule(data)
    return str(caught.value)


# --- validation ---------------------------------------------------------------

def test_a_valid_rule_round_trips_through_a_dict():
    rule = validate_rule(VALID)
    assert Rule.from_dict(rule.as_dict()) == rule
    assert rule.phrases == ("flu shot",)


def test_every_default_rule_round_trips_through_a_dict():
    for data in DEFAULT_RULES:
        rule = Rule.from_dict(data)
        assert Rule.from_dict(rule.as_dict()) == rule


def test_missing_id_is_refused():
    assert "missing 'id'" in error_for({"phrases": ["x"], "sets_topic": "billing"})


def test_rule_without_phrases_or_patterns_is_refused_by_name():
    message = error_for({"id": "empty_rule", "sets_topic": "billing"})
    assert "rule 'empty_rule'" in message and "neither phrases nor patterns" in message


def test_unknown_urgency_is_refused_with_the_allowed_values():
    message = error_for({**VALID, "sets_urgency": "critical"})
    assert "unknown urgency 'critical'" in message and "emergency, urgent, routine" in message


def test_unknown_topic_is_refused():
    assert "unknown topic 'pharmacy'" in error_for({**VALID, "sets_topic": "pharmacy"})


def test_unknown_field_is_refused():
    assert "unknown field(s) phrase" in error_for({**VALID, "phrase": ["typo"]})


def test_pattern_that_does_not_compile_is_refused():
    message = error_for({**VALID, "patterns": ["chest (pain"]})
    assert "rule 'practice_flu_shot'" in message and "does not compile" in message


def test_pattern_matching_the_empty_string_is_refused():
    assert "empty string" in error_for({**VALID, "patterns": ["(?:flu)?"]})


def test_phrase_that_is_empty_after_normalising_is_refused():
    assert "empty after normalisation" in error_for({**VALID, "phrases": ["?!"]})


@pytest.mark.parametrize("pattern", ["(a+)+b", "(a*)*b", "(a|a)*b", "(?:\\w+ ?)+x"])
def test_pattern_that_can_backtrack_catastrophically_is_refused(pattern):
    assert "backtrack" in error_for({**VALID, "patterns": [pattern]})


def test_pattern_that_can_span_the_whole_text_is_refused():
    assert "span words without a limit" in error_for({**VALID, "patterns": ["chest.*pain"]})


def test_bounded_word_gap_is_accepted():
    rule = validate_rule({**VALID, "patterns": [r"chest(?: \w+){0,3} pain"]})
    assert rule.patterns == (r"chest(?: \w+){0,3} pain",)


def test_pattern_with_accents_is_refused_because_text_is_normalised():
    assert "write 'corazon'" in error_for({**VALID, "patterns": ["corazón"]})


def test_rule_with_when_topic_cannot_set_the_topic():
    assert "when_topic" in error_for({**VALID, "when_topic": "refill"})


def test_duplicate_ids_in_a_rule_set_are_refused():
    with pytest.raises(RuleError, match="duplicate id"):
        RuleSet.from_dicts([VALID, VALID])


# --- per-practice rule sets -------------------------------------------------------

def test_practice_addition_changes_the_result_while_the_defaults_do_not_change():
    # Given a practice rule that makes "flu shot" a scheduling request
    practice = RuleSet.build(default_rule_set(), additions=[VALID])
    # When the same message is classified with each rule set
    text = "can I get a flu shot?"
    # Then only the practice's rule set uses the new rule
    # (rules alone: the learned model may well call it scheduling too, see test_triage_model)
    assert classify(text, practice, model=None).topic == "scheduling"
    assert classify(text, default_rule_set(), model=None).topic != "scheduling"


def test_override_replaces_the_default_rule_with_the_same_id():
    override = {**default_rule_set().get("ur_high_fever").as_dict(), "sets_urgency": "routine"}
    practice = RuleSet.build(default_rule_set(), overrides=[override])
    assert classify("fever of 103", practice, model=None).urgency == "routine"
    assert classify("fever of 103", default_rule_set(), model=None).urgency == "urgent"


def test_override_can_disable_a_default_rule():
    practice = RuleSet.build(default_rule_set(),
                             overrides=[{"id": "ur_high_fever", "enabled": False}])
    assert classify("fever of 103", practice, model=None).urgency == "routine"


def test_override_for_an_unknown_id_is_refused():
    with pytest.raises(RuleError, match="no default rule has this id"):
        RuleSet.build(default_rule_set(), overrides=[{"id": "nope", "enabled": False}])


def test_addition_reusing_a_default_id_is_refused():
    with pytest.raises(RuleError, match="already has this id"):
        RuleSet.build(default_rule_set(), additions=[{**VALID, "id": "ur_high_fever"}])


# --- versions and compile caching --------------------------------------------------

def test_equal_rule_sets_have_the_same_version_and_others_differ():
    same = RuleSet.build(DEFAULT_RULES)
    other = RuleSet.build(DEFAULT_RULES, additions=[VALID])
    assert same.version == default_rule_set().version
    assert other.version != same.version


def test_rule_set_is_compiled_once_per_version(monkeypatch):
    # Given a rule set that has been used once
    rules = RuleSet.build(DEFAULT_RULES, additions=[{**VALID, "id": "cache_probe"}])
    classify("hello", rules)
    # When an equal rule set is built again and used, nothing is compiled
    def refuse(*args, **kwargs):
        raise AssertionError("re.compile called again")
    monkeypatch.setattr(engine.re, "compile", refuse)
    again = RuleSet.build(DEFAULT_RULES, additions=[{**VALID, "id": "cache_probe"}])
    classify("my chest hurts", again)
    # Then both share the same compiled form
    assert engine.compiled_rule_set(rules) is engine.compiled_rule_set(again)

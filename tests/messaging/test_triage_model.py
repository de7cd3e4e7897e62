"""The learned model: it only raises, explains itself, trains deterministically,
trains in process when its file is missing, and yields to a practice's own rules."""

import json

import pytest

from messaging.triage import RuleSet, classify, default_rule_set
from messaging.triage import model as triage_model
from messaging.triage.blend import WEAK_TOPIC_PRIORITY, Thresholds, decide
from messaging.triage.data import labelled_rows
from messaging.triage.engine import FLOOR_RULE, MODEL_RULE
from messaging.triage.model import Prediction, Settings, default_model, train
from messaging.triage.normalise import normalise

SEVERITY = {"emergency": 0, "urgent": 1, "routine": 2}


def _prediction(emergency: float, urgent: float, topic: str = "other",
                probability: float = 0.9) -> Prediction:
    topics = {name: (1 - probability) / 8 for name in
              ("scheduling", "refill", "test_result", "records", "billing", "referral",
               "tech_support", "clinical_question", "other")}
    topics[topic] = probability
    return Prediction(emergency, urgent, topics, {"emergency": (("chest", 1.0),),
                                                  "urgent": (("chest", 1.0),),
                                                  "topic": (("bill", 1.0),)})


@pytest.mark.parametrize("rule_urgency", ["emergency", "urgent", "routine"])
@pytest.mark.parametrize(("emergency", "urgent"), [(0.0, 0.0), (0.0, 0.99), (0.99, 0.99)])
def test_the_model_never_lowers_the_rules_urgency(rule_urgency, emergency, urgent):
    decision = decide(_prediction(emergency, urgent), rule_urgency, "other", None)
    assert SEVERITY[decision.urgency] <= SEVERITY[rule_urgency]


def test_on_real_messages_the_result_is_never_below_the_rules_alone():
    rules = default_rule_set()
    for text, *_ in [row.case for row in labelled_rows("set_a")][:150]:
        with_model = classify(text, rules).urgency
        rules_only = classify(text, rules, model=None).urgency
        assert SEVERITY[with_model] <= SEVERITY[rules_only], text


def test_a_rule_emergency_stays_an_emergency_when_the_model_disagrees():
    decision = decide(_prediction(0.01, 0.01), "emergency", "clinical_question", None)
    assert (decision.urgency, decision.raised) == ("emergency", None)


def test_an_emergency_the_rules_miss_is_raised_with_its_evidence():
    # A blind-set emergency no emergency rule matches (rules alone: not an emergency).
    text = ("my 2 yr old got into grandmas purse and we think she ate some of her little "
            "white pills, dont know how many. shes acting really sleepy and wobbly")
    result = classify(text, default_rule_set())
    assert result.urgency == "emergency"
    data = result.as_dict()
    json.dumps(data)
    assert data["model"]["version"] == default_model().version
    evidence = data["model"]["evidence"]["emergency"]
    assert evidence and all(item["weight"] > 0 for item in evidence)
    assert all(item["words"] in normalise(text).text for item in evidence)
    if result.urgency_rule == MODEL_RULE:
        assert data["model"]["raised_urgency"] == "emergency"
        assert any(m["rule_id"] == MODEL_RULE for m in data["matched"])


def test_a_plain_routine_message_is_left_alone():
    result = classify("hello there", default_rule_set())
    assert (result.urgency, result.matched) == ("routine", ())
    assert result.model["raised_urgency"] is None


def test_the_model_decides_the_topic_only_where_the_rules_fell_back_or_were_weak():
    weak = default_rule_set().get("tp_symptoms")  # priority 8
    strong = default_rule_set().get("tp_tech_failure")  # priority 35
    assert weak.priority <= WEAK_TOPIC_PRIORITY < strong.priority
    billing = _prediction(0.0, 0.0, "billing", 0.95)
    assert decide(billing, "routine", "other", None).topic == "billing"
    assert decide(billing, "routine", "clinical_question", weak).topic == "billing"
    assert decide(billing, "routine", "tech_support", strong).topic == "tech_support"
    assert decide(_prediction(0.0, 0.0, "billing", 0.3), "routine", "other", None
                  ).topic == "other"


def test_a_practice_rule_keeps_its_topic_against_the_model():
    # A practice rule that wins among the rules (priority 40) decides, even where the
    # model would put the message elsewhere.
    own = {"id": "riverside_flu", "phrases": ["flu shot"], "sets_topic": "records",
           "priority": 40}
    practice = RuleSet.build(default_rule_set(), additions=[own])
    result = classify("can I get a flu shot?", practice)
    assert (result.topic, result.topic_rule) == ("records", "riverside_flu")
    assert decide(_prediction(0.0, 0.0, "billing", 0.99), "routine", "records",
                  practice.get("riverside_flu")).topic == "records"


def test_a_practice_rule_still_raises_urgency_with_the_model_on():
    own = {"id": "riverside_post_op", "phrases": ["stitches"], "sets_urgency": "urgent",
           "priority": 60}
    practice = RuleSet.build(default_rule_set(), additions=[own])
    result = classify("question about my stitches", practice)
    assert result.urgency == "urgent" and result.urgency_rule == "riverside_post_op"


def test_switching_a_default_urgent_rule_off_does_not_switch_the_model_off():
    practice = RuleSet.build(default_rule_set(),
                             overrides=[{"id": "ur_high_fever", "enabled": False}])
    assert classify("fever of 103", practice, model=None).urgency == "routine"
    assert classify("fever of 103 since last night and the chills are getting worse",
                    practice).urgency in ("urgent", "emergency")


def test_the_floor_makes_a_symptom_happening_now_at_least_urgent():
    result = classify("my side pain is getting worse", RuleSet(), model=None)
    assert (result.urgency, result.urgency_rule) == ("urgent", FLOOR_RULE)
    assert FLOOR_RULE in [m.rule_id for m in result.matched]


@pytest.mark.parametrize("text", [
    "no pain now",
    "had severe pain in 2019, can i book a checkup",
    "my breathing is much better now, thanks",
    "pain",
])
def test_the_floor_leaves_denied_past_and_improving_symptoms_alone(text):
    assert classify(text, RuleSet(), model=None).urgency == "routine"


def test_training_is_deterministic_same_data_same_weights_same_version():
    examples = [(row.text, row.urgency, row.topic) for row in labelled_rows("set_b")][:250]
    settings = Settings(epochs=3)
    first, second = train(examples, settings), train(examples, settings)
    assert first.weights == second.weights and first.bias == second.bias
    assert first.version == second.version
    other = train(examples[:-1], settings)
    assert other.version != first.version


def test_the_triage_version_changes_when_the_model_changes():
    rules = default_rule_set()
    examples = [(row.text, row.urgency, row.topic) for row in labelled_rows("set_c")][:120]
    small = train(examples, Settings(epochs=2))
    shipped = classify("hello", rules).rules_version
    assert classify("hello", rules, model=small).rules_version != shipped
    assert classify("hello", rules, model=None).rules_version == rules.version != shipped


def test_a_missing_model_file_is_trained_in_process_and_written(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    monkeypatch.setenv("VPM_TRIAGE_MODEL", str(path))
    shipped_version = default_model().version
    triage_model.reset_default_model()
    try:
        model = default_model()
        assert path.exists()
        assert model.version == shipped_version  # same data, same settings
        assert triage_model.load(path).version == model.version
    finally:
        triage_model.reset_default_model()


def test_a_stored_model_from_other_data_is_retrained(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    examples = [(row.text, row.urgency, row.topic) for row in labelled_rows("set_a")][:60]
    triage_model.save(train(examples, Settings(epochs=1)), path)
    monkeypatch.setenv("VPM_TRIAGE_MODEL", str(path))
    triage_model.reset_default_model()
    try:
        assert not triage_model.is_current(triage_model.load(path))
        default_model()
        assert triage_model.is_current(triage_model.load(path))
    finally:
        triage_model.reset_default_model()


def test_thresholds_are_probabilities():
    shipped = Thresholds()
    assert 0 < shipped.emergency <= 1 and 0 < shipped.urgent <= 1 and 0 < shipped.topic <= 1

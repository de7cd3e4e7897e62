"""A practice's own triage rules and routing: stored, validated, and its alone."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from messaging.models import TriageRule
from messaging.selectors import triage_for_practice, triage_rules_for_practice
from messaging.services import triage_routing_save, triage_rule_delete, triage_rule_save
from messaging.triage import default_rule_set

# Riverside runs a Saturday flu-shot clinic: a question about it is scheduling,
# where the defaults read "flu" as a clinical question.
FLU_CLINIC_RULE = {"id": "riverside_flu_clinic", "phrases": ["flu clinic", "flu shot clinic"],
                   "sets_topic": "scheduling", "priority": 50}
MESSAGE = "is the saturday flu clinic still on"


def _triage_json(capsys, *args):
    call_command("triage", *args)
    line = capsys.readouterr().out.strip()
    assert "\n" not in line
    return json.loads(line)


def test_a_practice_rule_changes_its_result_and_no_other_practices(practice, other_practice):
    default_topic = triage_for_practice(MESSAGE, practice).topic
    assert default_topic != "scheduling"

    triage_rule_save(practice=practice, definition=FLU_CLINIC_RULE)

    ours = triage_for_practice(MESSAGE, practice)
    assert (ours.topic, ours.team, ours.topic_rule) == (
        "scheduling", "registration", "riverside_flu_clinic")
    assert triage_for_practice(MESSAGE, other_practice).topic == default_topic


def test_an_override_replaces_the_default_rule_of_that_practice_only(practice, other_practice):
    default = triage_for_practice("can i get a copy of my bill", other_practice)
    assert default.topic == "billing"
    billing_rule = next(m.rule_id for m in default.matched)
    # A practice's own rule keeps the topic it decides (switching a topic rule off only
    # hands the topic to the learned model, which also says billing here).
    replaced = {**default_rule_set().get(billing_rule).as_dict(), "sets_topic": "records"}
    triage_rule_save(practice=practice, definition=replaced)

    assert triage_for_practice("can i get a copy of my bill", practice).topic == "records"
    assert triage_for_practice("can i get a copy of my bill", other_practice).topic == "billing"

    triage_rule_delete(practice=practice, rule_id=billing_rule)
    assert triage_for_practice("can i get a copy of my bill", practice).topic == "billing"


def test_a_practices_team_map_and_targets_route_only_its_messages(practice, other_practice):
    triage_routing_save(practice=practice, team_map={"billing": "records"},
                        response_targets={"routine": 1440})

    ours = triage_for_practice("question about my bill", practice)
    theirs = triage_for_practice("question about my bill", other_practice)
    assert (ours.team, ours.response_target_minutes) == ("records", 1440)
    assert (theirs.team, theirs.response_target_minutes) == ("registration", 2880)


@pytest.mark.parametrize(("definition", "message"), [
    ({"id": "bad", "patterns": ["(unclosed"], "sets_topic": "billing"}, "does not compile"),
    ({"id": "empty", "patterns": ["x*"], "sets_topic": "billing"}, "empty"),
    ({"id": "nothing", "phrases": ["bill"]}, "does nothing"),
    ({"id": "typo", "phrases": ["bill"], "sets_topik": "billing"}, "unknown field"),
    ({"phrases": ["bill"], "sets_topic": "billing"}, "missing 'id'"),
    ("not a rule", "must be an object"),
])
def test_an_invalid_rule_is_refused_with_a_clear_message_and_nothing_is_stored(
        practice, definition, message):
    with pytest.raises(ValidationError, match=message):
        triage_rule_save(practice=practice, definition=definition)
    assert not TriageRule.objects.exists()


def test_the_emergency_safety_net_cannot_be_switched_off_by_a_practice(practice):
    emergency_id = triage_for_practice("i have chest pain", practice).urgency_rule
    with pytest.raises(ValidationError, match="emergency safety net"):
        triage_rule_save(practice=practice, definition={"id": emergency_id, "enabled": False})
    assert triage_for_practice("i have chest pain", practice).urgency == "emergency"


@pytest.mark.parametrize(("team_map", "targets", "message"), [
    ({"billing": "accounting"}, None, "must be a team"),
    ({"parking": "records"}, None, "not a topic"),
    (None, {"urgent": -5}, "whole number of minutes"),
    (None, {"urgent": "soon"}, "whole number of minutes"),
    (["billing"], None, "Give an object"),
])
def test_invalid_routing_is_refused_and_nothing_changes(practice, team_map, targets, message):
    triage_routing_save(practice=practice, team_map={"billing": "records"})
    with pytest.raises(ValidationError, match=message):
        triage_routing_save(practice=practice, team_map=team_map, response_targets=targets)
    assert triage_for_practice("my bill", practice).team == "records"


def test_a_stored_rule_the_engine_no_longer_accepts_is_skipped_not_fatal(practice):
    TriageRule.objects.create(practice=practice, rule_id="broken",
                              definition={"id": "broken", "patterns": ["("]})
    rules = triage_rules_for_practice(practice)
    assert rules.get("broken") is None
    assert triage_for_practice("need to reschedule my appointment", practice).topic == \
        "scheduling"


def test_triage_command_prints_one_json_line_with_the_defaults(capsys, db):
    answer = _triage_json(capsys, "i ran out of my blood pressure pills today")
    assert set(answer) >= {"urgency", "topic", "team", "response_target", "matched"}
    assert (answer["urgency"], answer["topic"]) == ("urgent", "refill")
    assert all({"rule_id", "words"} <= set(match) for match in answer["matched"])


def test_triage_command_uses_the_practices_rules(capsys, practice, other_practice):
    triage_rule_save(practice=practice, definition=FLU_CLINIC_RULE)
    assert _triage_json(capsys, MESSAGE, "--practice", "riverside")["topic"] == "scheduling"
    assert _triage_json(capsys, MESSAGE, "--practice", "lakeview")["topic"] != "scheduling"


def test_triage_command_with_an_unknown_practice_says_so(db):
    with pytest.raises(CommandError, match="No practice with the slug 'nowhere'"):
        call_command("triage", "hello", "--practice", "nowhere")


def test_triage_command_answers_an_emergency_in_spanish(capsys, db):
    answer = _triage_json(capsys, "me duele mucho el pecho y no puedo respirar")
    assert answer["urgency"] == "emergency" and answer["response_target"] == 0


def test_benchmark_command_reports_messages_per_second(capsys, db):
    call_command("triage_benchmark", "--messages", "50", "--chars", "500")
    out = capsys.readouterr().out
    per_second = int(next(line for line in out.splitlines()
                          if line.startswith("messages_per_second")).split()[-1])
    assert per_second > 0

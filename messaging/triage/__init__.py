"""Message triage: urgency, topic and team for a patient portal message.

A routing aid for front-office staff, not a clinical decision. Pure Python
(no Django imports); see docs/triage.md.

    from messaging.triage import classify, default_rule_set
    result = classify("my chest feels tight", default_rule_set())
    result.urgency, result.topic, result.team  # "emergency", "clinical_question", "triage"
"""

from .default_rules import DEFAULT_RULES, default_rule_set
from .defaults import (
    DEFAULT_RESPONSE_TARGETS,
    DEFAULT_TEAM_MAP,
    EMERGENCY_REPLY,
    TEAMS,
    TOPICS,
    URGENCIES,
    describe_target,
)
from .engine import Match, Triage, TriageInputError, classify, compiled_rule_set
from .rules import Rule, RuleError, RuleSet, validate_rule

__all__ = [
    "DEFAULT_RESPONSE_TARGETS",
    "DEFAULT_RULES",
    "DEFAULT_TEAM_MAP",
    "EMERGENCY_REPLY",
    "TEAMS",
    "TOPICS",
    "URGENCIES",
    "Match",
    "Rule",
    "RuleError",
    "RuleSet",
    "Triage",
    "TriageInputError",
    "classify",
    "compiled_rule_set",
    "default_rule_set",
    "describe_target",
    "validate_rule",
]

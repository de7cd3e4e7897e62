"""A practice's own triage rules and routing, on top of the shipped defaults.

The engine (`messaging.triage`) is pure Python; these rows are what a
practice changes. `selectors.triage_rules_for_practice` turns them into a
validated `RuleSet`; `services.triage_rule_save` refuses a rule that would
is not valid or would weaken the emergency safety net.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from messaging.triage import TEAMS, TOPICS, URGENCIES
from vpm.practices.tenancy import TenantModel


class TriageRule(TenantModel):
    """One rule of a practice: an override of a default rule (same id), or an
    addition (a new id). `definition` is the rule as JSON, in the format of
    docs/triage.md; {"id": "...", "enabled": false} switches a default off."""

    rule_id = models.CharField(max_length=100)
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "rule_id"],
                                    name="triage_rule_unique_per_practice"),
        ]

    def __str__(self):
        return self.rule_id


class TriageRouting(models.Model):
    """Where a practice sends each topic, and how fast it answers each urgency.

    Missing keys fall back to the defaults (DEFAULT_TEAM_MAP,
    DEFAULT_RESPONSE_TARGETS), so a practice only stores what it changed.
    """

    practice = models.OneToOneField("practices.Practice", on_delete=models.CASCADE,
                                    related_name="triage_routing")
    team_map = models.JSONField(default=dict, blank=True,
                                help_text='Topic to team, e.g. {"billing": "records"}.')
    response_targets = models.JSONField(
        default=dict, blank=True, help_text='Minutes per urgency, e.g. {"urgent": 120}.')
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Triage routing of {self.practice}"

    def clean(self):
        errors = {}
        team_problem = _mapping_problem(self.team_map, TOPICS, "topic",
                                        lambda team: team in TEAMS,
                                        f"a team ({', '.join(TEAMS)})")
        if team_problem:
            errors["team_map"] = team_problem
        target_problem = _mapping_problem(
            self.response_targets, URGENCIES, "urgency",
            lambda minutes: isinstance(minutes, int) and not isinstance(minutes, bool)
            and 0 <= minutes <= 60 * 24 * 30,
            "a whole number of minutes from 0 to 43200")
        if target_problem:
            errors["response_targets"] = target_problem
        if errors:
            raise ValidationError(errors)


def _mapping_problem(value, keys, key_name, value_ok, value_name) -> str | None:
    if not isinstance(value, dict):
        return f"Give an object of {key_name} to value."
    for key, item in value.items():
        if key not in keys:
            return f"'{key}' is not a {key_name}; use one of: {', '.join(keys)}."
        if not value_ok(item):
            return f"The value for '{key}' must be {value_name}."
    return None

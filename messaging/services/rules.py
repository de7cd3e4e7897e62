"""Changes to a practice's triage rules and routing, each validated before it is stored."""

from django.core.exceptions import ValidationError
from django.db import transaction

from messaging.models import TriageRouting, TriageRule
from messaging.triage import RuleError, default_rule_set, validate_rule


def triage_rule_save(*, practice, definition, actor=None) -> TriageRule:
    """Store a practice rule: an override when its id is a default rule's, else an addition.

    Raises ValidationError with a message for the manager when the rule is
    not valid, or would weaken the emergency safety net.
    """
    try:
        rule = validate_rule(definition)
    except (RuleError, TypeError) as error:
        raise ValidationError(f"This rule cannot be saved: {error}") from None
    default = default_rule_set().get(rule.id)
    if default is not None and default.sets_urgency == "emergency":
        # Missing an emergency is far worse than a false alarm: a practice may
        # add emergency rules, but not switch off or narrow the shipped ones.
        raise ValidationError(
            f"'{rule.id}' is part of the emergency safety net and cannot be changed; "
            "add a rule of your own (with a new id) instead.")
    stored, _ = TriageRule.objects.update_or_create(
        practice=practice, rule_id=rule.id,
        defaults={"definition": rule.as_dict(), "updated_by": actor})
    return stored


def triage_rule_delete(*, practice, rule_id) -> bool:
    """Remove a practice rule (an override goes back to the shipped default)."""
    deleted, _ = TriageRule.objects.for_practice(practice).filter(rule_id=rule_id).delete()
    return bool(deleted)


def triage_routing_save(*, practice, team_map=None, response_targets=None) -> TriageRouting:
    """Set where topics go and how fast urgencies are answered; only the given keys change."""
    for name, value in (("team_map", team_map), ("response_targets", response_targets)):
        if value is not None and not isinstance(value, dict):
            raise ValidationError({name: "Give an object, e.g. {\"billing\": \"records\"}."})
    with transaction.atomic():
        routing, _ = TriageRouting.objects.select_for_update().get_or_create(practice=practice)
        routing.team_map = {**routing.team_map, **(team_map or {})}
        routing.response_targets = {**routing.response_targets, **(response_targets or {})}
        routing.full_clean(exclude=["practice"])
        routing.save()
    return routing

"""Reads for triage: a practice's rule set and routing, and classifying with them."""

import json
import logging
from functools import lru_cache

from django.shortcuts import get_object_or_404

from messaging.triage import RuleError, RuleSet, Triage, classify, default_rule_set, validate_rule

from .models import Message, RefillRequest, Thread, TriageRouting, TriageRule

logger = logging.getLogger(__name__)


def triage_rules_for_practice(practice) -> RuleSet:
    """The shipped defaults with the practice's overrides and additions (one query).

    The rule set is built once per distinct content of the practice's rows
    and reused (building and validating costs about a millisecond).
    """
    rows = TriageRule.objects.for_practice(practice).order_by("rule_id") \
        .values_list("rule_id", "definition")
    return _rule_set_for_rows(tuple((rule_id, json.dumps(definition, sort_keys=True))
                                    for rule_id, definition in rows))


@lru_cache(maxsize=512)
def _rule_set_for_rows(rows: tuple[tuple[str, str], ...]) -> RuleSet:
    """Rows were validated when saved. A row that a later release of the engine
    no longer accepts is skipped (and logged by rule id) rather than stopping
    every message of the practice from being triaged."""
    defaults = default_rule_set()
    default_ids = {rule.id for rule in defaults.rules}
    overrides, additions = [], []
    for rule_id, definition in rows:
        try:
            rule = validate_rule(json.loads(definition))
        except (RuleError, TypeError):
            logger.warning("Skipping invalid triage rule %s", rule_id)
            continue
        (overrides if rule.id in default_ids else additions).append(rule)
    if not overrides and not additions:
        return defaults
    return RuleSet.build(defaults, overrides=overrides, additions=additions)


def triage_routing_for_practice(practice) -> tuple[dict, dict]:
    """(team_map, response_targets) of the practice; empty dicts mean the defaults."""
    routing = TriageRouting.objects.filter(practice=practice) \
        .values_list("team_map", "response_targets").first()
    return routing or ({}, {})


def triage_for_practice(text: str, practice, *, routing=None) -> Triage:
    """Classify a message with the practice's own rules and routing
    (`routing`: triage_routing_for_practice's answer, when the caller has it)."""
    team_map, targets = routing or triage_routing_for_practice(practice)
    return classify(text, triage_rules_for_practice(practice), team_map=team_map,
                    targets=targets)


def triage_with_defaults(text: str) -> Triage:
    return classify(text, default_rule_set())


# --- Threads --------------------------------------------------------------

def threads_for_patient(*, practice, patient):
    """A patient's own threads (never another patient's), latest first."""
    return (Thread.objects.for_practice(practice).filter(patient=patient, merged_into__isnull=True)
            .order_by("-last_message_at", "id"))


def thread_for_patient(*, practice, patient, thread_id) -> Thread:
    """One of the patient's threads, or Http404 (also for another patient's)."""
    return get_object_or_404(threads_for_patient(practice=practice, patient=patient),
                             pk=thread_id)


def messages_for_patient(thread):
    """What the patient may read: everything except internal notes."""
    return (thread.messages.exclude(direction=Message.Direction.NOTE)
            .prefetch_related("attachments").order_by("created_at", "id"))


def messages_for_staff(thread):
    return (thread.messages.select_related("author").prefetch_related("attachments")
            .order_by("created_at", "id"))


def thread_for_staff(*, practice, thread_id) -> Thread:
    thread = get_object_or_404(
        Thread.objects.for_practice(practice).select_related("patient", "merged_into"),
        pk=thread_id)
    # The practice is the request's: no query to load it again from the thread or patient.
    thread.practice = practice
    if thread.patient is not None:
        thread.patient.practice = practice
    return thread


def refills_for_patient(*, practice, patient):
    return (RefillRequest.objects.for_practice(practice).filter(patient=patient)
            .order_by("-created_at", "id"))


THREAD_LIST_FILTERS = {
    "open": {"status__in": Thread.OPEN_STATUSES},
    "waiting": {"status": Thread.Status.WAITING},
    "unmatched": {"status__in": Thread.OPEN_STATUSES, "patient__isnull": True},
    "closed": {"status": Thread.Status.CLOSED},
}


def thread_list(*, practice, show="open", team=""):
    """The staff thread list: most urgent first, then latest activity (one query a page)."""
    threads = Thread.objects.for_list(practice).filter(**THREAD_LIST_FILTERS.get(show, {}))
    return threads.filter(team=team) if team else threads


def thread_list_counts(*, practice) -> dict:
    """How many threads each filter shows (one query), for the counts beside the filters.

    Every filter names statuses and a merged thread has its own status, so the
    count reads (practice, status, patient) from thread_counts_idx alone."""
    from django.db.models import Count, Q

    statuses = {*Thread.OPEN_STATUSES, Thread.Status.CLOSED}
    return Thread.objects.for_practice(practice).filter(status__in=statuses).aggregate(
        **{name: Count("practice", filter=Q(**conditions))
           for name, conditions in THREAD_LIST_FILTERS.items()})


# What {next_visit} says when no app knows of a booked visit.
NOT_BOOKED = {"en": "not booked yet", "es": "todavía sin reservar"}


def reply_template_values(*, thread, now) -> dict[str, str]:
    """The placeholders of reply templates for this thread, in its language: the
    patient's first name, and the next visit as scheduling words it (through
    vpm.notify.placeholders, so messaging does not import scheduling)."""
    from vpm.notify.placeholders import placeholder_value

    patient, language = thread.patient, thread.language
    next_visit = placeholder_value("next_visit", patient=patient, now=now,
                                   language=language) if patient else None
    return {"{patient_name}": patient.first_name if patient else "there",
            "{next_visit}": next_visit or NOT_BOOKED.get(language, NOT_BOOKED["en"])}


def reply_template_fill(template_body, *, values) -> str:
    """{patient_name} and {next_visit} filled in; any other brace is left as written."""
    for placeholder, value in values.items():
        template_body = template_body.replace(placeholder, value)
    return template_body


def reply_templates_for(*, practice, language):
    from .models import ReplyTemplate

    stored = list(ReplyTemplate.objects.for_practice(practice).filter(language=language))
    return stored or [ReplyTemplate(name=name, language=language, body=body)
                      for name, body in DEFAULT_REPLY_TEMPLATES.get(language, ())]


# Shipped until a manager writes the practice's own: continuity language, saying
# what was done and what happens next (M7).
DEFAULT_REPLY_TEMPLATES = {
    "en": (
        ("Passed to the care team",
         "Hi {patient_name}, I've documented this for the team and passed it to your care "
         "team. Your next step is to watch for their answer here; your next visit is "
         "{next_visit}."),
        ("Refill sent to the provider",
         "Hi {patient_name}, I've sent your refill request to your provider. Your next step "
         "is nothing: you can follow its status on your messages page."),
        ("Visit booked",
         "Hi {patient_name}, I've booked your visit: {next_visit}. Your next step is to "
         "finish the forms we send before the visit."),
    ),
    "es": (
        ("Enviado al equipo médico",
         "Hola {patient_name}, dejé esto anotado para el equipo y lo pasé a su equipo médico. "
         "Su próximo paso es esperar su respuesta aquí; su próxima cita es {next_visit}."),
        ("Receta enviada al médico",
         "Hola {patient_name}, envié su pedido de receta a su médico. No tiene que hacer nada "
         "más: puede ver el estado en su página de mensajes."),
    ),
}

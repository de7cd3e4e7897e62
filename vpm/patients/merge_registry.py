"""Which rows point at a patient, so a merge can move them to the kept record.

The core cannot import the workflow apps (scheduling's visits, messaging's
threads, intake's packets), yet a merge must move their rows too. So each app
registers its own patient references when Django starts, in its
`AppConfig.ready()`:

    from vpm.patients.merge_registry import register_patient_reference
    register_patient_reference("scheduling.Appointment")          # field "patient"
    register_patient_reference("messaging.Thread", field="patient")

`patient_merge` then moves every registered (model, field) with one UPDATE per
model, inside the merge's transaction. A model whose rows cannot simply be
re-pointed (a one-to-one field, or a unique constraint that includes the
patient) must pass `before_move(kept, merged)`, which resolves the clash
first: contact points drop the merged record's copy of an address the kept
record already has; the portal keeps one account per person (vpm/portal/merge.py).
Registering such a model without `before_move` fails at start-up, so a new
one-to-one row cannot turn a merge into an IntegrityError.

`before_move` may answer an outcome: a dict with a "note" (one sentence for
staff: what the merge decided) and any details. Outcomes are kept in
`PatientMerge.outcomes` under the model's label and the notes are written in
both records' histories. Rows matching `stays` (a Q) are left on the merged
record (the portal's switched-off account). `forecast(kept, merged)` answers
the sentences the merge page shows *before* the merge, for what cannot be
undone.

Audit events are deliberately not moved: they say truthfully which record
was read at the time. The access report of the kept record includes the
events of the records merged into it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q


@dataclass(frozen=True)
class PatientReference:
    model_label: str
    field: str
    before_move: Callable | None = None
    forecast: Callable | None = None
    stays: Q | None = None

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def rows_to_move(self, merged):
        rows = self.model._default_manager.filter(**{self.field: merged})
        return rows.exclude(self.stays) if self.stays is not None else rows


def one_per_patient(model, field_name: str) -> bool:
    """Whether at most one row per patient may exist (so a plain UPDATE can clash)."""
    field = model._meta.get_field(field_name)
    if field.unique:
        return True
    return any(field_name in constraint.fields or field.attname in constraint.fields
               for constraint in model._meta.constraints if getattr(constraint, "fields", None))


def register_patient_reference(model_label: str, *, field: str = "patient",
                               before_move: Callable | None = None,
                               forecast: Callable | None = None, stays: Q | None = None) -> None:
    """Declare that `model_label.field` points at a patient and moves on a merge."""
    if before_move is None and one_per_patient(apps.get_model(model_label), field):
        raise ImproperlyConfigured(
            f"{model_label}.{field} allows one row per patient: register it with a before_move "
            "that resolves the case where both records have one.")
    key = (model_label.lower(), field)
    _REFERENCES[key] = PatientReference(model_label.lower(), field, before_move, forecast, stays)


_REFERENCES: dict[tuple[str, str], PatientReference] = {}


def patient_references() -> list[PatientReference]:
    return sorted(_REFERENCES.values(), key=lambda ref: (ref.model_label, ref.field))


def merge_forecast(kept, merged) -> list[str]:
    """What the merge page must say before `merged` is folded into `kept`."""
    notes = []
    for ref in patient_references():
        if ref.forecast:
            notes.extend(ref.forecast(kept, merged))
    return notes

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
re-pointed (a unique constraint that includes the patient) passes
`before_move(kept, merged)`, which resolves the clash first: contact points
do this, dropping the merged record's copy of an address the kept record
already has.

Audit events are deliberately not moved: they say truthfully which record
was read at the time. The access report of the kept record includes the
events of the records merged into it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps


@dataclass(frozen=True)
class PatientReference:
    model_label: str
    field: str
    before_move: Callable | None = None

    @property
    def model(self):
        return apps.get_model(self.model_label)


_REFERENCES: dict[tuple[str, str], PatientReference] = {}


def register_patient_reference(model_label: str, *, field: str = "patient",
                               before_move: Callable | None = None) -> None:
    """Declare that `model_label.field` points at a patient and moves on a merge."""
    key = (model_label.lower(), field)
    _REFERENCES[key] = PatientReference(model_label.lower(), field, before_move)


def patient_references() -> list[PatientReference]:
    return sorted(_REFERENCES.values(), key=lambda ref: (ref.model_label, ref.field))

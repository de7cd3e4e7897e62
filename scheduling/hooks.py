"""How other apps hang work off appointments without scheduling importing them.

- `appointment_changed(sender, appointment_id, change, freed)` is sent after the
  transaction that booked ("booked"), moved ("rescheduled") or cancelled
  ("cancelled") a visit has committed. `freed` is (starts_at, provider id) of
  the time given up, or None. Intake sends its packet on "booked"; telehealth
  plans its readiness checks.

- `preparation_steps(sender, appointment, language)`: every receiver returns a
  list of short, plain sentences the patient should do before this visit
  ("Finish your intake form: 3 steps left.", "Do the device check."). The
  reminders and the visit page list them after the visit type's own
  instructions. A receiver that fails is logged and skipped: a broken step
  must not stop a reminder.

Connect receivers in your AppConfig.ready(), e.g.

    from scheduling.hooks import preparation_steps
    preparation_steps.connect(intake_steps_for_visit, dispatch_uid="intake-steps")
"""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

appointment_changed = Signal()
preparation_steps = Signal()


def steps_for(appointment, *, language) -> list[str]:
    """The visit type's instructions, then every other app's steps, in a stable order."""
    steps = [line.strip() for line in appointment.visit_type.instructions.splitlines()
             if line.strip()]
    for receiver, result in preparation_steps.send_robust(
            sender=type(appointment), appointment=appointment, language=language):
        if isinstance(result, Exception):
            logger.warning("preparation step receiver %s failed: %s",
                           getattr(receiver, "__qualname__", receiver),
                           result.__class__.__name__)
            continue
        steps.extend(str(step) for step in (result or []) if str(step).strip())
    return steps

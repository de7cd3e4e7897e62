"""Every write of the messaging workflow. Split by subject:

- `rules`: a practice's triage rules and routing;
- `threads`: messages arriving and being answered, the queue item, the clocks;
- `changes`: staff changes to a thread (corrections, merge, split, match, refills);
- `alerts`: the patient's notifications and the on-call alert;
- `attachments`: content-checked, private uploads.
"""

from .rules import triage_routing_save, triage_rule_delete, triage_rule_save

__all__ = ["triage_routing_save", "triage_rule_delete", "triage_rule_save"]

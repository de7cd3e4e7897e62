from django.db import transaction

from .models import ContactAttempt, IdentityCheck


def contact_attempt_log(*, patient, made_by, channel, direction, outcome, note,
                        occurred_at) -> ContactAttempt:
    return ContactAttempt.objects.create(
        practice_id=patient.practice_id, patient=patient, made_by=made_by, channel=channel,
        direction=direction, outcome=outcome, note=note, occurred_at=occurred_at,
    )


@transaction.atomic
def identity_check_record(*, patient, checked_by, first_identifier, second_identifier,
                          channel, passed) -> IdentityCheck:
    return IdentityCheck.objects.create(
        practice_id=patient.practice_id, patient=patient, checked_by=checked_by,
        first_identifier=first_identifier, second_identifier=second_identifier,
        channel=channel, passed=passed,
    )

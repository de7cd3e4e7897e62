"""Twenty people book the same slot at the same moment, each on their own connection."""

import threading

import pytest
from django.db import connection

from scheduling.models import Appointment
from scheduling.services import SlotTaken, appointment_book
from tests.factories import PatientFactory

from .factories import local, next_weekday

ATTEMPTS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_bookings_of_one_slot_give_exactly_one_appointment(
        practice, provider_member, video_visit, template):
    patients = [PatientFactory(practice=practice) for _ in range(ATTEMPTS)]
    monday = next_weekday(0)
    starts = local(practice, monday, 10)
    barrier = threading.Barrier(ATTEMPTS)
    results = []
    lock = threading.Lock()

    def attempt(patient):
        try:
            barrier.wait()
            appointment_book(practice=practice, patient=patient, provider=provider_member,
                             visit_type=video_visit, starts_at=starts, via="patient")
            outcome = ("booked", None)
        except SlotTaken as taken:
            outcome = ("taken", taken)
        except Exception as error:  # noqa: BLE001 - the test reports any other failure
            outcome = ("error", error)
        finally:
            connection.close()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=attempt, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["booked"] + ["taken"] * (ATTEMPTS - 1), [r for r in results if r[0] == "error"]
    assert Appointment.objects.filter(starts_at=starts).count() == 1
    for _, taken in (r for r in results if r[0] == "taken"):
        assert str(taken) == "That time was just taken. Please choose another time."
        assert taken.next_slots, "the refusal offers the next free slots"
        assert taken.next_slots[0].starts_at == local(practice, monday, 10, 30)

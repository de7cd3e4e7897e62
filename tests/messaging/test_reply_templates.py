"""Reply templates name the patient and their next visit (M7), in the thread's
language; the visit comes from scheduling through a placeholder it registers,
so messaging never imports another workflow app."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from messaging.services.threads import message_receive
from scheduling.services import appointment_book
from tests.scheduling.factories import (
    VisitTypeFactory,
    local,
    next_weekday,
    provider_membership,
    weekly_template,
)

WORKFLOW_APPS = {"scheduling", "intake", "telehealth", "followups", "dashboard"}


@pytest.fixture
def visit(practice, patient, provider):
    member = provider_membership(practice, provider)
    video = VisitTypeFactory(practice=practice, name="Video follow-up", duration_minutes=30,
                             modality="video")
    weekly_template(practice, member, [video])
    return appointment_book(practice=practice, patient=patient, provider=member,
                            visit_type=video, via="staff",
                            starts_at=local(practice, next_weekday(1), 9))


def _thread_page(client, practice, patient):
    thread = message_receive(practice=practice, patient=patient, body="Question about my visit",
                             channel="portal", topic_picked="scheduling").thread
    return client.get(reverse("staff_thread", args=[practice.slug, thread.pk])).text


def test_a_template_names_the_patient_and_the_next_visit(practice, patient, visit, staff,
                                                         as_user):
    page = _thread_page(as_user(staff), practice, patient)

    assert "Hi Maria, I&#x27;ve booked your visit: " in page
    assert "9:00 AM" in page and "{next_visit}" not in page and "not booked yet" not in page


def test_a_spanish_thread_names_the_visit_in_spanish(practice, patient, visit, staff, as_user):
    patient.preferred_language = "es"
    patient.save()

    page = _thread_page(as_user(staff), practice, patient)

    # "su próxima cita es martes 15 de diciembre, 09:00 CST": Spanish words, 24-hour clock.
    assert re.search(r"Hola Maria, .* su próxima cita es [a-zé]+ \d+ de [a-z]+, 09:00 C[SD]T\.",
                     page), page


def test_with_no_visit_booked_the_template_says_so(practice, patient, staff, as_user):
    page = _thread_page(as_user(staff), practice, patient)

    assert "your next visit is not booked yet" in page


def test_messaging_imports_no_other_workflow_app():
    root = Path(__file__).resolve().parents[2] / "messaging"
    imported = set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add((node.module.split(".")[0], str(path.relative_to(root))))
            elif isinstance(node, ast.Import):
                imported.update((alias.name.split(".")[0], str(path.relative_to(root)))
                                for alias in node.names)

    assert sorted(i for i in imported if i[0] in WORKFLOW_APPS) == []

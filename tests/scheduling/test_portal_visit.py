"""The patient's pages: questionnaire → recommended visit → time → check → booked;
the visit page, calendar download, cancel and move with a reason. Own visits only."""

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from scheduling.models import Appointment, BookingAnswer, BookingQuestion
from scheduling.notices import visit_link
from scheduling.services import appointment_book
from tests.conftest import client_for
from tests.factories import PatientFactory, UserFactory
from tests.portal.conftest import DOB, check_path
from vpm.audit.models import AuditEvent

from .factories import VisitTypeFactory, local, next_weekday, weekly_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(practice, patient, patient_user, provider_member, video_visit, template):
    return appointment_book(practice=practice, patient=patient, provider=provider_member,
                            visit_type=video_visit, via="staff",
                            starts_at=local(practice, next_weekday(1), 9))


@pytest.fixture
def questionnaire(practice, video_visit):
    first = BookingQuestion.objects.create(practice=practice, position=1,
                                           text="Is this your first visit with us?",
                                           text_es="¿Es su primera visita con nosotros?")
    second = BookingQuestion.objects.create(practice=practice, position=2,
                                            text="What do you need?", text_es="¿Qué necesita?")
    BookingAnswer.objects.create(practice=practice, question=first, text="Yes", text_es="Sí",
                                 outcome="call_us")
    no = BookingAnswer.objects.create(practice=practice, question=first, text="No",
                                      outcome="next")
    refill = BookingAnswer.objects.create(practice=practice, question=second,
                                          text="A medication refill", outcome="recommend",
                                          visit_type=video_visit)
    return no, refill


def test_the_patient_sees_their_visit_and_the_read_is_audited(practice, patient_user, visit):
    response = client_for(patient_user).get(reverse("portal_visit", args=[practice.slug, visit.pk]))
    assert response.status_code == 200
    assert "Video follow-up" in response.text and "9:00" in response.text
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(object_id=str(visit.pk), patient=visit.patient).exists()


def test_the_link_in_a_reminder_opens_the_visit_after_the_date_of_birth_check(practice, visit):
    client = Client()
    url = visit_link(visit)
    opened = client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert opened.url == check_path(practice)
    checked = client.post(check_path(practice), DOB)
    assert checked.url == reverse("portal_visit", args=[practice.slug, visit.pk])
    assert "Video follow-up" in client.get(checked.url).text
    # That link opens this visit only.
    other = appointment_book(practice=practice, patient=visit.patient, provider=visit.provider,
                             visit_type=visit.visit_type, via="staff",
                             starts_at=visit.starts_at.replace(hour=visit.starts_at.hour + 1))
    assert client.get(reverse("portal_visit", args=[practice.slug, other.pk])).status_code == 404


def test_the_calendar_download_parses(practice, patient_user, visit):
    response = client_for(patient_user).get(reverse("portal_visit_ics",
                                                    args=[practice.slug, visit.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == f"{visit.pk}@vpm"
    assert event.decoded("DTSTART") == visit.starts_at


def _visit_urls(practice, visit):
    return [reverse(name, args=[practice.slug, visit.pk]) for name in (
        "portal_visit", "portal_visit_ics", "portal_visit_cancel", "portal_visit_reschedule")]


def test_another_patient_gets_404(practice, visit):
    other = UserFactory()
    PatientFactory(practice=practice, user=other)
    for url in _visit_urls(practice, visit):
        assert client_for(other).get(url).status_code == 404, url


def test_a_user_of_another_practice_gets_404(practice, outsider, visit):
    for url in _visit_urls(practice, visit) + [reverse("portal_book_start", args=[practice.slug])]:
        assert client_for(outsider).get(url).status_code == 404, url


def test_staff_are_refused_the_patient_pages(practice, staff, visit):
    for url in _visit_urls(practice, visit) + [reverse("portal_book_start", args=[practice.slug])]:
        assert client_for(staff).get(url).status_code == 403, url


def test_questionnaire_recommends_and_the_patient_books(practice, patient, patient_user,
                                                       questionnaire, provider_member,
                                                       video_visit, template):
    no, refill = questionnaire
    client = client_for(patient_user)
    first = client.get(reverse("portal_book_start", args=[practice.slug]), follow=True)
    assert "Is this your first visit with us?" in first.text
    question_url = reverse("portal_book_question", args=[practice.slug])
    refused = client.post(question_url, {})
    assert refused.status_code == 400 and "Choose an answer." in refused.text
    client.post(question_url, {"answer": no.pk})
    result = client.post(question_url, {"answer": refill.pk}, follow=True)
    assert "We suggest: Video follow-up" in result.text
    confirm_url = reverse("portal_book_confirm", args=[practice.slug])
    assert confirm_url in result.text
    slot = result.context["slots"][0]
    check = client.get(confirm_url, {"visit_type": video_visit.pk, "slot": slot.key})
    assert "Check your visit" in check.text
    done = client.post(confirm_url, {"visit_type": video_visit.pk, "slot": slot.key}, follow=True)
    appointment = Appointment.objects.get(patient=patient)
    assert appointment.booked_via == "patient" and appointment.starts_at == slot.starts_at
    assert "Your visit is booked" in done.text


def test_a_first_visit_answer_says_call_us(practice, patient_user, questionnaire):
    client = client_for(patient_user)
    client.get(reverse("portal_book_start", args=[practice.slug]))
    yes = BookingAnswer.objects.get(text="Yes")
    page = client.post(reverse("portal_book_question", args=[practice.slug]), {"answer": yes.pk},
                       follow=True)
    assert "Please call us to book" in page.text


def test_a_staff_only_type_cannot_be_booked_by_a_patient_even_by_crafting_the_post(
        practice, patient, patient_user, provider_member, monday_slots=None):
    staff_only = VisitTypeFactory(practice=practice, booking="staff")
    weekly_template(practice, provider_member, [staff_only])
    starts = local(practice, next_weekday(1), 9)
    key = f"{provider_member.pk}|{starts.astimezone(__import__('datetime').UTC).isoformat()}"
    response = client_for(patient_user).post(reverse("portal_book_confirm", args=[practice.slug]),
                                             {"visit_type": staff_only.pk, "slot": key})
    assert response.status_code == 400
    assert "cannot be booked online" in response.text
    assert not Appointment.objects.filter(patient=patient).exists()


def test_patient_cancels_with_a_reason_in_spanish(practice, patient, patient_user, visit):
    patient.preferred_language = "es"
    patient.save()
    client = client_for(patient_user)
    url = reverse("portal_visit_cancel", args=[practice.slug, visit.pk])
    page = client.get(url)
    assert "Cancelar su cita" in page.text
    refused = client.post(url, {})
    assert refused.status_code == 400
    visit.refresh_from_db()
    assert visit.status == "booked"
    reason = page.context["form"].codes
    # Staff-only reasons are not offered to patients.
    assert "provider_unavailable" not in {c.code for c in reason.values()}
    pk = next(pk for pk, c in reason.items() if c.code == "feeling_better")
    client.post(url, {"reason": pk})
    visit.refresh_from_db()
    assert visit.status in ("cancelled", "late_cancelled") and visit.cancel_reason.code == \
        "feeling_better"


def test_patient_moves_the_visit(practice, patient_user, visit):
    client = client_for(patient_user)
    url = reverse("portal_visit_reschedule", args=[practice.slug, visit.pk])
    slots = client.get(url).context["slots"]
    assert slots
    chosen = slots[-1]
    check = client.get(url, {"slot": chosen.key})
    assert "Check the new time" in check.text
    reason = next(pk for pk, c in check.context["form"].codes.items() if c.code == "patient_request")
    client.post(url, {"slot": chosen.key, "reason": reason})
    visit.refresh_from_db()
    assert visit.starts_at == chosen.starts_at and visit.sequence == 1


def test_upcoming_visits_show_on_the_portal_home(practice, patient_user, visit):
    home = client_for(patient_user).get(reverse("portal_home", args=[practice.slug]))
    assert "Your visit: Video follow-up" in home.text
    assert reverse("portal_visit", args=[practice.slug, visit.pk]) in home.text

"""Demo conversations (vpm.demo.seed calls `demo_seed` per practice, once):
threads in English and Spanish on every topic, a refill in each status, an
emergency (with its on-call alert), a merged pair and an unknown sender."""

from datetime import timedelta

from django.utils import timezone

from vpm.patients.models import Patient
from vpm.practices.models import Membership, Role

from .models import OnCall, RefillRequest, Thread
from .services.changes import refill_status_set, thread_merge
from .services.threads import message_receive, message_reply, note_add

TOPIC_MESSAGES = [
    ("Can I move my appointment on Friday to next week?", "¿Puedo cambiar mi cita del viernes?"),
    ("I need a refill of my lisinopril 10 mg", "Necesito una receta nueva de metformina"),
    ("Are my blood test results back yet?", "¿Ya están mis resultados de laboratorio?"),
    ("Please send my records to Dr. Lee's office", "Necesito una copia de mi expediente"),
    ("I have a question about my bill from March", "Tengo una pregunta sobre mi factura"),
    ("I need a referral to a dermatologist", "Necesito una referencia al cardiólogo"),
    ("The video visit link will not open on my phone", "No puedo entrar a la videollamada"),
    ("Is it normal to feel tired on the new medicine?", "¿Es normal el mareo con la pastilla nueva?"),
    ("Where do you park for the new office?", "¿Dónde queda la oficina nueva?"),
]
REFILL_STEPS = {
    "received": [],
    "sent_to_provider": ["sent_to_provider"],
    "approved": ["sent_to_provider", "approved"],
    "denied": ["sent_to_provider", "denied"],
    "sent_to_pharmacy": ["sent_to_provider", "approved", "sent_to_pharmacy"],
}


def demo_seed(practice):
    if Thread.objects.for_practice(practice).exists():
        return
    patients = list(Patient.objects.for_practice(practice).order_by("mrn"))
    english = [p for p in patients if p.preferred_language == "en"]
    spanish = [p for p in patients if p.preferred_language == "es"] or english
    staff = Membership.objects.filter(practice=practice, role=Role.STAFF).first().user
    manager = Membership.objects.filter(practice=practice, role=Role.MANAGER).first().user
    OnCall.objects.get_or_create(practice=practice, defaults={"person": manager})
    now = timezone.now()
    for index, (text_en, text_es) in enumerate(TOPIC_MESSAGES):
        at = now - timedelta(hours=2 * index + 1)
        message_receive(practice=practice, patient=english[index % len(english)], body=text_en,
                        channel="portal", now=at)
        message_receive(practice=practice, patient=spanish[index % len(spanish)], body=text_es,
                        channel="sms" if index % 2 else "portal", now=at)
    _seed_refills(practice, english[-5:] if len(english) >= 5 else english, staff)
    _seed_answered(practice, staff)
    _seed_emergency_and_merge(practice, english, staff)
    message_receive(practice=practice, patient=None, channel="sms", sender="+13125559876",
                    body="hi this is my new number, can I come in tomorrow")


def _seed_refills(practice, patients, staff):
    for patient, (status, steps) in zip(patients, REFILL_STEPS.items(), strict=False):
        received = message_receive(practice=practice, patient=patient, channel="portal",
                                   body="Please refill my atorvastatin 20 mg")
        refill = RefillRequest.objects.get(thread=received.thread)
        refill.medication = "Atorvastatin 20 mg"
        refill.save(update_fields=["medication"])
        for step in steps:
            refill = refill_status_set(refill=refill, status=step, actor=staff,
                                       note_to_patient="" if status != "denied" else
                                       "Dr. Ames would like to see you first; please book a visit.")


def _seed_answered(practice, staff):
    thread = Thread.objects.for_practice(practice).filter(topic="scheduling").first()
    message_reply(thread=thread, author=staff,
                  body="I've documented this for the team; your next step is to pick a time "
                       "on the booking page.", wait_for_patient=True)
    note_add(thread=thread, author=staff, body="Prefers mornings.")


def _seed_emergency_and_merge(practice, patients, staff):
    patient = patients[-6] if len(patients) > 6 else patients[0]
    message_receive(practice=practice, patient=patient, channel="portal",
                    body="my husband has crushing chest pain and is sweating")
    first = message_receive(practice=practice, patient=patients[1], channel="portal",
                            body="Can you send my shot records to the school?").thread
    second = message_receive(practice=practice, patient=patients[1], channel="email",
                             sender="demo@mail.example",
                             body="I also need a bill explained please").thread
    thread_merge(source=second, target=first, actor=staff)

"""What a patient is told the moment a message arrives (M5, M3).

The texts live here in both languages rather than in the translation
catalogue because they are also sent by SMS and email, from workers that have
no request language, and because the wording of the safety net is reviewed as
one piece.
"""

import zoneinfo
from dataclasses import dataclass

from messaging.triage import EMERGENCY_REPLY

DAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}

TEXTS = {
    "en": {
        "received": "We received your message.",
        "answer_by": "We will answer by {when}.",
        "can": ("By message, the front office can book or move visits, pass refill requests "
                "and questions to your care team, send records and answer billing questions."),
        "cannot": ("It cannot give medical advice or handle emergencies by message."),
        "email_not_watched": ("Email is not watched for emergencies. Do not use email "
                              "for anything urgent."),
        "today": "today",
        "tomorrow": "tomorrow",
        "time_zone": "{zone} time",
    },
    "es": {
        "received": "Recibimos su mensaje.",
        "answer_by": "Le responderemos antes del {when}.",
        "can": ("Por mensaje, la recepción puede programar o cambiar citas, pasar pedidos "
                "de medicamentos y preguntas a su equipo médico, enviar expedientes y "
                "responder preguntas de facturación."),
        "cannot": "No puede dar consejos médicos ni atender emergencias por mensaje.",
        "email_not_watched": ("El correo electrónico no se revisa para emergencias. No use el "
                              "correo para nada urgente."),
        "today": "hoy",
        "tomorrow": "mañana",
        "time_zone": "hora de {zone}",
    },
}


@dataclass(frozen=True)
class Acknowledgement:
    """The lines shown on the page (and sent by SMS/email) after a message."""

    is_emergency: bool
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def _language(language) -> str:
    return language if language in TEXTS else "en"


def format_when(when, *, practice, language, now) -> str:
    """'Thursday 11am' in the practice's zone, or 'today 3:30pm', naming the zone."""
    language = _language(language)
    zone = zoneinfo.ZoneInfo(practice.timezone)
    local, today = when.astimezone(zone), now.astimezone(zone).date()
    days_ahead = (local.date() - today).days
    if days_ahead == 0:
        day = TEXTS[language]["today"]
    elif days_ahead == 1:
        day = TEXTS[language]["tomorrow"]
    else:
        day = DAYS[language][local.weekday()]
        if days_ahead > 6:
            day += f" {local.day}/{local.month}" if language == "es" else f" {local.month}/{local.day}"
    if language == "es":
        clock = f"{local:%H:%M}"
    else:
        clock = f"{local.hour % 12 or 12}{f':{local:%M}' if local.minute else ''}" \
                f"{'am' if local.hour < 12 else 'pm'}"
    zone_name = TEXTS[language]["time_zone"].format(zone=practice.timezone.split("/")[-1]
                                                    .replace("_", " "))
    return f"{day} {clock} ({zone_name})"


def urgent_instructions(*, practice, language) -> str:
    """The practice's own urgent-contact instructions, else the shipped wording."""
    return (practice.urgent_contact_instructions or "").strip() \
        or EMERGENCY_REPLY[_language(language)]


def acknowledge(*, practice, language, respond_by, is_emergency, channel, now) -> Acknowledgement:
    texts = TEXTS[_language(language)]
    if is_emergency:
        lines = [urgent_instructions(practice=practice, language=language)]
    else:
        when = format_when(respond_by, practice=practice, language=language, now=now)
        lines = [texts["received"], texts["answer_by"].format(when=when)]
    lines += [texts["can"], texts["cannot"]]
    if channel == "email":
        # Email is never an urgent channel (M3): every email answer says so.
        lines.append(texts["email_not_watched"])
    return Acknowledgement(is_emergency=is_emergency, lines=tuple(lines))

"""The triage vocabulary, the default team map and the response targets.

This is the one place to change who gets which topic and how fast each
urgency must be answered. A practice can pass its own team_map/targets to
classify(); missing keys fall back to these defaults.
"""

# Most severe first: the order is used to break ties between urgency rules.
URGENCIES = ("emergency", "urgent", "routine")

TOPICS = (
    "scheduling",
    "refill",
    "test_result",
    "records",
    "billing",
    "referral",
    "tech_support",
    "clinical_question",
    "other",
)

TEAMS = ("registration", "triage", "telehealth", "documents", "records", "post_visit")

# What the engine answers when no rule decides.
FALLBACK_URGENCY = "routine"
FALLBACK_TOPIC = "other"

DEFAULT_TEAM_MAP = {
    "scheduling": "registration",
    "refill": "triage",
    "test_result": "triage",
    "records": "records",
    "billing": "registration",
    "referral": "documents",
    "tech_support": "telehealth",
    "clinical_question": "triage",
    "other": "triage",
}

# Response target per urgency, in minutes of business time.
DEFAULT_RESPONSE_TARGETS = {
    "emergency": 0,  # immediate auto-reply with urgent-contact instructions
    "urgent": 240,  # same day
    "routine": 2880,  # 2 business days
}

# Suggested text of the immediate auto-reply for emergencies (the app sends it).
EMERGENCY_REPLY = {
    "en": (
        "Your message may describe a medical emergency. Do not wait for a reply: "
        "call 911 or go to the nearest emergency room now. If you are thinking about "
        "hurting yourself, call or text 988."
    ),
    "es": (
        "Su mensaje puede describir una emergencia médica. No espere una respuesta: "
        "llame al 911 o vaya a la sala de emergencias más cercana ahora. Si está pensando "
        "en hacerse daño, llame o envíe un texto al 988."
    ),
}


def describe_target(minutes: int) -> str:
    """A short human label for a response target in minutes."""
    if minutes <= 0:
        return "immediately"
    if minutes < 60:
        return f"within {minutes} minutes"
    if minutes < 24 * 60:
        hours = -(-minutes // 60)  # round up
        return "within 1 hour" if hours == 1 else f"within {hours} hours"
    days = -(-minutes // (24 * 60))
    return "within 1 business day" if days == 1 else f"within {days} business days"

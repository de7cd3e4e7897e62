"""Time classify() (rules + model + floor) on realistic ~2,000-character messages.

    python -m messaging.triage.benchmark [n_messages]

run_benchmark() returns a dict (for a management command to print).
"""

import gc
import random
import sys
import time

from .default_rules import default_rule_set
from .engine import classify
from .model import default_model
from .rules import RuleSet

# Sentences patients write; mixed into long messages so the rules have work.
_SENTENCES = [
    "Hi, this is about my mom, she has been feeling tired for a couple of weeks.",
    "I need a refill on my lisinopril and the pharmacy says they never got it.",
    "Can I reschedule my appointment from Thursday to next week in the morning?",
    "My blood work results are in the portal but nobody explained them to me.",
    "I got a bill for the visit in March but my insurance should have covered it.",
    "The video link from the email does not open on my phone, I tried twice.",
    "Do I need a referral to see the dermatologist about the mole on my back?",
    "Could you send a copy of my medical records to my new doctor please.",
    "is it normal to feel dizzy after starting the new blood pressure med",
    "no chest pain or shortness of breath, just a cough that will not go away",
    "Hola, necesito cambiar mi cita del martes porque tengo trabajo.",
    "Se me acabó la medicina de la presión, me pueden mandar la receta?",
    "Ya salieron mis resultados de laboratorio? Gracias por todo.",
    "No tengo fiebre pero me duele la garganta desde ayer, ¿qué puedo tomar?",
    "mi hijo tiene tos y mocos desde hace una semana, es normal?",
    "Thank you so much, everyone at the front desk was really kind.",
]
_EMERGENCIES = [
    "my chest feels tight and the pain goes down my left arm",
    "no puedo respirar bien y me duele el pecho",
]


def sample_messages(count: int, chars: int = 2000, seed: int = 7) -> list[str]:
    """`count` messages of about `chars` characters; one in ten holds an emergency."""
    rng = random.Random(seed)
    messages = []
    for index in range(count):
        parts: list[str] = []
        length = 0
        if index % 10 == 0:
            parts.append(rng.choice(_EMERGENCIES))
        while length < chars:
            sentence = rng.choice(_SENTENCES)
            parts.append(sentence)
            length += len(sentence) + 1
        rng.shuffle(parts)
        messages.append(" ".join(parts)[:chars])
    return messages


def _best_seconds(text: str, rules: RuleSet, repeat: int) -> float:
    best = float("inf")
    gc.disable()
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            classify(text, rules)
            best = min(best, time.perf_counter() - started)
    finally:
        gc.enable()
    return best


def linear_ratio(rules: RuleSet, repeat: int = 9) -> float:
    """Time of a ~18,000-character message over a ~4,500-character one (best of
    `repeat`): about 4 when linear (the model reads only the first words, so
    less), 16 if quadratic. Was a timed test; it belongs here."""
    sentence = "no chest pain but I need a refill on my meds and my visit link is broken. "
    small, large = sentence * 60, sentence * 240
    return _best_seconds(large, rules, repeat) / _best_seconds(small, rules, repeat)


def run_benchmark(n_messages: int = 2000, message_chars: int = 2000,
                  rules: RuleSet | None = None) -> dict:
    """Rules + model + floor (what patients get), and the rules alone for comparison."""
    rules = rules or default_rule_set()
    messages = sample_messages(n_messages, message_chars)
    model = default_model()  # load (or train) outside the timing
    classify(messages[0], rules)  # compile the rule set outside the timing
    started = time.perf_counter()
    emergencies = sum(classify(text, rules).urgency == "emergency" for text in messages)
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    for text in messages:
        classify(text, rules, model=None)
    rules_only = time.perf_counter() - started
    short = [text[:300] for text in messages]
    started = time.perf_counter()
    for text in short:
        classify(text, rules)
    short_elapsed = time.perf_counter() - started
    return {
        "messages": n_messages,
        "mean_chars": round(sum(map(len, messages)) / n_messages),
        "rules": len(rules),
        "rules_version": classify("", rules).rules_version,
        "model_version": model.version,
        "model_features": len(model.weights),
        "seconds": round(elapsed, 4),
        "mean_us_per_message": round(elapsed / n_messages * 1e6, 1),
        "max_ms_budget": 5,
        "messages_per_second": round(n_messages / elapsed),
        "rules_only_mean_us_per_message": round(rules_only / n_messages * 1e6, 1),
        "short_300_chars_mean_us_per_message": round(short_elapsed / n_messages * 1e6, 1),
        "linear_ratio_4x_text": round(linear_ratio(rules, repeat=3 if n_messages < 500 else 9),
                                      2),
        "emergencies_found": emergencies,
    }


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    for key, value in run_benchmark(count).items():
        print(f"{key:22} {value}")

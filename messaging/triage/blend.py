"""How the learned model's answer combines with the rules' (engine.classify step 7).

* **Urgency: the model only raises.** P(emergency) >= EMERGENCY_THRESHOLD makes
  the message an emergency; P(urgent or emergency) >= URGENT_THRESHOLD makes a
  routine message urgent. A rule's emergency is never lowered, and nothing a
  practice sets switches this off (it is part of the safety net, like the
  emergency rules).
* **Topic: the model decides where the rules are weak.** When no topic rule
  matched (fallback "other"), or the deciding rule is a shipped default of
  priority <= WEAK_TOPIC_PRIORITY, the model's topic replaces it if its
  probability is at least TOPIC_THRESHOLD. A practice's own rule (an addition,
  or an override that differs from the shipped default) always keeps its topic.
  An emergency raised by the model gets topic clinical_question, as the
  emergency rules give.

The thresholds were picked from the leave-one-source-out cross-validation
(python -m messaging.triage.crossval; the table is in docs/triage.md), never
from the full data.
"""

from dataclasses import dataclass
from functools import lru_cache

from .defaults import URGENCIES
from .model import Model, Prediction
from .rules import Rule

EMERGENCY_THRESHOLD = 0.55  # 13 blind folds pooled: 96.5% recall, 4.2% false alarms (0.5: 97.1%, 4.6%; 0.6: 95.9%, 4.0%)
URGENT_THRESHOLD = 0.4  # 6 emergencies of 1,431 routine, urgency 92.0% (0.5: 7, 92.8%; 0.3: 4, 90.9%)
TOPIC_THRESHOLD = 0.5
WEAK_TOPIC_PRIORITY = 30
# The model replaces a weak rule's topic only when it gives that topic less than this:
# where it thinks the rule may well be right ("ran out of my blood pressure pills": refill
# 0.3, clinical question 0.6), the rule's topic stands.
RULE_TOPIC_KEPT = 0.3
EMERGENCY_TOPIC = "clinical_question"

# Part of Triage.rules_version: bump when the rules above change.
VERSION = (f"1:{EMERGENCY_THRESHOLD}:{URGENT_THRESHOLD}:{TOPIC_THRESHOLD}:"
           f"{WEAK_TOPIC_PRIORITY}")
_SEVERITY = {urgency: rank for rank, urgency in enumerate(URGENCIES)}


@dataclass(frozen=True)
class Decision:
    urgency: str
    topic: str
    prediction: Prediction
    raised: str | None  # the urgency the model raised the message to, if it did
    decided_topic: bool

    @property
    def changed(self) -> bool:
        return bool(self.raised or self.decided_topic)

    @property
    def evidence_words(self) -> str:
        """The words behind what the model changed, for Match.words."""
        head = self.raised or "topic"
        return ", ".join(words for words, _ in self.prediction.evidence.get(head, ()))

    def explanation(self, model: Model) -> dict:
        """JSON-ready: probabilities, what the model changed and the evidence for it."""
        prediction = self.prediction
        topic = prediction.topic
        return {
            "version": model.version,
            "emergency": round(prediction.emergency, 3),
            "urgent": round(prediction.urgent, 3),
            "topic": topic,
            "topic_probability": round(prediction.topics[topic], 3),
            "raised_urgency": self.raised,
            "decided_topic": self.decided_topic,
            "evidence": {
                head: [{"words": words, "weight": weight} for words, weight in items]
                for head, items in prediction.evidence.items()
            },
        }


@dataclass(frozen=True)
class Thresholds:
    emergency: float = EMERGENCY_THRESHOLD
    urgent: float = URGENT_THRESHOLD
    topic: float = TOPIC_THRESHOLD
    weak_topic_priority: int = WEAK_TOPIC_PRIORITY
    rule_topic_kept: float = RULE_TOPIC_KEPT


SHIPPED = Thresholds()


def decide(prediction: Prediction, urgency: str, topic: str, topic_rule: Rule | None,
           thresholds: Thresholds = SHIPPED) -> Decision:
    """The urgency and topic after the model; see the module docstring.

    thresholds: the shipped ones; the cross-validation tries others."""
    wanted = ("emergency" if prediction.emergency >= thresholds.emergency
              else "urgent" if prediction.urgent >= thresholds.urgent else "routine")
    raised = wanted if _SEVERITY[wanted] < _SEVERITY[urgency] else None
    new_urgency = raised or urgency
    new_topic = topic
    if raised == "emergency" and _model_may_set_topic(topic_rule, 99):
        new_topic = EMERGENCY_TOPIC
    elif (prediction.topics[prediction.topic] >= thresholds.topic
          and prediction.topics.get(topic, 0.0) < thresholds.rule_topic_kept
          and _model_may_set_topic(topic_rule, thresholds.weak_topic_priority)):
        new_topic = prediction.topic
    return Decision(new_urgency, new_topic, prediction, raised, new_topic != topic)


def _model_may_set_topic(rule: Rule | None, up_to_priority: int) -> bool:
    if rule is None:
        return True  # the rules fell back to "other"
    if not _is_shipped_default(rule):
        return False  # a practice's own rule keeps its topic
    return rule.priority <= up_to_priority


def _is_shipped_default(rule: Rule) -> bool:
    return _shipped().get(rule.id) == rule


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Rule]:
    from .default_rules import default_rule_set

    return {rule.id: rule for rule in default_rule_set().rules}

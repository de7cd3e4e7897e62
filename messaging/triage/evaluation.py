"""Measure a rule set against labelled messages.

    report = evaluate(cases, default_rule_set())
    print(report.format())

A case is (text, expected_urgency, expected_topic, language).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .defaults import TOPICS, URGENCIES
from .engine import classify
from .rules import RuleSet

Case = tuple[str, str, str, str]


@dataclass(frozen=True)
class Miss:
    """A case where the urgency or the topic was not the expected one."""

    text: str
    language: str
    expected_urgency: str
    urgency: str
    expected_topic: str
    topic: str
    matched: tuple[str, ...]  # rule ids, for debugging the rules


@dataclass
class Report:
    total: int = 0
    emergencies: int = 0
    emergencies_caught: int = 0
    emergencies_routine: int = 0  # the goal: never; an emergency is at least urgent
    non_emergencies: int = 0
    false_alarms: int = 0
    urgency_correct: int = 0
    topic_correct: int = 0
    cases_by_language: Counter = field(default_factory=Counter)
    correct_by_language: Counter = field(default_factory=Counter)  # both labels right
    urgency_confusion: Counter = field(default_factory=Counter)  # (expected, got) -> n
    topic_confusion: Counter = field(default_factory=Counter)
    misclassified: list[Miss] = field(default_factory=list)

    @property
    def emergency_recall(self) -> float:
        return _ratio(self.emergencies_caught, self.emergencies)

    @property
    def false_alarm_rate(self) -> float:
        """Share of non-emergencies classified as emergencies."""
        return _ratio(self.false_alarms, self.non_emergencies)

    @property
    def urgency_accuracy(self) -> float:
        return _ratio(self.urgency_correct, self.total)

    @property
    def topic_accuracy(self) -> float:
        return _ratio(self.topic_correct, self.total)

    def format(self) -> str:
        lines = [
            f"Triage evaluation: {self.total} cases "
            + ", ".join(f"{lang}={n}" for lang, n in sorted(self.cases_by_language.items())),
            f"  emergency recall       {self.emergency_recall:7.1%}  "
            f"({self.emergencies_caught}/{self.emergencies})",
            f"  emergencies left routine {self.emergencies_routine:5d}",
            f"  emergency false alarms {self.false_alarm_rate:7.1%}  "
            f"({self.false_alarms}/{self.non_emergencies} non-emergencies)",
            f"  urgency accuracy       {self.urgency_accuracy:7.1%}  "
            f"({self.urgency_correct}/{self.total})",
            f"  topic accuracy         {self.topic_accuracy:7.1%}  "
            f"({self.topic_correct}/{self.total})",
        ]
        for lang, n in sorted(self.cases_by_language.items()):
            right = self.correct_by_language[lang]
            lines.append(f"  both right ({lang})       {_ratio(right, n):7.1%}  ({right}/{n})")
        lines += ["", "Urgency (rows: expected, columns: got)"]
        lines += _matrix(self.urgency_confusion, URGENCIES)
        lines += ["", "Topic (rows: expected, columns: got)"]
        lines += _matrix(self.topic_confusion, TOPICS)
        lines += ["", f"Misclassified ({len(self.misclassified)})"]
        for miss in self.misclassified:
            lines.append(
                f"  [{miss.language}] {miss.expected_urgency}/{miss.expected_topic} -> "
                f"{miss.urgency}/{miss.topic}  {miss.text[:80]!r}  rules={list(miss.matched)}"
            )
        return "\n".join(lines)


    def count(self, case: Case, urgency: str, topic: str, matched: tuple[str, ...] = ()) -> None:
        """Add one labelled case and the urgency and topic it was given."""
        text, expected_urgency, expected_topic, language = case
        self.total += 1
        self.cases_by_language[language] += 1
        self.urgency_confusion[(expected_urgency, urgency)] += 1
        self.topic_confusion[(expected_topic, topic)] += 1
        if expected_urgency == "emergency":
            self.emergencies += 1
            self.emergencies_caught += urgency == "emergency"
            self.emergencies_routine += urgency == "routine"
        else:
            self.non_emergencies += 1
            self.false_alarms += urgency == "emergency"
        urgency_ok = urgency == expected_urgency
        topic_ok = topic == expected_topic
        self.urgency_correct += urgency_ok
        self.topic_correct += topic_ok
        self.correct_by_language[language] += urgency_ok and topic_ok
        if not (urgency_ok and topic_ok):
            self.misclassified.append(Miss(text, language, expected_urgency, urgency,
                                           expected_topic, topic, matched))


def evaluate(cases: Iterable[Case], rules: RuleSet) -> Report:
    report = Report()
    for case in cases:
        result = classify(case[0], rules)
        report.count(case, result.urgency, result.topic,
                     tuple(match.rule_id for match in result.matched if not match.negated))
    return report


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _matrix(confusion: Counter, labels: tuple[str, ...]) -> list[str]:
    width = max(len(label) for label in labels) + 1
    short = [label[:7] for label in labels]
    lines = [" " * width + " ".join(f"{name:>7}" for name in short)]
    for expected in labels:
        counts = [confusion.get((expected, got), 0) for got in labels]
        cells = " ".join(f"{count:>7}" if count else f"{'.':>7}" for count in counts)
        lines.append(f"{expected:<{width}}{cells}")
    return lines

"""Leave-one-source-out cross-validation of rules + model: an honest estimate.

    python -m messaging.triage.crossval            # the table in docs/triage.md
    python -m messaging.triage.crossval --search   # and the threshold grid it was picked from

For each source in messaging/triage/data/ (the old labelled file, set_a, set_b,
set_c) a model is trained on the other sources only and the default rules + that
model + the floor classify the left-out source. The three blind-written sets are
the honest folds: the rules were never tuned on them. The "original" fold flatters
the rules (they were tuned on it) and is shown for completeness.

Thresholds (blend.py) are picked on the pooled out-of-fold predictions of the
blind folds (--search prints the grid), never on a model trained on everything.
"""

import sys
from dataclasses import dataclass, replace

from . import blend, floor
from .data import available_sources, labelled_rows
from .default_rules import default_rule_set
from .engine import _classify, compiled_rule_set, rule_features
from .evaluation import Report
from .model import Settings, train
from .normalise import normalise

BLIND_SOURCES = ("set_a", "set_b", "set_c", "set_d", "set_e", "set_f", "set_g", "set_h",
                 "set_i", "set_j", "set_k", "round9", "round10")


@dataclass(frozen=True)
class Row:
    source: str
    text: str
    urgency: str
    topic: str
    rule_urgency: str
    rule_topic: str
    topic_rule: object
    floor: bool
    prediction: object


def out_of_fold(settings: Settings | None = None, sources=None) -> list[Row]:
    """Every labelled message with the rules' answer and a model that never saw its source."""
    rules = default_rule_set()
    compiled = compiled_rule_set(rules)
    sources = sources or available_sources()
    rows = []
    for held_out in sources:
        training = [(row.text, row.urgency, row.topic)
                    for source in sources if source != held_out
                    for row in labelled_rows(source)]
        model = train(training, settings)
        for row in labelled_rows(held_out):
            result = _classify(row.text, rules, None, None, None, use_floor=False)
            topic_rule = None
            if result.topic_rule:
                topic_rule = rules.get(result.topic_rule)
            normalised = normalise(row.text)
            rows.append(Row(held_out, row.text, row.urgency, row.topic, result.urgency,
                            result.topic, topic_rule,
                            floor.floor_match(normalised) is not None,
                            model.predict(normalised, evidence=0,
                                          rule_matches=rule_features(compiled, normalised))))
    return rows


def _pct(part, whole) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def decide(row: Row, thresholds, use_model=True, use_floor=True) -> tuple[str, str]:
    urgency, topic = row.rule_urgency, row.rule_topic
    if use_model:
        decision = blend.decide(row.prediction, urgency, topic, row.topic_rule, thresholds)
        urgency, topic = decision.urgency, decision.topic
    if use_floor and urgency == "routine" and row.floor:
        urgency = "urgent"
    return urgency, topic


def figures(rows, thresholds, **options) -> Report:
    report = Report()
    for row in rows:
        report.count((row.text, row.urgency, row.topic, ""), *decide(row, thresholds, **options))
    return report


def _line(name: str, report: Report) -> str:
    r = report
    return (f"| {name} | {r.total} | {_pct(r.emergencies_caught, r.emergencies)} "
            f"({r.emergencies_caught}/{r.emergencies}) | {r.emergencies_routine} | "
            f"{_pct(r.false_alarms, r.non_emergencies)} ({r.false_alarms}/{r.non_emergencies}) | "
            f"{_pct(r.urgency_correct, r.total)} | {_pct(r.topic_correct, r.total)} |")


HEADER = ("| fold (left out) | messages | emergency recall | emergencies routine | "
          "false alarms | urgency | topic |\n| --- | --- | --- | --- | --- | --- | --- |")


def table(rows, thresholds, **options) -> str:
    lines = [HEADER]
    sources = list(dict.fromkeys(row.source for row in rows))
    for source in sources:
        lines.append(_line(source, figures([r for r in rows if r.source == source],
                                           thresholds, **options)))
    blind = [r for r in rows if r.source in BLIND_SOURCES]
    if blind:
        lines.append(_line("**blind sets pooled**", figures(blind, thresholds, **options)))
    return "\n".join(lines)


def search(rows) -> str:
    """The grid the shipped thresholds were picked from (blind folds pooled)."""
    blind = [r for r in rows if r.source in BLIND_SOURCES] or rows
    lines = ["emergency urgent topic weak | recall routine-em FA urgency topic"]
    for emergency in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6):
        for urgent in (0.3, 0.4, 0.5, 0.6):
            thresholds = replace(blend.SHIPPED, emergency=emergency, urgent=urgent)
            f = figures(blind, thresholds)
            lines.append(f"{emergency:4} {urgent:4} {thresholds.topic:4} "
                         f"{thresholds.weak_topic_priority:3} | "
                         f"{_pct(f.emergencies_caught, f.emergencies)} {f.emergencies_routine} "
                         f"{_pct(f.false_alarms, f.non_emergencies)} "
                         f"{_pct(f.urgency_correct, f.total)} {_pct(f.topic_correct, f.total)}")
    for topic in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        for weak in (-1, 8, 15, 20, 25, 30):
            thresholds = replace(blend.SHIPPED, topic=topic, weak_topic_priority=weak)
            f = figures(blind, thresholds)
            lines.append(f"topic {topic:4} weak {weak:3} | topic "
                         f"{_pct(f.topic_correct, f.total)}")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    rows = out_of_fold()
    print("Rules alone (no model, no floor):")
    print(table(rows, blend.SHIPPED, use_model=False, use_floor=False))
    print("\nRules + floor:")
    print(table(rows, blend.SHIPPED, use_model=False))
    print("\nRules + model + floor (shipped thresholds "
          f"{blend.SHIPPED}):")
    print(table(rows, blend.SHIPPED))
    if "--search" in argv:
        print()
        print(search(rows))


if __name__ == "__main__":
    main(sys.argv[1:])

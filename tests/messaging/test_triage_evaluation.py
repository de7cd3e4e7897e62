"""The default rules against the labelled messages; the report with both
confusion matrices is printed at the end of every test run."""

from collections import Counter

import pytest

from messaging.triage import TOPICS, default_rule_set
from messaging.triage.evaluation import evaluate
from tests.messaging.triage_cases import CASES, EMERGENCIES, EMERGENCY_CATEGORIES, NEGATED
from tests.reporting import file_summary


@pytest.fixture(scope="module")
def report(pytestconfig):
    result = evaluate(CASES, default_rule_set())
    file_summary(pytestconfig, "triage evaluation (tests/messaging/triage_cases.py)",
                 result.format())
    return result


def test_every_emergency_in_the_labelled_data_is_caught(report):
    assert report.emergency_recall == 1.0, report.format()


def test_false_alarms_stay_under_three_percent_of_non_emergencies(report):
    assert report.false_alarm_rate <= 0.03


def test_urgency_is_right_for_at_least_90_percent(report):
    assert report.urgency_accuracy >= 0.90


def test_topic_is_right_for_at_least_90_percent(report):
    assert report.topic_accuracy >= 0.90


def test_labelled_data_has_enough_cases_in_both_languages():
    languages = Counter(language for *_, language in CASES)
    assert len(CASES) >= 250
    assert 0.30 <= languages["es"] / len(CASES) <= 0.40


def test_labelled_data_covers_every_emergency_category_in_both_languages():
    assert set(EMERGENCIES) == set(EMERGENCY_CATEGORIES)
    for category, cases in EMERGENCIES.items():
        assert {language for *_, language in cases} == {"en", "es"}, category
    assert sum(urgency == "emergency" for _, urgency, _, _ in CASES) >= 40


def test_labelled_data_has_every_topic_at_least_15_times():
    topics = Counter(topic for _, _, topic, _ in CASES)
    assert all(topics[topic] >= 15 for topic in TOPICS), topics


def test_negated_cases_are_labelled_non_emergency_in_both_languages():
    assert {language for *_, language in NEGATED} == {"en", "es"}
    assert all(urgency != "emergency" for _, urgency, _, _ in NEGATED)


def test_report_format_shows_the_figures_and_both_confusion_matrices(report):
    text = report.format()
    assert "emergency recall" in text
    assert "Urgency (rows: expected" in text
    assert "Topic (rows: expected" in text

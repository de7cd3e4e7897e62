"""Odd and hostile inputs: a defined answer or a clear error, and bounded time.

(How time grows with the length below the cap is a benchmark figure, not a test:
run_benchmark()["linear_ratio_4x_text"].)"""

import gc
import random
import time

import pytest

from messaging.triage import TOPICS, URGENCIES, TriageInputError, classify, default_rule_set
from messaging.triage.benchmark import run_benchmark, sample_messages


def triage(text):
    return classify(text, default_rule_set())


def seconds(text, repeat: int = 3) -> float:
    """Best of a few runs, without the garbage collector: robust against a busy
    machine, and against collections whose cost grows with the whole test
    process's heap rather than with the message."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(repeat):
            started = time.perf_counter()
            triage(text)
            best = min(best, time.perf_counter() - started)
    finally:
        gc.enable()
    return best


def random_text(length: int) -> str:
    return random.Random(4).randbytes(length).decode("utf-8", errors="replace")


@pytest.mark.parametrize("text", [
    "",
    "   \n\t  ",
    "\x00\x01\x02\x1b[31m\x7f" * 1000,
    "我的胸口很痛，不能呼吸",
    "لا أستطيع التنفس",
    "Я не могу дышать",
    "😭🙏💊" * 500,
    "\udcff\ud800 lone surrogates",
])
def test_text_without_latin_words_is_routine_other(text):
    result = triage(text)
    assert (result.urgency, result.topic) == ("routine", "other")


@pytest.mark.parametrize("seed", range(5))
def test_random_binary_junk_gets_a_defined_answer(seed):
    junk = random.Random(seed).randbytes(20_000).decode("utf-8", errors="replace")
    result = triage(junk)
    # Junk can spell a real word by chance ("rx"), so only the shape is certain.
    assert result.urgency in URGENCIES and result.topic in TOPICS


@pytest.mark.parametrize("value", [b"chest pain", None, 42, ["chest pain"]])
def test_a_non_string_is_refused_with_a_clear_value_error(value):
    with pytest.raises(TriageInputError, match="needs the message as str") as caught:
        triage(value)
    assert isinstance(caught.value, ValueError)


def test_one_megabyte_message_finishes_within_two_seconds():
    assert seconds("a" * 1_000_000, repeat=1) < 2
    assert seconds(random_text(1_000_000), repeat=1) < 2


@pytest.mark.parametrize("text", [
    "a" * 1_000_000,
    "no " * 200_000,
    "chest " * 100_000,
    "chest pain " * 100_000,
    "no not never dont sin nunca " * 40_000 + "chest pain",
    "3 week old fever " * 60_000,
    "pregnant bleeding " * 60_000,
    "fever " * 160_000,
    "!?." * 300_000,
    "1 " * 500_000,
])
def test_adversarial_input_costs_at_most_a_bounded_multiple_of_a_normal_message(text):
    # Given the time of a normal 20,000-character message (the analysed cap)
    baseline = seconds(" ".join(sample_messages(10, 2000)))
    # Then an adversarial message of any length costs at most 50 times that
    assert seconds(text) < 50 * baseline


def test_benchmark_reports_speed_for_2000_character_messages():
    report = run_benchmark(n_messages=50)
    assert report["mean_chars"] == 2000
    assert report["mean_us_per_message"] > 0 and report["messages_per_second"] > 0
    assert report["rules_only_mean_us_per_message"] > 0
    assert report["linear_ratio_4x_text"] > 0

"""Labelled messages the triage model is trained on (and the tests evaluate).

One JSON object a line: {"text", "urgency", "topic", "language"} and, in
original.jsonl, "group" (where the message came from in the old labelled file).

| source | what it is |
| --- | --- |
| original | the labelled file the rules were tuned on (rounds 1-7 and the first cases) |
| set_a, set_b, set_c | three sets written blind by other helpers, 400 messages each |
| set_d, set_e | two more blind sets (paediatrics and pregnancy; SMS, email and chronic disease), 400 each |
| set_f, set_g, set_h | three more (mental health and medicines; injuries, older adults, chronic disease; everyday practice traffic), 400 each |
| set_i, set_j, set_k | three more (voice-to-text and low literacy; regional Spanish; routine messages with alarming words), 400 each |
| round9, round10 | the held-out sets of 200 the lead measured the models on (first-sight figures in docs/triage.md), each added only after its measurement |

The cross-validation (messaging.triage.crossval) leaves one source out at a time.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..defaults import TOPICS, URGENCIES

DATA_DIR = Path(__file__).resolve().parent
SOURCES = ("original", "set_a", "set_b", "set_c", "set_d", "set_e", "set_f", "set_g", "set_h",
           "set_i", "set_j", "set_k", "round9", "round10")


@dataclass(frozen=True)
class Row:
    text: str
    urgency: str
    topic: str
    language: str
    source: str
    group: str = ""

    @property
    def case(self) -> tuple[str, str, str, str]:
        """The (text, urgency, topic, language) shape evaluate() takes."""
        return (self.text, self.urgency, self.topic, self.language)


def source_path(source: str) -> Path:
    return DATA_DIR / f"{source}.jsonl"


@cache
def labelled_rows(source: str) -> tuple[Row, ...]:
    """The rows of one source, in file order; a bad line raises ValueError naming it."""
    path = source_path(source)
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            row = Row(item["text"], item["urgency"], item["topic"], item.get("language", ""),
                      source, item.get("group", ""))
        except (ValueError, KeyError, TypeError) as error:
            raise ValueError(f"{path.name} line {number}: {error}") from None
        if row.urgency not in URGENCIES or row.topic not in TOPICS or not isinstance(
                row.text, str):
            raise ValueError(f"{path.name} line {number}: unknown urgency or topic "
                             f"{row.urgency!r}/{row.topic!r}")
        rows.append(row)
    return tuple(rows)


def available_sources() -> tuple[str, ...]:
    """The sources whose file is present (every shipped source, normally)."""
    return tuple(source for source in SOURCES if source_path(source).exists())


def all_rows(sources: tuple[str, ...] | None = None) -> tuple[Row, ...]:
    return tuple(row for source in (sources or available_sources())
                 for row in labelled_rows(source))


def data_fingerprint(sources: tuple[str, ...] | None = None) -> str:
    """A hash of the training files' bytes: the model is retrained when it changes."""
    digest = hashlib.sha256()
    for source in sources or available_sources():
        digest.update(source.encode() + b"\0" + source_path(source).read_bytes() + b"\0")
    return digest.hexdigest()[:16]

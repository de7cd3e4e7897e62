"""The learned part of triage: a linear model over word and character n-grams.

Rules catch the phrasings someone wrote a family for; blind rounds kept showing
new ones (first-sight emergency recall 55-84%). This model is trained at set-up
from the labelled messages in messaging/triage/data/ and only ever adds to the
rules (see engine.classify and docs/triage.md "The learned model"):

* two logistic heads for urgency: P(emergency) and P(urgent or emergency);
* a softmax head for the topic (the nine topics).

Features, from the same normalised words the rules read (normalise.py):

* ``w=word`` for every word, ``n=word`` instead for a word within a few words
  after a negation cue in the same clause ("no chest pain": ``n=chest``, ``n=pain``;
  their character pieces and pairs are marked the same way: ``nc=``, ``nb=``);
* ``b=word word`` for two neighbouring words of a clause;
* ``c=gram``: the 3- to 5-letter pieces of every word with its edges (``" che"``,
  ``"ches"``, ``"est "``...), which carry misspellings and Spanish word forms.

Each occurrence counts, scaled by 1/sqrt(occurrences), so a long message does not
shout louder than a short one. Only the first MAX_TOKENS words are read (speed).

Deterministic: training is plain SGD with a fixed number of epochs and a fixed
shuffle seed; the weights are rounded before they are stored, and the model's
``version`` is a hash of those rounded weights and the settings, so the same data
always gives the same version. Pure Python, no dependencies.
"""

import contextlib
import hashlib
import heapq
import json
import math
import os
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from threading import Lock

from .defaults import TOPICS
from .normalise import CLAUSE_MARKER, NormalisedText, normalise

# Bump when features or training change meaning (the stored model is retrained).
MODEL_FORMAT = "3"  # 3: reads the first 300 words; denied words have their own features
MAX_TOKENS = 300
NEGATION_REACH = 3
NEGATION_WORDS = frozenset({
    "no", "not", "never", "without", "none", "nor", "dont", "didnt", "doesnt", "isnt",
    "wasnt", "havent", "hasnt", "denies", "sin", "nunca", "ni", "tampoco", "ningun",
    "ninguna",
})
CHAR_SIZES = (3, 4, 5)
HEADS = ("emergency", "urgent", *TOPICS)  # weight columns, in this order
_TOPIC_OFFSET = 2


@dataclass(frozen=True)
class Settings:
    """Training settings; part of the model version."""

    epochs: int = 14
    learning_rate: float = 0.6
    l2: float = 1e-5
    min_count: int = 2
    seed: int = 20240611
    # The default rules' matches as features too: neutral in the cross-validation
    # (recall 95.9% vs 96.2%, false alarms 4.2% vs 4.4%), so off (simpler, and the
    # model does not go stale when a rule changes).
    rule_features: bool = False
    digits: int = 5  # weights are rounded to this many decimals before storing

    def as_dict(self) -> dict:
        return {"epochs": self.epochs, "learning_rate": self.learning_rate, "l2": self.l2,
                "min_count": self.min_count, "seed": self.seed, "digits": self.digits,
                "rule_features": self.rule_features}


# --- features ---------------------------------------------------------------

@lru_cache(maxsize=50_000)
def _char_grams(word: str) -> tuple[str, ...]:
    padded = f" {word} "
    return tuple(f"c={padded[i:i + size]}" for size in CHAR_SIZES
                 for i in range(len(padded) - size + 1))


def _walk(tokens: Sequence[str]):
    """(word, denied?, pair with the previous word or None, pair denied?) per word."""
    negated_until = -1
    previous = None
    for index, token in enumerate(tokens):
        if token == CLAUSE_MARKER:
            negated_until = -1
            previous = None
            continue
        if token in NEGATION_WORDS:
            negated_until = index + NEGATION_REACH
            denied = False
        else:
            denied = index <= negated_until
        pair = None if previous is None else f"{previous} {token}"
        yield token, denied, pair, index <= negated_until
        previous = token


@lru_cache(maxsize=50_000)
def _word_features(token: str, denied: bool) -> tuple[str, ...]:
    # A denied word has features of its own: "no chest pain" is not "chest pain".
    if denied:
        return (f"n={token}", *(f"n{gram}" for gram in _char_grams(token)))
    return (f"w={token}", *_char_grams(token))


def feature_occurrences(text: NormalisedText, rule_matches: Sequence[tuple[str, str]] = ()
                        ) -> list[tuple[str, str]]:
    """(feature, the words it came from) for every feature occurrence, in order.

    rule_matches: (feature, words) for the rules that matched, from
    engine.rule_features ("r=em_chest_pain_en", "rl=..." when lowered)."""
    found: list[tuple[str, str]] = list(rule_matches)
    for token, denied, pair, pair_denied in _walk(text.tokens[:MAX_TOKENS]):
        found.extend((name, token) for name in _word_features(token, denied))
        if pair is not None:
            found.append((f"{'nb' if pair_denied else 'b'}={pair}", pair))
    return found


def features(text: NormalisedText, rule_matches=()) -> list[str]:
    return [name for name, _ in feature_occurrences(text, rule_matches)]


# --- the model ----------------------------------------------------------------

@dataclass(frozen=True)
class Prediction:
    emergency: float  # P(emergency)
    urgent: float  # P(urgent or emergency)
    topics: dict[str, float]
    # (words, weight) that pushed each head most, strongest first
    evidence: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)

    @property
    def topic(self) -> str:
        return max(TOPICS, key=lambda topic: (self.topics[topic], -TOPICS.index(topic)))


@dataclass
class Model:
    weights: dict[str, tuple[float, ...]]  # feature -> one weight per head (HEADS)
    bias: tuple[float, ...]
    settings: Settings
    data_fingerprint: str = ""
    examples: int = 0
    version: str = ""
    _words: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.version:
            self.version = _model_version(self.weights, self.bias, self.settings)

    def _word(self, token: str, denied: bool) -> tuple[tuple[float, ...], int]:
        """The summed weights of one word's features (word + character pieces) and
        how many feature occurrences it has: words repeat, so this is cached."""
        key = (token, denied)
        cached = self._words.get(key)
        if cached is None:
            names = _word_features(token, denied)
            total = [0.0] * len(HEADS)
            for name in names:
                row = self.weights.get(name)
                if row is not None:
                    total = list(map(float.__add__, total, row))
            if len(self._words) > 100_000:
                self._words.clear()
            cached = self._words[key] = (tuple(total), len(names))
        return cached

    def scores(self, text: NormalisedText, rule_matches=()):
        """(score per head, [(words, weights)] per contributing piece, scale).

        The same sum as over feature_occurrences(), grouped by word."""
        if not self.settings.rule_features:
            rule_matches = ()
        pieces: list[tuple[str, tuple[float, ...]]] = []
        count = 0
        weights = self.weights
        for name, words in rule_matches:
            count += 1
            if name in weights:
                pieces.append((words, weights[name]))
        for token, denied, pair, pair_denied in _walk(text.tokens[:MAX_TOKENS]):
            vector, occurrences = self._word(token, denied)
            count += occurrences
            pieces.append((token, vector))
            if pair is not None:
                count += 1
                row = weights.get(f"{'nb' if pair_denied else 'b'}={pair}")
                if row is not None:
                    pieces.append((pair, row))
        if not count:
            return list(self.bias), pieces, 0.0
        sums = [0.0] * len(HEADS)
        for _, vector in pieces:
            sums = list(map(float.__add__, sums, vector))
        scale = 1.0 / math.sqrt(count)
        return [b + s * scale for b, s in zip(self.bias, sums, strict=True)], pieces, scale

    def predict(self, text: NormalisedText, evidence: int = 5, rule_matches=()) -> Prediction:
        scores, pieces, scale = self.scores(text, rule_matches)
        topic_scores = scores[_TOPIC_OFFSET:]
        top = max(topic_scores)
        exps = [math.exp(score - top) for score in topic_scores]
        total = sum(exps)
        topics = {topic: value / total for topic, value in zip(TOPICS, exps, strict=True)}
        best_topic = max(range(len(TOPICS)), key=lambda i: (topic_scores[i], -i))
        return Prediction(
            emergency=_sigmoid(scores[0]), urgent=_sigmoid(scores[1]), topics=topics,
            evidence={
                "emergency": _evidence(pieces, 0, evidence, scale),
                "urgent": _evidence(pieces, 1, evidence, scale),
                "topic": _evidence(pieces, _TOPIC_OFFSET + best_topic, evidence, scale),
            } if evidence else {})

    def as_dict(self) -> dict:
        return {
            "format": MODEL_FORMAT,
            "heads": list(HEADS),
            "settings": self.settings.as_dict(),
            "data_fingerprint": self.data_fingerprint,
            "examples": self.examples,
            "version": self.version,
            "bias": list(self.bias),
            "weights": {name: list(row) for name, row in sorted(self.weights.items())},
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Model":
        if data.get("format") != MODEL_FORMAT or data.get("heads") != list(HEADS):
            raise ValueError("stored triage model has another format; retrain it")
        model = cls(
            weights={name: tuple(row) for name, row in data["weights"].items()},
            bias=tuple(data["bias"]), settings=Settings(**data["settings"]),
            data_fingerprint=data.get("data_fingerprint", ""),
            examples=data.get("examples", 0))
        if model.version != data.get("version"):
            raise ValueError("stored triage model does not match its version; retrain it")
        return model


def _sigmoid(score: float) -> float:
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    exp = math.exp(score)
    return exp / (1.0 + exp)


# Words that carry weight only as context ("and", "of", "de"): they still count in the
# score, but an explanation that names them tells staff nothing, so evidence skips them.
_NOT_EVIDENCE = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "do", "for", "from",
    "had", "has", "have", "he", "her", "him", "his", "i", "im", "in", "is", "it", "its",
    "me", "my", "of", "on", "or", "our", "she", "so", "that", "the", "their", "them",
    "they", "this", "to", "up", "us", "was", "we", "were", "with", "you", "your", "al",
    "con", "de", "del", "el", "en", "es", "esta", "la", "las", "le", "lo", "los", "me",
    "mi", "mis", "muy", "no", "por", "que", "se", "su", "sus", "un", "una", "y", "ya",
))


def _evidence(pieces, head: int, limit: int, scale: float):
    """The words whose features pushed `head` most (summed per word), strongest first."""
    by_words: dict[str, float] = {}
    for words, vector in pieces:
        if words in _NOT_EVIDENCE:
            continue
        by_words[words] = by_words.get(words, 0.0) + vector[head] * scale
    ranked = heapq.nsmallest(limit, by_words.items(), key=lambda item: (-item[1], item[0]))
    return tuple((words, round(weight, 3)) for words, weight in ranked if weight > 0)


def _model_version(weights, bias, settings: Settings) -> str:
    blob = json.dumps({"format": MODEL_FORMAT, "settings": settings.as_dict(),
                       "bias": list(bias),
                       "weights": sorted((name, list(row)) for name, row in weights.items())},
                      separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


# --- training -------------------------------------------------------------------

def train(examples: Iterable[tuple[str, str, str]], settings: Settings | None = None,
          data_fingerprint: str = "") -> Model:
    """Train on (text, urgency, topic) examples. Same examples and settings -> same model."""
    settings = settings or Settings()
    docs = []
    matcher = _rule_matcher() if settings.rule_features else None
    for text, urgency, topic in examples:
        normalised = normalise(text)
        matches = matcher(normalised) if matcher else ()
        docs.append((features(normalised, matches), urgency, topic))
    counts: Counter = Counter()
    for names, _, _ in docs:
        counts.update(set(names))
    vocabulary = sorted(name for name, count in counts.items() if count >= settings.min_count)
    index = {name: number for number, name in enumerate(vocabulary)}
    encoded = []
    for names, urgency, topic in docs:
        ids = [index[name] for name in names if name in index]
        scale = 1.0 / math.sqrt(len(names)) if names else 0.0
        targets = (1.0 if urgency == "emergency" else 0.0,
                   1.0 if urgency in ("emergency", "urgent") else 0.0)
        encoded.append((ids, scale, targets, TOPICS.index(topic)))

    heads = len(HEADS)
    columns = [[0.0] * len(vocabulary) for _ in range(heads)]
    bias = [0.0] * heads
    order = list(range(len(encoded)))
    rng = random.Random(settings.seed)
    steps = settings.epochs * max(len(encoded), 1)
    step = 0
    for _epoch in range(settings.epochs):
        rng.shuffle(order)
        for position in order:
            ids, scale, targets, topic = encoded[position]
            rate = settings.learning_rate / (1.0 + 4.0 * step / steps)
            step += 1
            scores = [bias[h] + scale * sum(map(columns[h].__getitem__, ids))
                      for h in range(heads)]
            gradients = [_sigmoid(scores[0]) - targets[0], _sigmoid(scores[1]) - targets[1]]
            topic_scores = scores[_TOPIC_OFFSET:]
            top = max(topic_scores)
            exps = [math.exp(score - top) for score in topic_scores]
            total = sum(exps)
            gradients += [value / total - (1.0 if number == topic else 0.0)
                          for number, value in enumerate(exps)]
            for head, gradient in enumerate(gradients):
                if -1e-4 < gradient < 1e-4:
                    continue  # nothing to learn here; skipping keeps training fast
                bias[head] -= rate * gradient
                column = columns[head]
                change = rate * gradient * scale
                for feature in ids:
                    column[feature] -= change
        keep = 1.0 - settings.learning_rate * settings.l2 * len(encoded)
        for head in range(heads):
            columns[head] = [value * keep for value in columns[head]]

    digits = settings.digits
    weights = {}
    for number, name in enumerate(vocabulary):
        row = tuple(round(columns[head][number], digits) for head in range(heads))
        if any(row):
            weights[name] = row
    return Model(weights=weights, bias=tuple(round(value, digits) for value in bias),
                 settings=settings, data_fingerprint=data_fingerprint, examples=len(encoded))


def _rule_matcher():
    from .default_rules import default_rule_set
    from .engine import compiled_rule_set, rule_features

    compiled = compiled_rule_set(default_rule_set())
    return lambda normalised: rule_features(compiled, normalised)


# --- the shipped model: trained at set-up, loaded once per process -----------------

def default_model_path() -> Path:
    """Where the set-up step writes the model (VPM_TRIAGE_MODEL overrides it)."""
    configured = os.environ.get("VPM_TRIAGE_MODEL")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "var" / "triage" / "model.json"


def training_examples(sources: Sequence[str] | None = None) -> list[tuple[str, str, str]]:
    from .data import all_rows

    return [(row.text, row.urgency, row.topic) for row in all_rows(
        tuple(sources) if sources else None)]


def training_fingerprint() -> str:
    """What the shipped model was trained from: the data files and the default rules
    (their matches are features)."""
    from .data import data_fingerprint
    from .default_rules import default_rule_set

    if not Settings().rule_features:
        return data_fingerprint()
    return f"{data_fingerprint()}-{default_rule_set().version}"


def train_default(settings: Settings | None = None) -> Model:
    """The shipped model: every labelled source in messaging/triage/data/."""
    return train(training_examples(), settings, data_fingerprint=training_fingerprint())


def save(model: Model, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps(model.as_dict(), separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, path)  # atomic: a reader never sees half a file


def load(path: Path) -> Model:
    return Model.from_dict(json.loads(path.read_text(encoding="utf-8")))


def is_current(model: Model) -> bool:
    """Was the model trained on today's data files and rules with today's settings?"""
    return model.data_fingerprint == training_fingerprint() and model.settings == Settings()


_default: Model | None = None
_default_lock = Lock()


def default_model() -> Model:
    """The shipped model, loaded once per process.

    The set-up step (``python -m messaging.triage.train``, run by make run, make
    test and the Dockerfile) writes it; if the file is missing, unreadable or was
    trained on other data, it is trained here, in process (a few seconds), and
    written back when the location is writable.
    """
    global _default
    if _default is not None:
        return _default
    with _default_lock:
        if _default is None:
            _default = _load_or_train(default_model_path())
    return _default


def _load_or_train(path: Path) -> Model:
    try:
        model = load(path)
        if is_current(model):
            return model
    except (OSError, ValueError, KeyError, TypeError):
        pass
    model = train_default()
    with contextlib.suppress(OSError):  # a read-only install trains once per process
        save(model, path)
    return model


def reset_default_model() -> None:
    """Forget the loaded model (tests; after retraining)."""
    global _default
    with _default_lock:
        _default = None

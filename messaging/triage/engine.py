"""Classify a patient message: urgency, topic, team and response target.

This is a routing aid for front-office staff, not a clinical decision. It
prefers a false alarm to a missed emergency. Pure Python, no Django.

How a message is classified (details in docs/triage.md):

1. normalise the text into canonical words (normalise.py);
2. find every rule that matches: phrases through an index of their rarest
   word, patterns only where one of their literal prefixes starts a word;
3. drop matches that are negated ("no chest pain", "sin fiebre");
4. the topic is set by the matching topic rule with the highest priority
   (ties: the earliest match in the text, then the rule id);
5. the urgency is set by the matching urgency rule with the highest priority,
   among rules whose when_topic is empty or equals the topic (ties: the most
   severe urgency, then the earliest match, then the rule id);
6. no topic rule -> "other"; no urgency rule -> "routine";
7. the learned model (model.py) may raise the urgency (never lower it) and
   decide the topic where the rules only fell back or were weak; the floor
   (floor.py) makes a symptom with an acuity/now word at least urgent.
"""

import hashlib
import re
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from threading import Lock

from . import blend, floor
from .context import lowered_reading
from .defaults import (
    DEFAULT_RESPONSE_TARGETS,
    DEFAULT_TEAM_MAP,
    FALLBACK_TOPIC,
    FALLBACK_URGENCY,
    TEAMS,
    URGENCIES,
    describe_target,
)
from .model import Model, default_model
from .normalise import CLAUSE_MARKER, NormalisedText, normalise, normalise_phrase
from .rules import Rule, RuleSet, literal_prefixes, required_words

# --- negation -------------------------------------------------------------
# A match is negated when a cue appears at most NEGATION_WINDOW words before it,
# in the same clause (no CLAUSE_MARKER in between) and with no scope breaker in
# between. Cues inside the matched phrase do not count: "i cant breathe" is a
# phrase, not a negation. Only matches of rules with negatable=True are checked.
NEGATION_WINDOW = 5
NEGATION_CUES = frozenset({
    "no", "not", "never", "without", "none", "nor", "neither", "denies", "denied", "deny",
    "dont", "didnt", "doesnt", "isnt", "arent", "wasnt", "werent",
    "havent", "hasnt", "hadnt", "wont", "wouldnt",
    "sin", "nunca", "jamas", "ni", "tampoco", "niega", "ningun", "ninguna", "ninguno",
    # history is not a current problem: "history of chest pain", "antecedentes de infarto"
    "history", "hx", "antecedentes",
})
# "can't"/"couldn't" are left out on purpose: "cant feel my arm" is a symptom.
# A cue followed (before the symptom) by one of these negates something else:
# "not sure if it is chest pain", "no se si es dolor de pecho",
# "tylenol is not helping my chest pain", "no se me quita el dolor de pecho",
# "i dont see the point in living".
PSEUDO_NEGATION_WORDS = frozenset({
    "sure", "know", "idea", "only", "doubt", "matter", "one", "see", "think",
    "help", "helps", "helping", "helped", "work", "works", "working", "worked",
    "better", "improving", "stop", "stopping", "go", "going", "away", "gone",
    "sleep", "slept", "eat", "ate", "get", "got", "take", "took", "call", "called", "want",
    "need", "like", "mean", "si", "sabe", "sabemos", "seguro", "segura", "dormir", "dormi",
    "comer", "comi",
    "ayuda", "ayudan", "sirve", "sirven", "funciona", "funcionan", "mejora", "quita", "quitan",
})
# "no i have chest pain": a "no" followed by one of these answers a question.
# ("he" is left out: in Spanish "no he tenido" is a real negation.)
INTERJECTION_AFTER_NO = frozenset({
    "i", "im", "my", "she", "shes", "we", "they", "it", "its",
    "the", "this", "that", "yes", "ok", "okay",
})
# These end a negation's reach: "no fever and my chest hurts".
NEGATION_SCOPE_BREAKERS = frozenset({
    "and", "still", "now", "also", "then", "y", "e", "todavia", "aun", "ahora", "tambien",
})

# Partial-word pattern prefixes are grouped by their first letters.
_HEAD = 3

# Compiled rule sets, by version. Bounded: one per practice rule set in use.
COMPILED_CACHE_SIZE = 256
_SEVERITY = {urgency: rank for rank, urgency in enumerate(URGENCIES)}


class TriageInputError(ValueError):
    """classify() was given something that is not a str (e.g. bytes or None)."""


@dataclass(frozen=True)
class Match:
    """A rule that matched, and the words of the message that made it match.

    words are the normalised words of the first occurrence ("perscription"
    shows as "prescription", "corazón" as "corazon"). A negated match
    ("no chest pain") is listed for staff to see but decides nothing.
    """

    rule_id: str
    words: str
    negated: bool = False
    # Why a match decides nothing although it is not negated: "past event",
    # "figure of speech", "question about information", ... (see context.py).
    lowered: str | None = None

    def as_dict(self) -> dict:
        answer = {"rule_id": self.rule_id, "words": self.words, "negated": self.negated}
        if self.lowered:
            answer["lowered"] = self.lowered
        return answer


@dataclass(frozen=True)
class Triage:
    urgency: str
    topic: str
    team: str
    response_target_minutes: int
    matched: tuple[Match, ...] = ()
    urgency_rule: str | None = None  # the rule that decided the urgency, if any
    topic_rule: str | None = None  # the rule that decided the topic, if any
    rules_version: str = ""
    truncated: bool = False  # the message was longer than the analysed cap
    # What the learned model said and why (None when classify ran without it).
    model: dict | None = None

    def as_dict(self) -> dict:
        """JSON-ready: the fields plus a human label for the response target."""
        return {
            "urgency": self.urgency,
            "topic": self.topic,
            "team": self.team,
            "response_target": self.response_target_minutes,
            "response_target_label": describe_target(self.response_target_minutes),
            "matched": [match.as_dict() for match in self.matched],
            "urgency_rule": self.urgency_rule,
            "topic_rule": self.topic_rule,
            "rules_version": self.rules_version,
            "truncated": self.truncated,
            "model": self.model,
        }


@dataclass
class _Hit:
    """Where a rule first matched (token positions, end exclusive)."""

    start: int
    end: int
    negated: bool


class CompiledRuleSet:
    """The matching structures of one RuleSet version, built once.

    Phrases are indexed by their rarest word (the "anchor": not a common word,
    the longest): one pass over the message finds where anchors occur, and
    only those phrases are compared. Patterns are indexed by their literal
    prefixes (see rules.literal_prefixes): a pattern is only tried where one
    of its prefixes starts a word, never searched over the whole text. So the
    cost is one pass plus work proportional to the candidate words.
    """

    def __init__(self, rule_set: RuleSet):
        self.version = rule_set.version
        self.rules: tuple[Rule, ...] = tuple(rule for rule in rule_set.rules if rule.enabled)
        self.by_id: dict[str | None, Rule] = {rule.id: rule for rule in self.rules}
        # anchor word -> [(offset of the anchor in the phrase, phrase words, rule indexes)]
        self.phrases: dict[str, list[tuple[int, tuple[str, ...], list[int]]]] = {}
        # anchor word -> rules with that one-word phrase that cannot be negated:
        # the first occurrence of the word is all they need.
        self.first_only: dict[str, list[int]] = {}
        # Pattern prefixes as needles " prefix", each with the patterns to try
        # where it occurs. A needle is indexed by its rarest complete word (and
        # that word's position in it), or by the first letters of a partial
        # word like "pregnan", so only needles that can occur are checked.
        # word -> {(offset of the word in the needle, needle length): {needle: targets}}
        self.by_word: dict[str, dict[tuple[int, int], dict[str, list]]] = {}
        # A target is (compiled pattern, rule index, words it needs or empty set).
        self.by_head: dict[str, dict[str, list]] = {}
        self.unanchored: list[tuple[re.Pattern, tuple]] = []  # patterns without a prefix
        for index, rule in enumerate(self.rules):
            for phrase in rule.phrases:
                self._add_phrase(normalise_phrase(phrase), index)
            for pattern in rule.patterns:
                self._add_pattern(pattern, index)
        self.anchors = frozenset(self.phrases)
        self.first_only_words = frozenset(self.first_only)
        self.pattern_words = frozenset(self.by_word)
        self.heads = frozenset(self.by_head)
        self.wanted = self.anchors | self.pattern_words | self.first_only_words

    def _add_phrase(self, words: tuple[str, ...], rule_index: int) -> None:
        if len(words) == 1 and not self.rules[rule_index].negatable:
            rule_indexes = self.first_only.setdefault(words[0], [])
            if rule_index not in rule_indexes:
                rule_indexes.append(rule_index)
            return
        offset = _rarest(words)
        entries = self.phrases.setdefault(words[offset], [])
        for entry_offset, entry_words, rule_indexes in entries:
            if entry_words == words and entry_offset == offset:
                if rule_index not in rule_indexes:
                    rule_indexes.append(rule_index)
                return
        entries.append((offset, words, [rule_index]))

    def _add_pattern(self, pattern: str, rule_index: int) -> None:
        # The text is " word word ... ": a match starts at a word and must end
        # before a space, so patterns are anchored at word boundaries.
        compiled = re.compile(f"(?:{pattern})(?= )")
        # A word set the pattern needs further on (the last one, usually the
        # most telling): a message with none of those words never tries it.
        required = required_words(pattern)
        target = (compiled, rule_index, required[-1] if required else frozenset())
        prefixes = literal_prefixes(pattern)
        if prefixes is None or any(" " not in p and len(p) < _HEAD for p in prefixes):
            unanchored = re.compile(f"(?<= )(?:{pattern})(?= )")
            self.unanchored.append((unanchored, (compiled, rule_index, frozenset())))
            return
        for prefix in prefixes:
            needle = " " + prefix
            complete = prefix.split(" ")[:-1]  # words followed by a space
            if complete:
                offset = _rarest(complete)
                shapes = self.by_word.setdefault(complete[offset], {})
                needles = shapes.setdefault((offset, len(needle)), {})
                needles.setdefault(needle, []).append(target)
            else:
                group = self.by_head.setdefault(prefix[:_HEAD], {})
                group.setdefault(needle, []).append(target)

    def find(self, text: NormalisedText) -> dict[int, _Hit]:
        hits: dict[int, _Hit] = {}
        positions = self._positions(text.tokens)
        for word in self.first_only_words.intersection(positions):
            start = positions[word][0]
            for rule_index in self.first_only[word]:
                self._record(hits, rule_index, start, start + 1, text)
        self._find_phrases(text, positions, hits)
        if self.pattern_words or self.heads or self.unanchored:
            self._find_patterns(text, positions, hits)
        return hits

    def _positions(self, tokens: tuple[str, ...]) -> dict[str, list[int]]:
        """Where each phrase anchor or pattern first word occurs (one pass)."""
        wanted = self.wanted
        positions: dict[str, list[int]] = {}
        for index, token in enumerate(tokens):
            if token in wanted:
                positions.setdefault(token, []).append(index)
        return positions

    def _find_phrases(self, text: NormalisedText, positions, hits) -> None:
        tokens = text.tokens
        for anchor in self.anchors.intersection(positions):
            entries = self.phrases[anchor]
            for position in positions[anchor]:
                for offset, words, rule_indexes in entries:
                    start = position - offset
                    end = start + len(words)
                    if start >= 0 and tokens[start:end] == words:
                        for rule_index in rule_indexes:
                            self._record(hits, rule_index, start, end, text)

    def _find_patterns(self, text: NormalisedText, positions, hits) -> None:
        tokens = text.tokens
        joined = f" {text.text} "
        present = set(tokens)
        # Character offset of token i in joined: 1 + i + letters before it.
        letters = [0, *accumulate(map(len, tokens))]
        starts = [1 + i + letters[i] for i in range(len(tokens))]
        for word in self.pattern_words.intersection(positions):
            shapes = self.by_word[word]
            for position in positions[word]:
                # One slice and one dict lookup per needle shape, however many
                # needles share it ("1 week old", "2 week old", ...).
                for (offset, length), needles in shapes.items():
                    index = position - offset
                    if index >= 0:
                        char = 1 + index + letters[index]
                        targets = needles.get(joined[char - 1:char - 1 + length])
                        if targets is not None:
                            self._try_patterns(targets, joined, present, char, index, text,
                                               hits)
        if self.heads:
            present_heads = {token[:_HEAD] for token in present}
            for head in self.heads.intersection(present_heads):
                for needle, targets in self.by_head[head].items():
                    char = joined.find(needle) + 1
                    while char:
                        # bisect, not joined.count(" ", 0, char): counting from the
                        # start at every occurrence made long messages quadratic.
                        index = bisect_right(starts, char) - 1
                        self._try_patterns(targets, joined, present, char, index, text, hits)
                        char = joined.find(needle, char) + 1
        for pattern, target in self.unanchored:
            for found in pattern.finditer(joined):
                index = bisect_right(starts, found.start()) - 1
                self._try_patterns([target], joined, present, found.start(), index, text, hits)

    def _try_patterns(self, targets, joined, present, char: int, index: int, text, hits):
        """Try patterns at the word starting at character `char` (token `index`)."""
        for pattern, rule_index, required in targets:
            if required and required.isdisjoint(present):
                continue  # a word the pattern needs is not in the message
            found = pattern.match(joined, char)
            if found is not None:
                end = index + 1 + joined.count(" ", char, found.end())
                self._record(hits, rule_index, index, end, text)

    def _record(self, hits, rule_index: int, start: int, end: int, text: NormalisedText):
        """Keep, per rule, the earliest match that counts (not negated), else
        the earliest negated one."""
        previous = hits.get(rule_index)
        if previous is not None and not previous.negated and previous.start <= start:
            return  # cheap exit: an earlier match already counts
        negated = self.rules[rule_index].negatable and is_negated(text.tokens, start)
        if previous is None or (negated, start) < (previous.negated, previous.start):
            hits[rule_index] = _Hit(start, end, negated)


# Words too common to index a phrase or pattern by (any other word is rarer).
_COMMON_WORDS = frozenset({
    "a", "an", "the", "i", "my", "me", "is", "in", "on", "of", "to", "and", "it", "no",
    "not", "de", "la", "el", "en", "mi", "se", "y", "que", "un", "una", "lo", "le",
})


def _rarest(words) -> int:
    """Position of the word to index by: not a common word, longest, last."""
    return max(range(len(words)), key=lambda i: (words[i] not in _COMMON_WORDS,
                                                 len(words[i]), i))


def is_negated(tokens: tuple[str, ...], start: int) -> bool:
    """Is the match starting at token `start` negated by a preceding cue?"""
    for position in range(start - 1, max(start - NEGATION_WINDOW, 0) - 1, -1):
        token = tokens[position]
        if token == CLAUSE_MARKER or token in NEGATION_SCOPE_BREAKERS:
            return False
        if token in NEGATION_CUES and not _negates_something_else(tokens, position, start):
            return True
    return False


def _negates_something_else(tokens: tuple[str, ...], cue: int, start: int) -> bool:
    between = tokens[cue + 1:start]
    if tokens[cue] == "no" and between and between[0] in INTERJECTION_AFTER_NO:
        return True
    return any(token in PSEUDO_NEGATION_WORDS for token in between)


# --- compile cache ----------------------------------------------------------

_compiled: OrderedDict[str, CompiledRuleSet] = OrderedDict()
_compiled_lock = Lock()


def compiled_rule_set(rules: RuleSet) -> CompiledRuleSet:
    """The compiled form of a rule set, built once per version (LRU cache)."""
    with _compiled_lock:
        compiled = _compiled.get(rules.version)
        if compiled is not None:
            _compiled.move_to_end(rules.version)
            return compiled
    compiled = CompiledRuleSet(rules)  # outside the lock: compiling takes a while
    with _compiled_lock:
        _compiled[rules.version] = compiled
        while len(_compiled) > COMPILED_CACHE_SIZE:
            _compiled.popitem(last=False)
    return compiled


def clear_compiled_cache() -> None:
    with _compiled_lock:
        _compiled.clear()


# --- classify ---------------------------------------------------------------

# The model and the floor in explanations (``urgency_rule`` / ``topic_rule`` / ``matched``).
MODEL_RULE = "model"
FLOOR_RULE = floor.FLOOR_RULE
_DEFAULT_MODEL = object()  # classify(model=...) not given: the shipped model


def classify(
    text: str,
    rules: RuleSet,
    *,
    team_map: Mapping[str, str] | None = None,
    targets: Mapping[str, int] | None = None,
    model: "Model | None" = _DEFAULT_MODEL,  # type: ignore[assignment]
) -> Triage:
    """Triage one message with a rule set and the learned model.

    team_map (topic -> team) and targets (urgency -> minutes) default to
    DEFAULT_TEAM_MAP and DEFAULT_RESPONSE_TARGETS; missing keys fall back to
    them. Raises TriageInputError if text is not a str, and ValueError for
    an unknown team or a negative target. Any str gives an answer.

    model: the shipped model (default_model()) unless given; None runs the
    rules and the floor alone (for measurements, not for patients).
    """
    if model is _DEFAULT_MODEL:
        model = default_model()
    return _classify(text, rules, team_map, targets, model, use_floor=True)


def _classify(text, rules, team_map, targets, model: "Model | None", *,
              use_floor: bool) -> Triage:
    if not isinstance(text, str):
        raise TriageInputError(
            f"classify() needs the message as str, got {type(text).__name__}; "
            "decode bytes first, e.g. data.decode('utf-8', errors='replace')"
        )
    if not isinstance(rules, RuleSet):
        raise TypeError(f"rules must be a RuleSet, got {type(rules).__name__}")
    compiled = compiled_rule_set(rules)
    normalised = normalise(text)
    hits = compiled.find(normalised)
    lowered = _lowered(compiled.rules, hits, normalised)
    counted = {index: hit for index, hit in hits.items() if index not in lowered}

    topic, topic_rule = _decide_topic(compiled.rules, counted)
    urgency, urgency_rule = _decide_urgency(compiled.rules, counted, topic)
    matched = _explain(compiled.rules, hits, topic, normalised, lowered)
    explanation = None
    if model is not None:
        prediction = model.predict(normalised, rule_matches=_rule_features(
            compiled, hits, lowered, normalised))
        decision = blend.decide(prediction, urgency, topic, compiled.by_id.get(topic_rule))
        explanation = decision.explanation(model)
        if decision.urgency != urgency:
            urgency, urgency_rule = decision.urgency, MODEL_RULE
        if decision.topic != topic:
            topic, topic_rule = decision.topic, MODEL_RULE
        if decision.changed:
            matched += (Match(MODEL_RULE, decision.evidence_words),)
    if use_floor and urgency == "routine":
        found = floor.floor_match(normalised)
        if found is not None:
            urgency, urgency_rule = "urgent", FLOOR_RULE
            matched += (Match(FLOOR_RULE, found),)
    return Triage(
        urgency=urgency,
        topic=topic,
        team=_team_for(topic, team_map),
        response_target_minutes=_target_for(urgency, targets),
        matched=matched,
        urgency_rule=urgency_rule,
        topic_rule=topic_rule,
        rules_version=triage_version(rules, model),
        truncated=normalised.truncated,
        model=explanation,
    )


def rule_features(compiled: "CompiledRuleSet", text: NormalisedText) -> list[tuple[str, str]]:
    """The rules' matches as model features: (feature, words) pairs."""
    hits = compiled.find(text)
    return _rule_features(compiled, hits, _lowered(compiled.rules, hits, text), text)


def _rule_features(compiled, hits, lowered, text) -> list[tuple[str, str]]:
    found = []
    for index, hit in hits.items():
        rule = compiled.rules[index]
        state = "rn" if hit.negated else "rl" if index in lowered else "r"
        found.append((f"{state}={rule.id}", text.words(hit.start, hit.end)))
    found.sort()
    return found


@lru_cache(maxsize=COMPILED_CACHE_SIZE)
def _combined_version(rules_version: str, model_version: str) -> str:
    blob = f"{rules_version}|{model_version}|{blend.VERSION}|{floor.VERSION}"
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def triage_version(rules: RuleSet, model: "Model | None") -> str:
    """What Triage.rules_version says: the rule set, the model, the blend and the floor.

    It changes when any of them changes; without a model it is rules.version."""
    if model is None:
        return rules.version
    return _combined_version(rules.version, model.version)


def _decide_topic(rules: tuple[Rule, ...], hits: dict[int, _Hit]) -> tuple[str, str | None]:
    candidates = [
        (-rules[index].priority, hit.start, rules[index].id, rules[index].sets_topic)
        for index, hit in hits.items()
        if not hit.negated and rules[index].sets_topic
    ]
    if not candidates:
        return FALLBACK_TOPIC, None
    _, _, rule_id, topic = min(candidates)
    return topic, rule_id


def _decide_urgency(
    rules: tuple[Rule, ...], hits: dict[int, _Hit], topic: str
) -> tuple[str, str | None]:
    candidates = [
        (-rule.priority, _SEVERITY[rule.sets_urgency], hit.start, rule.id, rule.sets_urgency)
        for index, hit in hits.items()
        if not hit.negated
        and (rule := rules[index]).sets_urgency
        and rule.when_topic in (None, topic)
    ]
    if not candidates:
        return FALLBACK_URGENCY, None
    *_, rule_id, urgency = min(candidates)
    return urgency, rule_id


def _lowered(rules: tuple[Rule, ...], hits: dict[int, _Hit], text: NormalisedText) -> dict:
    """Urgency matches that are not happening now (past, figurative, a question...)."""
    return {index: reason for index, hit in hits.items()
            if not hit.negated and rules[index].sets_urgency and rules[index].negatable
            and (reason := lowered_reading(text.tokens, hit.start, hit.end, text.text))}


def _explain(
    rules: tuple[Rule, ...], hits: dict[int, _Hit], topic: str, text: NormalisedText,
    lowered: dict | None = None,
) -> tuple[Match, ...]:
    """Every rule that matched (and applies to the topic), strongest first."""
    ordered = sorted(
        (index for index in hits if rules[index].when_topic in (None, topic)),
        key=lambda index: (-rules[index].priority, hits[index].start, rules[index].id),
    )
    return tuple(
        Match(rules[index].id, text.words(hits[index].start, hits[index].end),
              hits[index].negated, (lowered or {}).get(index))
        for index in ordered
    )


def _team_for(topic: str, team_map: Mapping[str, str] | None) -> str:
    team = DEFAULT_TEAM_MAP[topic] if team_map is None else team_map.get(
        topic, DEFAULT_TEAM_MAP[topic])
    if team not in TEAMS:
        raise ValueError(f"team_map sends topic '{topic}' to unknown team {team!r} "
                         f"(expected one of: {', '.join(TEAMS)})")
    return team


def _target_for(urgency: str, targets: Mapping[str, int] | None) -> int:
    minutes = DEFAULT_RESPONSE_TARGETS[urgency] if targets is None else targets.get(
        urgency, DEFAULT_RESPONSE_TARGETS[urgency])
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes < 0:
        raise ValueError(f"response target for '{urgency}' must be a whole number of "
                         f"minutes >= 0, got {minutes!r}")
    return minutes

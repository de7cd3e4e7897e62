"""Triage rules as data, their validation, and rule sets.

A rule is a plain dict in storage (JSON) and a frozen Rule in code:

    {"id": "em_chest_pain", "phrases": ["chest pain"], "patterns": [],
     "sets_urgency": "emergency", "sets_topic": "clinical_question",
     "priority": 100, "language": "en"}

Every Rule is validated when it is built, so a RuleSet only ever holds rules
that compile, cannot match the empty string and have no regex shape that can
backtrack catastrophically (Python's re module has no timeout, so patterns
are made safe by construction; see docs/triage.md).
"""

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from re import _constants as sre  # the parsed-regex vocabulary of the re module
from re import _parser as sre_parse

from .defaults import TOPICS, URGENCIES
from .normalise import normalise_phrase, table_fingerprint

# Bump when the meaning of a rule changes (matching, negation, resolution),
# so cached compiled rule sets and stored versions are not mixed up.
ENGINE_VERSION = "2"  # 2: context readings (messaging.triage.context)

MAX_PATTERN_CHARS = 1000
# A repeat that can cross a space (".{0,40}", "(?: \w+){0,3}") must be bounded.
MAX_GAP = 50
PRIORITY_RANGE = (-1000, 1000)

_ID_SHAPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_LANGUAGE_SHAPE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?")
# Normalised text only ever contains these characters ("_" marks clause breaks).
_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_ ")
_DIGITS = frozenset("0123456789")


class RuleError(ValueError):
    """A rule or rule set is invalid. The message names the rule and the problem."""

    def __init__(self, message: str, rule_id: str | None = None):
        super().__init__(message)
        self.rule_id = rule_id


def _fail(rule_id: object, problem: str) -> None:
    name = f"rule '{rule_id}'" if isinstance(rule_id, str) and rule_id else "rule without an id"
    raise RuleError(f"{name}: {problem}", rule_id if isinstance(rule_id, str) else None)


@dataclass(frozen=True)
class Rule:
    """One triage rule; see docs/triage.md for the meaning of each field."""

    id: str
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    when_topic: str | None = None
    sets_urgency: str | None = None
    sets_topic: str | None = None
    priority: int = 0
    language: str | None = None
    negatable: bool = True
    enabled: bool = True
    description: str = ""

    def __post_init__(self) -> None:
        # JSON gives lists; tuples keep a Rule immutable and hashable.
        for name in ("phrases", "patterns"):
            value = getattr(self, name)
            if isinstance(value, str) or not isinstance(value, Iterable):
                _fail(self.id, f"'{name}' must be a list of strings")
            object.__setattr__(self, name, tuple(value))
        _check_rule(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> "Rule":
        if not isinstance(data, Mapping):
            raise RuleError(f"a rule must be an object (dict), got {type(data).__name__}")
        rule_id = data.get("id")
        if not rule_id:
            _fail(None, "missing 'id'; every rule needs a unique id such as 'em_chest_pain'")
        unknown = sorted(set(data) - RULE_FIELDS)
        if unknown:
            _fail(rule_id, f"unknown field(s) {', '.join(unknown)}; "
                           f"known fields are {', '.join(sorted(RULE_FIELDS))}")
        return cls(**data)

    def as_dict(self) -> dict:
        """A JSON-ready dict that from_dict() turns back into an equal Rule."""
        return {
            "id": self.id,
            "phrases": list(self.phrases),
            "patterns": list(self.patterns),
            "when_topic": self.when_topic,
            "sets_urgency": self.sets_urgency,
            "sets_topic": self.sets_topic,
            "priority": self.priority,
            "language": self.language,
            "negatable": self.negatable,
            "enabled": self.enabled,
            "description": self.description,
        }


RULE_FIELDS = frozenset(f.name for f in fields(Rule))


def validate_rule(data: Mapping | Rule) -> Rule:
    """Return the Rule for a dict, or raise RuleError saying what is wrong."""
    if isinstance(data, Rule):
        return data
    return Rule.from_dict(data)


def _check_rule(rule: Rule) -> None:
    if not isinstance(rule.id, str) or not rule.id:
        _fail(None, "missing 'id'; every rule needs a unique id such as 'em_chest_pain'")
    if not _ID_SHAPE.fullmatch(rule.id):
        _fail(rule.id, "the id may only use letters, digits, '_', '.' and '-' "
                       "(at most 100 characters)")
    _check_choice(rule, "sets_urgency", URGENCIES)
    _check_choice(rule, "sets_topic", TOPICS)
    _check_choice(rule, "when_topic", TOPICS)
    _check_types(rule)
    if rule.when_topic and rule.sets_topic:
        _fail(rule.id, "a rule with 'when_topic' applies after the topic is decided, "
                       "so it cannot set the topic too")
    for phrase in rule.phrases:
        if not isinstance(phrase, str) or not normalise_phrase(phrase):
            _fail(rule.id, f"phrase {phrase!r} is empty after normalisation "
                           "(it needs at least one letter or digit)")
    for pattern in rule.patterns:
        if not isinstance(pattern, str):
            _fail(rule.id, f"pattern {pattern!r} must be a string")
        problem = pattern_problem(pattern)
        if problem:
            _fail(rule.id, f"pattern {pattern!r} {problem}")
    if rule.enabled:
        if not rule.phrases and not rule.patterns:
            _fail(rule.id, "has neither phrases nor patterns, so it can never match")
        if not rule.sets_urgency and not rule.sets_topic:
            _fail(rule.id, "sets neither 'sets_urgency' nor 'sets_topic', so it does nothing")


def _check_choice(rule: Rule, name: str, allowed: tuple[str, ...]) -> None:
    value = getattr(rule, name)
    if value is not None and value not in allowed:
        what = "urgency" if name == "sets_urgency" else "topic"
        _fail(rule.id, f"unknown {what} {value!r} in '{name}' "
                       f"(expected one of: {', '.join(allowed)})")


def _check_types(rule: Rule) -> None:
    low, high = PRIORITY_RANGE
    if isinstance(rule.priority, bool) or not isinstance(rule.priority, int):
        _fail(rule.id, f"'priority' must be a whole number, got {rule.priority!r}")
    if not low <= rule.priority <= high:
        _fail(rule.id, f"'priority' must be between {low} and {high}, got {rule.priority}")
    for name in ("negatable", "enabled"):
        if not isinstance(getattr(rule, name), bool):
            _fail(rule.id, f"'{name}' must be true or false")
    if rule.language is not None and (
        not isinstance(rule.language, str) or not _LANGUAGE_SHAPE.fullmatch(rule.language)
    ):
        _fail(rule.id, f"'language' must be a language code such as 'en' or 'es', "
                       f"got {rule.language!r}")
    if not isinstance(rule.description, str):
        _fail(rule.id, "'description' must be a string")


# --- pattern safety -------------------------------------------------------

_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_ANCHORS = (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING, sre.AT_END, sre.AT_END_STRING)
_CATEGORY_CHARS = {
    sre.CATEGORY_DIGIT: _DIGITS,
    sre.CATEGORY_NOT_DIGIT: _ALPHABET - _DIGITS,
    sre.CATEGORY_SPACE: frozenset(" "),
    sre.CATEGORY_NOT_SPACE: _ALPHABET - {" "},
    sre.CATEGORY_WORD: _ALPHABET - {" "},
    sre.CATEGORY_NOT_WORD: frozenset(" "),
}


@lru_cache(maxsize=4096)
def pattern_problem(pattern: str) -> str | None:
    """What is wrong with a pattern (completing "pattern '...' ..."), or None.

    Cached: rule sets are rebuilt often and their patterns rarely change.
    """
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"is longer than {MAX_PATTERN_CHARS} characters"
    if not pattern.isascii():
        return ("has non-ASCII characters; patterns run on normalised text "
                "(lower-case a-z, 0-9, single spaces), so write 'corazon', not 'corazón'")
    try:
        parsed = _parse(pattern)
        re.compile(pattern)
    except re.error as error:
        return f"does not compile: {error}"
    return _feature_problem(parsed) or _backtracking_problem(parsed) or _width_problem(parsed)


@lru_cache(maxsize=4096)
def _parse(pattern: str) -> sre_parse.SubPattern:
    """The parsed form of a pattern (cached: validation and the engine's index
    both look at it; nothing modifies it)."""
    return sre_parse.parse(pattern)


def _feature_problem(parsed: sre_parse.SubPattern) -> str | None:
    if parsed.state.groupdict:
        return "uses a named group; use a plain group (...) or (?:...) instead"
    if parsed.state.flags & ~int(re.UNICODE):
        return "uses inline flags such as (?i); the text is already lower-case"
    for op, av in _walk(parsed):
        if op in (sre.GROUPREF, sre.GROUPREF_EXISTS):
            return "uses a back-reference, which cannot be combined with other patterns"
        if op is sre.AT and av in _ANCHORS:
            return "uses ^ or $; patterns are searched at every word, so leave them out"
        if op is sre.LITERAL and chr(av).isupper():
            return (f"has the upper-case letter {chr(av)!r}; normalised text is "
                    "lower-case, so it could never match")
    return None


def _width_problem(parsed: sre_parse.SubPattern) -> str | None:
    if parsed.getwidth()[0] == 0:
        return "can match the empty string; it must always match at least one word"
    if " " in _first_chars(parsed):
        return "can start with a space; patterns are matched from the start of a word"
    return None


def _backtracking_problem(items, separator: str | None = None, in_repeat: bool = False):
    """Refuse the regex shapes that backtrack exponentially or cross the whole text.

    - a repeat inside a repeat, like (a+)+ or (a*)*, unless each outer round
      starts with a literal that the inner repeat cannot match: the word-gap
      idiom (?: \\w+){0,3} is safe because every round starts with a space;
    - alternatives inside a repeat that can match the same text, like (a|a)*;
    - a repeated part that can match nothing, like (a?)+;
    - a repeat that can cross a space with no upper bound (or one above MAX_GAP),
      like .* or [a-z ]+, which makes a search quadratic in the text length.
    """
    for op, av in items:
        problem = None
        if op in _REPEATS:
            low, high, body = av
            if high > 1:
                problem = (_backtracking_problem(body, _leading_literal(body), True)
                           or _repeat_problem(high, body, separator, in_repeat))
            else:
                problem = _backtracking_problem(body, separator, in_repeat)
        else:
            for child in _children(op, av):
                problem = problem or _backtracking_problem(child, separator, in_repeat)
        if problem:
            return problem
    return None


def _repeat_problem(high: int, body, separator: str | None, in_repeat: bool) -> str | None:
    if in_repeat and (separator is None or separator in _chars(body)):
        return ("has a repeat inside a repeat (like (a+)+ or (a*)*), which can backtrack "
                "catastrophically; to allow a few words in between write (?: \\w+){0,3}")
    if _has_overlapping_alternatives(body):
        return ("repeats alternatives that can match the same text (like (a|a)*), which "
                "can backtrack catastrophically; make the alternatives start differently")
    if body.getwidth()[0] == 0:
        return "repeats a part that can match nothing (like (a?)+); that can backtrack forever"
    if " " in _chars(body) and high > MAX_GAP:
        return (f"has a repeat that can span words without a limit (like .* or .+); "
                f"use a bounded gap such as .{{0,40}} or (?: \\w+){{0,3}} (at most {MAX_GAP})")
    return None


def _has_overlapping_alternatives(items) -> bool:
    # Assertions are skipped: a lookahead is tried once per position and never
    # re-entered by backtracking, so (?!no |not ) inside a repeat is harmless.
    for op, av in _walk(items, into_assertions=False):
        if op is not sre.BRANCH:
            continue
        alternatives = av[1]
        firsts = [_first_chars(alt) for alt in alternatives]
        empties = [alt.getwidth()[0] == 0 for alt in alternatives]
        for i in range(len(alternatives)):
            for j in range(i + 1, len(alternatives)):
                if firsts[i] & firsts[j] or (empties[i] and empties[j]):
                    return True
    return False


def _children(op, av) -> list:
    """The sub-patterns directly inside one parsed item."""
    if op is sre.SUBPATTERN:
        return [av[-1]]
    if op is sre.ATOMIC_GROUP:
        return [av]
    if op is sre.BRANCH:
        return list(av[1])
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op in _REPEATS:
        return [av[2]]
    if op is sre.GROUPREF_EXISTS:
        return [branch for branch in av[1:] if branch is not None]
    return []


def _walk(items, into_assertions: bool = True):
    for op, av in items:
        yield op, av
        if not into_assertions and op in (sre.ASSERT, sre.ASSERT_NOT):
            continue
        for child in _children(op, av):
            yield from _walk(child, into_assertions)


def _leading_literal(items) -> str | None:
    for op, av in items:
        return chr(av) if op is sre.LITERAL else None
    return None


def _chars(items) -> frozenset:
    """Every character (of the normalised alphabet) a match could contain."""
    found: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            found |= {chr(av)} & _ALPHABET
        elif op is sre.NOT_LITERAL or op is sre.ANY:
            found |= _ALPHABET - ({chr(av)} if op is sre.NOT_LITERAL else set())
        elif op is sre.IN:
            found |= _set_chars(av)
        else:
            for child in _children(op, av):
                found |= _chars(child)
    return frozenset(found)


def _set_chars(items) -> frozenset:
    chars: set[str] = set()
    negate = False
    for op, av in items:
        if op is sre.NEGATE:
            negate = True
        elif op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE:
            chars |= {c for c in _ALPHABET if av[0] <= ord(c) <= av[1]}
        elif op is sre.CATEGORY:
            chars |= _CATEGORY_CHARS.get(av, _ALPHABET)
    chars &= _ALPHABET
    return frozenset(_ALPHABET - chars if negate else chars)


def _first_chars(items) -> frozenset:
    """Characters a match could start with (an over-approximation)."""
    found: set[str] = set()
    for op, av in items:
        if op is sre.AT or op in (sre.ASSERT, sre.ASSERT_NOT):
            continue  # consumes nothing; look at the next item
        children = _children(op, av)
        if not children:
            return frozenset(found | _chars([(op, av)]))
        for child in children:
            found |= _first_chars(child)
        can_be_empty = (op in _REPEATS and av[0] == 0) or any(
            child.getwidth()[0] == 0 for child in children
        )
        if not can_be_empty:
            return frozenset(found)
    return frozenset(found)


# --- literal prefixes (for the engine's prefilter) ---------------------------

_MAX_PREFIXES = 64


@lru_cache(maxsize=4096)
def literal_prefixes(pattern: str) -> frozenset[str] | None:
    """Literal texts of which every match of the pattern starts with one, or
    None when the pattern can start with anything.

    The engine only tries a pattern where one of its prefixes starts a word,
    which is much faster than searching the whole text with every pattern.
    """
    starts = _literal_starts(_parse(pattern))
    prefixes = {text for text, _ in starts}
    if "" in prefixes:
        return None
    # "chest" already covers "chest pain": keep only the shortest. In sorted
    # order a covered prefix comes right after the ones that cover it.
    kept: list[str] = []
    for prefix in sorted(prefixes):
        if not kept or not prefix.startswith(kept[-1]):
            kept.append(prefix)
    return frozenset(kept)


@lru_cache(maxsize=4096)
def required_words(pattern: str) -> tuple[frozenset[str], ...]:
    """Word sets of which the message must contain one for the pattern to match:
    for each later part that starts a word (follows a literal space), is not
    optional and can only start with complete words.

    For "chest(?: \\w+){0,3} (?:pain|hurts)" this is ({"pain", "hurts"},), so a
    message without "pain" or "hurts" never tries the pattern.
    """
    segments: list[list] = [[]]
    for op, av in _parse(pattern):
        if op is sre.LITERAL and chr(av) == " ":
            segments.append([])  # what follows starts a word
        else:
            segments[-1].append((op, av))
    required = []
    for segment in segments[1:]:
        starts = _literal_starts(segment)
        # A start that is literal to the end of the segment, or reaches a
        # space, begins with a complete word.
        if segment and all(text and (is_open or " " in text) for text, is_open in starts):
            required.append(frozenset(text.split(" ")[0] for text, _ in starts))
    return tuple(required)


def _literal_starts(items) -> set[tuple[str, bool]]:
    """{(literal text, can still grow)} for the possible beginnings of items."""
    starts = {("", True)}
    for op, av in items:
        growing = [text for text, is_open in starts if is_open]
        if not growing:
            break
        finished = {(text, False) for text, is_open in starts if not is_open}
        options = _item_starts(op, av)
        if options is None:
            return finished | {(text, False) for text in growing}
        combined = finished | {(text + more, is_open) for text in growing
                               for more, is_open in options}
        if len(combined) > _MAX_PREFIXES:
            # Too many combinations: keep just their first words ("1 dia de
            # nacido" -> "1 "), which are still valid (shorter) prefixes.
            return {(_first_word(text), False) for text, _ in combined}
        starts = combined
    return starts


def _first_word(text: str) -> str:
    return text[:text.index(" ") + 1] if " " in text else text


def _item_starts(op, av) -> set[tuple[str, bool]] | None:
    if op is sre.LITERAL:
        return {(chr(av), True)}
    if op is sre.IN:
        chars = _literal_set(av)
        return {(char, True) for char in chars} if chars else None
    if op is sre.AT or op in (sre.ASSERT, sre.ASSERT_NOT):
        return {("", True)}  # zero width: the next item starts here
    if op is sre.SUBPATTERN:
        return _literal_starts(av[-1])
    if op is sre.BRANCH:
        return set().union(*(_literal_starts(alternative) for alternative in av[1]))
    if op in _REPEATS:
        low, high, body = av
        options = _literal_starts(body)
        if high != 1:
            options = {(text, False) for text, _ in options}
        return options | {("", True)} if low == 0 else options
    return None


def _literal_set(items) -> set[str] | None:
    """The characters of a small class like [oa] or [1-9], else None."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < 10:
            chars.update(chr(code) for code in range(av[0], av[1] + 1))
        else:
            return None
    return chars if len(chars) <= 10 else None


# --- rule sets ------------------------------------------------------------

def _as_rule(item: Mapping | Rule) -> Rule:
    if isinstance(item, Rule):
        return item
    return Rule.from_dict(item)


def _check_unique_ids(rules: Iterable[Rule], where: str) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            _fail(rule.id, f"duplicate id in the {where}; every rule id must be unique")
        seen.add(rule.id)


@dataclass(frozen=True)
class RuleSet:
    """An immutable, validated collection of rules with a content version.

    Two rule sets with the same rules (in any order) have the same version,
    and the engine compiles each version once.
    """

    rules: tuple[Rule, ...] = ()
    version: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        rules = tuple(_as_rule(item) for item in self.rules)
        _check_unique_ids(rules, "rule set")
        object.__setattr__(self, "rules", rules)
        object.__setattr__(self, "version", _version(rules))

    @classmethod
    def build(
        cls,
        default_rules: "RuleSet | Iterable[Mapping | Rule]",
        overrides: Iterable[Mapping | Rule] = (),
        additions: Iterable[Mapping | Rule] = (),
    ) -> "RuleSet":
        """A practice's rules: the defaults, with overrides replacing (or
        disabling, with {"id": ..., "enabled": false}) defaults of the same id,
        plus the practice's own additional rules."""
        if isinstance(default_rules, RuleSet):
            default_rules = default_rules.rules
        defaults = [_as_rule(item) for item in default_rules]
        replacing = [_as_rule(item) for item in overrides]
        extra = [_as_rule(item) for item in additions]
        _check_unique_ids(defaults, "default rules")
        _check_unique_ids(replacing, "overrides")
        _check_unique_ids(extra, "additional rules")

        by_id = {rule.id: rule for rule in defaults}
        for rule in replacing:
            if rule.id not in by_id:
                _fail(rule.id, "is an override, but no default rule has this id; "
                               "add it as a practice rule instead")
            by_id[rule.id] = rule
        for rule in extra:
            if rule.id in by_id:
                _fail(rule.id, "a default rule already has this id; send it as an "
                               "override to replace the default, or choose another id")
        return cls(tuple(by_id.values()) + tuple(extra))

    @classmethod
    def from_dicts(cls, items: Iterable[Mapping]) -> "RuleSet":
        return cls(tuple(_as_rule(item) for item in items))

    def as_dicts(self) -> list[dict]:
        return [rule.as_dict() for rule in self.rules]

    def get(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def __len__(self) -> int:
        return len(self.rules)


def _version(rules: tuple[Rule, ...]) -> str:
    content = {
        "engine": ENGINE_VERSION,
        "normalise": table_fingerprint(),
        "rules": sorted((rule.as_dict() for rule in rules), key=lambda d: d["id"]),
    }
    blob = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()[:16]

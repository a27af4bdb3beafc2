"""Rule sets: loading and validating TOML rule files, and matching lines against them.

A rule file holds ``[[rule]]`` tables::

    [[rule]]
    id = "nav.subscribe"            # stable dotted id; the part before the first dot is its group
    kind = "drop"                   # drop | credit | tail | end | field | keep
    description = "Subscription call to action"
    pattern = '''^subscribe( now)?!?$'''
    match = ["SUBSCRIBE NOW"]       # examples the rule must match (at least one)
    no_match = ["Subscribers get the print edition on Sunday."]

Optional keys: ``certain`` (the rule decides on its own: true by default for user rules, false by
default for the bundled ones, whose matches are evidence the decision model weighs), ``field`` (for ``kind = "field"``: the metadata field; the pattern's named group
``value`` is the value), ``max_words`` (the rule only applies to lines of at most that many
words), ``case_sensitive`` (default false), ``contains`` (a list of strings: the rule is only tried
on lines that contain one of them, case-insensitively; every ``match`` example must contain one.
A cheap test that spares a costly search on every line, for rules that can match anywhere).

Kinds: ``drop`` removes the line; ``credit`` removes a photo credit and the caption line before
it; ``tail`` is a heading that may start a junk section running to the end of the document (cut when
little prose follows it); ``end`` is a heading that ends the article (a comment section: cut once
article prose came before it);
``field`` lifts the line into a metadata field; ``keep`` protects the line: whatever a rule or
heuristic decided, it stays in the body (see `overrides.apply`). A line is matched in one
linear-time pass of RE2 (`cleaner.decide.prefilter`), which says which rules can match it at all;
only those are tried, in kind order, at the start of the line, then (the few rules not anchored with
``^`` or gated by ``contains``, skipped when the line has more words than their ``max_words`` or none
of their ``contains`` strings) anywhere in it. On most lines no rule is tried.

Hostile patterns: every search with a user rule runs with a `timeout` linear in the line's length,
and all of a document's searches with user rules share a `time_budget` linear in its length (a rule
that costs 0.7 s on every line passes the first and fails the second). A user rule that backtracks
catastrophically on strings built from its own examples (`probes`: its examples repeated, runs of
their characters, the same after a character that fails the match at once, for lookbehinds, and
lines of 1 MB without spaces) is refused when the rules load; a rule that runs out of time on a real
document raises `RuleTimeout` naming it. The bundled rules pass the same probes in the tests, search
lines of up to `UNTIMED_MAX_CHARS` characters without a timeout (setting one up costs more than most
searches), and look at lines of up to `BUNDLED_MAX_CHARS` characters only: a longer line (minified
script, a base64 blob) is no menu, caption or heading.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import regex

from .language import WORD
from .prefilter import Prefilter
from .regex_syntax import pieces

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

KINDS = ("drop", "credit", "tail", "end", "field", "keep")
_KEYS = {"id", "kind", "description", "pattern", "match", "no_match", "field", "max_words", "case_sensitive",
         "contains", "certain"}
_ID = regex.compile(r"^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$")
# A search that takes longer than TIMEOUT plus TIMEOUT_PER_CHAR for each character of the line
# is a broken rule (catastrophic backtracking), not a long line: healthy rules need about 1 µs
# per character.
TIMEOUT = 1.0
TIMEOUT_PER_CHAR = 10e-6
UNTIMED_MAX_CHARS = 2000  # bundled rules search longer lines under a timeout too (slow patterns show there)
BUNDLED_MAX_CHARS = 20_000  # bundled rules do not look at longer lines
# All searches with user rules over one document may take BUDGET plus BUDGET_PER_CHAR for each of its
# characters: fifty times what healthy rules need.
BUDGET = 2.0
BUDGET_PER_CHAR = 50e-6
PROBE_TIMEOUT = 0.1  # seconds a search over one load-time probe may take, plus PROBE_TIMEOUT_PER_CHAR...
PROBE_TIMEOUT_PER_CHAR = 2e-6  # ...for each of its characters: 20 times a healthy rule
PROBE_CHARS = 5000  # length of a probe: long enough for quadratic backtracking to show
FAIL_FIRST_PROBE_CHARS = 20_000  # probes that fail at their first character (lookbehinds scan back from each position)
LONG_PROBE_CHARS = 1_000_000  # a line without spaces, as minified script and base64 blobs are
CULPRIT_TIMEOUT = 0.5  # seconds each rule is given on the line when looking for the one that ran out of time


class RuleError(ValueError):
    """A rule file that cannot be used; the message names the file, the rule and the problem."""


class RuleTimeout(TimeoutError):
    """Matching the rules took too long: on one line (a rule backtracks catastrophically), or over
    the document (its `time_budget`). The message names the rule when it can be found."""


def timeout(text: str) -> float:
    """Seconds one regex search over `text` may take: linear in its length."""
    return TIMEOUT + TIMEOUT_PER_CHAR * len(text)


def budget(chars: int) -> float:
    """Seconds all searches with user rules over a document of `chars` characters may take."""
    return BUDGET + BUDGET_PER_CHAR * chars


_deadline: ContextVar[tuple[float, float] | None] = ContextVar("rule_deadline", default=None)


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Searches with user rules inside the block share `seconds` (per thread: `Cleaner` is shared)."""
    token = _deadline.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _deadline.reset(token)


def _guarded(method: Callable[..., regex.Match | None], text: str, timed: bool) -> regex.Match | None:
    """`method(text)` (a compiled pattern's search or match) under a `timeout` when `timed` (user
    rules: the document's `time_budget` may cut it shorter) or when the line is longer than
    UNTIMED_MAX_CHARS; without one otherwise (it costs more than most searches)."""
    if not timed:
        return method(text, timeout=timeout(text)) if len(text) > UNTIMED_MAX_CHARS else method(text)
    limit, deadline = timeout(text), _deadline.get()
    if deadline is not None:
        limit = min(limit, deadline[0] - time.monotonic())
        if limit <= 0:
            raise TimeoutError("the document's time budget is spent")
    return method(text, timeout=limit)


def _budget_spent() -> float | None:
    """The budget of the current document when it is spent, else None."""
    deadline = _deadline.get()
    return deadline[1] if deadline is not None and time.monotonic() >= deadline[0] else None


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    description: str
    pattern: str
    match: tuple[str, ...]
    no_match: tuple[str, ...]
    source: str
    field: str | None = None
    max_words: int | None = None
    case_sensitive: bool = False
    contains: tuple[str, ...] = ()
    timed: bool = True  # searched under a `timeout` (user rules)
    certain: bool = True  # decides on its own; an uncertain rule's match is evidence for the model

    @cached_property
    def compiled(self) -> regex.Pattern:
        """The pattern, compiled on first use (a bundled rule is compiled when the prefilter first
        reports it for a line)."""
        return _compile(self.pattern, self.case_sensitive)

    @property
    def group(self) -> str:
        return self.id.split(".", 1)[0]

    def applies(self, text: str, words: int | None = None) -> regex.Match | None:
        """The match of this rule on `text` (None when it does not apply)."""
        if not self.may_apply(text, len(WORD.findall(text)) if words is None else words):
            return None
        return self.search(text)

    def search(self, text: str) -> regex.Match | None:
        """The pattern's first match in `text` (under a timeout if the rule is `timed`)."""
        return _guarded(self.compiled.search, text, self.timed)

    def may_apply(self, text: str, words: int, lowered: str | None = None) -> bool:
        """False when the rule cannot apply to `text` of `words` words without searching it:
        too many words for ``max_words``, or none of its ``contains`` strings (`lowered` is
        ``text.lower()`` when the caller has it)."""
        if self.max_words is not None and words > self.max_words:
            return False
        if self.contains:
            low = text.lower() if lowered is None else lowered
            return any(c in low for c in self.contains)
        return True

    def value(self, m: regex.Match) -> str:
        """The field value a match carries: the ``value`` group, else the whole match."""
        if "value" in m.re.groupindex and m.group("value") is not None:
            return m.group("value").strip()
        return m.group(0).strip()


def _scoped(rule_pattern: str, case_sensitive: bool) -> str:
    return f"(?{'-' if case_sensitive else ''}i:{rule_pattern})"


def _compile(pattern: str, case_sensitive: bool) -> regex.Pattern:
    return regex.compile(_scoped(pattern, case_sensitive), flags=regex.V0)


def _check_str_list(where: str, name: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"{where}: '{name}' must be a list of strings")
    return tuple(value)


def parse_rule(data: dict, source: str, check: bool = True) -> Rule:
    """Validate one ``[[rule]]`` table; with `check` (user rules), compile its pattern to refuse a
    bad one now and search with it under a timeout (the bundled rules skip both: the tests compile
    and probe them)."""
    rid = data.get("id")
    where = f"{source}: rule {rid!r}" if rid else f"{source}: rule without id"
    if not isinstance(rid, str) or not _ID.match(rid):
        raise RuleError(f"{where}: 'id' must be a dotted lower-case id such as 'nav.subscribe'")
    unknown = set(data) - _KEYS
    if unknown:
        raise RuleError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    kind = data.get("kind")
    if kind not in KINDS:
        raise RuleError(f"{where}: 'kind' must be one of {', '.join(KINDS)}, not {kind!r}")
    for key in ("description", "pattern"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise RuleError(f"{where}: '{key}' is missing or empty")
    match = _check_str_list(where, "match", data.get("match", []))
    no_match = _check_str_list(where, "no_match", data.get("no_match", []))
    if not match:
        raise RuleError(f"{where}: needs at least one 'match' example")
    fld = data.get("field")
    if (kind == "field") != isinstance(fld, str):
        raise RuleError(f"{where}: 'field' is required for kind 'field' and only allowed there")
    max_words = data.get("max_words")
    if max_words is not None and (not isinstance(max_words, int) or max_words < 1):
        raise RuleError(f"{where}: 'max_words' must be a positive integer")
    case_sensitive = data.get("case_sensitive", False)
    if not isinstance(case_sensitive, bool):
        raise RuleError(f"{where}: 'case_sensitive' must be true or false")
    certain = data.get("certain", check)
    if not isinstance(certain, bool):
        raise RuleError(f"{where}: 'certain' must be true or false")
    contains = tuple(c.lower() for c in _check_str_list(where, "contains", data.get("contains", [])))
    if any(not c for c in contains):
        raise RuleError(f"{where}: 'contains' must not hold an empty string")
    lacking = next((ex for ex in match if contains and not any(c in ex.lower() for c in contains)), None)
    if lacking is not None:
        raise RuleError(f"{where}: match example {lacking!r} contains none of the 'contains' strings")
    rule = Rule(rid, kind, data["description"].strip(), data["pattern"], match, no_match, source,
                fld, max_words, case_sensitive, contains, timed=check, certain=certain)
    if check:
        try:
            rule.compiled
        except regex.error as e:
            raise RuleError(f"{where}: bad pattern: {_own_error(rule.pattern) or e}") from None
    return rule


def _own_error(pattern: str) -> regex.error | None:
    """The error of `pattern` compiled as written, so its position is in the user's pattern (the
    compiled one is wrapped in a group that sets the case)."""
    try:
        regex.compile(pattern, flags=regex.V0)
    except regex.error as e:
        return e
    return None


def load_file(path: Path, check: bool = True) -> list[Rule]:
    """All rules of one TOML file, validated (patterns compiled too with `check`)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise RuleError(f"{path}: cannot read rule file: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise RuleError(f"{path}: TOML syntax error: {e}") from None
    unknown = set(data) - {"rule"}
    if unknown:
        raise RuleError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}; rules go in [[rule]] tables")
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        raise RuleError(f"{path}: 'rule' must be an array of tables ([[rule]])")
    return [parse_rule(t, str(path), check) for t in tables]


def default_rules_dir() -> Path:
    """The bundled rule sets: inside the installed package, or the source tree's top-level rules/."""
    here = Path(__file__).resolve().parents[1]
    packaged = here / "rules"
    return packaged if packaged.is_dir() else here.parent / "rules"


def rule_files(paths: Iterable[Path]) -> list[Path]:
    """TOML files named by `paths` (files, or folders searched recursively), in a stable order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(p.rglob("*.toml")))
        elif p.is_file():
            out.append(p)
        else:
            raise RuleError(f"{p}: no such rule file or folder")
    return out


def _anchored(pattern: str) -> bool:
    """True when `pattern` can only match at the start of a line: it starts with ``^`` and has no
    top-level ``|`` (an escape, a character class or a group hides a ``|``). Unsure means False."""
    if not pattern.startswith("^"):
        return False
    depth = 0
    for piece, inside in pieces(pattern[1:]):
        if inside:
            continue
        if piece == "(":
            depth += 1
        elif piece == ")":
            depth -= 1
        elif piece == "|" and depth == 0:
            return False
    return True


def _leftmost(rules: Sequence[Rule], text: str, words: int) -> tuple[Rule, regex.Match] | None:
    """Of the `rules` that may apply to `text` (of `words` words), the one whose match starts
    leftmost (the earlier rule on a tie), with its match.

    Searching rule by rule is faster than one alternation here: each search keeps the regex
    engine's own optimizations, which a large alternation tried at every position loses."""
    best: tuple[Rule, regex.Match] | None = None
    lowered = text.lower()
    for rule in rules:
        if not rule.may_apply(text, words, lowered):
            continue
        m = rule.search(text)
        if m is not None and (best is None or m.start() < best[1].start()):
            best = rule, m
    return best


_KIND_ORDER = {kind: i for i, kind in enumerate(("field", "credit", "end", "tail", "drop"))}


class RuleSet:
    """A validated, compiled set of rules, matched line by line as if they were one alternation (`match`)."""

    def __init__(self, rules: Sequence[Rule], disabled: Iterable[str] = ()):
        seen: dict[str, str] = {}
        for r in rules:
            if r.id in seen:
                raise RuleError(f"{r.source}: rule {r.id!r}: duplicate id (first defined in {seen[r.id]})")
            seen[r.id] = r.source
        off = tuple(disabled)
        self.all_rules: tuple[Rule, ...] = tuple(rules)
        self.rules: tuple[Rule, ...] = tuple(
            r for r in rules if not any(r.id == d or r.id.startswith(d + ".") for d in off)
        )
        self.keeps: tuple[Rule, ...] = tuple(r for r in self.rules if r.kind == "keep")
        self._ordered = sorted((r for r in self.rules if r.kind != "keep"), key=lambda r: _KIND_ORDER[r.kind])
        # The rule of the leftmost match of the alternation of all rules, found cheaply: the first
        # rule without `contains` (in kind order) that matches at the start of the line, a gated rule
        # (`contains`) of an earlier kind matching at the start beating it; when nothing matches at
        # the start, the rules that can match further on (not anchored with ^, or gated) one by
        # one, the leftmost winning. A rule the prefilter does not report for a line cannot match it
        # and is not tried: on most lines, none is.
        self._at_start_k = tuple(k for k, r in enumerate(self._ordered) if not r.contains)
        self._gated_k = tuple((k, r) for k, r in enumerate(self._ordered) if r.contains)
        self._separate_k = tuple((k, r) for k, r in enumerate(self._ordered) if r.contains or not _anchored(r.pattern))
        user = [r for r in self.rules if r.timed]
        self._long_lines = self if len(user) == len(self.rules) else RuleSet(user)  # past BUNDLED_MAX_CHARS

    @cached_property
    def _prefilter(self) -> Prefilter:
        """Which of `_ordered` can match a line, all at once (built on first use; not pickled)."""
        return Prefilter([_scoped(r.pattern, r.case_sensitive) for r in self._ordered],
                         [_anchored(r.pattern) for r in self._ordered])

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_prefilter", None)
        return state

    @classmethod
    def load(cls, extra: Iterable[Path] = (), disabled: Iterable[str] = (), defaults: bool = True) -> RuleSet:
        """The bundled rules (unless `defaults` is false) plus rule files or folders in `extra`."""
        user = rule_files(Path(p) for p in extra)
        rules: list[Rule] = []
        for f in (rule_files([default_rules_dir()]) if defaults else []) + user:
            # user rules are compiled and probed for catastrophic backtracking now; the bundled ones by the tests
            loaded = load_file(f, check=f in user)
            if f in user:
                slow = next(filter(None, map(too_slow, loaded)), None)
                if slow:
                    raise RuleError(slow)
            rules.extend(loaded)
        return cls(rules, disabled)

    def ids(self) -> set[str]:
        """Every name `disabled` may hold: each rule id and each dotted prefix of one (its group)."""
        parts = [r.id.split(".") for r in self.all_rules]
        return {".".join(p[:i]) for p in parts for i in range(1, len(p) + 1)}

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.all_rules if r.id == rule_id), None)

    def match(self, text: str) -> tuple[Rule, regex.Match] | None:
        """The rule that applies to `text`, with its match: of the rules that match at the start
        of the line, the first in kind order (fields, credits, ends, tails, drops); else the rule
        whose match starts leftmost; when that rule is limited by ``max_words`` and does not apply,
        the first rule in kind order that does. Keep rules are not matched here (see `keep`); a line
        longer than BUNDLED_MAX_CHARS meets the user rules only. Raises `RuleTimeout` when a rule takes
        too long on this line, or the document's `time_budget` is spent."""
        if len(text) > BUNDLED_MAX_CHARS and self._long_lines is not self:
            return self._long_lines.match(text)
        try:
            return self._match(text)
        except TimeoutError:
            raise self._timed_out(text) from None

    def keep(self, text: str) -> Rule | None:
        """The first keep rule that matches `text` (a line no stage may remove)."""
        if len(text) > BUNDLED_MAX_CHARS:
            rules: Iterable[Rule] = (r for r in self.keeps if r.timed)
        else:
            rules = self.keeps
        try:
            return next((r for r in rules if r.applies(text)), None)
        except TimeoutError:
            raise self._timed_out(text) from None

    def _timed_out(self, text: str) -> RuleTimeout:
        """The error for a search that ran out of time on `text`, naming the rule that costs most there."""
        spent = _budget_spent()
        culprit, seconds = _slowest([*self._ordered, *self.keeps], text)
        which = f"rule {culprit.id!r} ({culprit.source})" if culprit else "a rule"
        if spent is not None:
            cost = f" ({seconds:.2f} s on one line of {len(text)} characters)" if culprit else ""
            return RuleTimeout(f"{which} used up the time budget of {spent:.1f} s for this document{cost}")
        return RuleTimeout(f"{which} took over {timeout(text):.1f} s on a line of {len(text)} characters "
                           "(catastrophic backtracking?)")

    def _match(self, text: str) -> tuple[Rule, regex.Match] | None:
        possible = self._prefilter.possible(text)  # None: any rule may match
        if possible is not None and not possible:
            return None
        words = len(WORD.findall(text))
        candidates = self._at_start_k if possible is None else sorted(possible)
        rule = next((r for r in (self._ordered[k] for k in candidates)
                     if not r.contains and _guarded(r.compiled.match, text, r.timed)), None)
        if rule is None:
            hit = _leftmost([r for k, r in self._separate_k if possible is None or k in possible], text, words)
        else:
            earlier = [r for k, r in self._gated_k if _KIND_ORDER[r.kind] < _KIND_ORDER[rule.kind]
                       and (possible is None or k in possible)]
            hit = _leftmost(earlier, text, words)
            if hit is None or hit[1].start() > 0:
                hit = (rule, rule.applies(text, words))  # type: ignore[assignment]
        if hit is None:
            return None
        rule, own = hit
        if own is not None:
            return rule, own
        for k, r in enumerate(self._ordered):  # the first hit was limited by max_words: try the others one by one
            if possible is not None and k not in possible:
                continue
            own = r.applies(text, words)
            if own is not None:
                return r, own
        return None


def _slowest(rules: Iterable[Rule], text: str) -> tuple[Rule | None, float]:
    """Of `rules`, the one whose search of `text` takes longest (each is cut off at CULPRIT_TIMEOUT),
    with its seconds; (None, 0) when none takes measurable time."""
    worst: tuple[Rule | None, float] = (None, 0.0)
    for rule in rules:
        start = time.perf_counter()
        try:
            rule.compiled.search(text, timeout=CULPRIT_TIMEOUT)
        except TimeoutError:
            return rule, CULPRIT_TIMEOUT
        seconds = time.perf_counter() - start
        if seconds > worst[1]:
            worst = rule, seconds
    return worst


def _repeat(unit: str, chars: int) -> str:
    return unit * (chars // len(unit) + 1)


def probes(rule: Rule) -> list[str]:
    """Strings on which a catastrophically backtracking pattern blows up: each example repeated
    (alone and with spaces), long runs of each of its characters, and each `match` example followed
    by a long run of each character it holds or of a space or punctuation (the pattern matched
    so far, then backtracks over the run), each ending in a character that makes the match fail late;
    the examples repeated after a character that makes every match fail at once (a lookbehind that
    scans back from each position); and lines of LONG_PROBE_CHARS without spaces: each `match`
    example, alone and followed by a dot, repeated (cut to BUNDLED_MAX_CHARS for a bundled rule,
    which sees no longer line)."""
    examples = [ex for ex in rule.match + rule.no_match if ex]
    units = examples + [ex + " " for ex in examples] + sorted(set("".join(examples)))
    repeated = [_repeat(unit, PROBE_CHARS) for unit in units]
    runs = [ex + c * PROBE_CHARS for ex in rule.match for c in sorted(set(ex + " !.,-|"))]
    fail_first = ["\x00" + _repeat(ex + " ", FAIL_FIRST_PROBE_CHARS) for ex in examples]
    long_chars = LONG_PROBE_CHARS if rule.timed else BUNDLED_MAX_CHARS
    compact = ["".join(ex.split()) for ex in rule.match[:3]]
    long = [_repeat(unit, long_chars)[:long_chars] for ex in compact if ex for unit in (ex, ex + ".")]
    return [text + "\x00" for text in repeated + runs] + fail_first + long


def too_slow(rule: Rule, texts: Sequence[str] | None = None) -> str | None:
    """A message naming `rule` if a search over one of `texts` (its `probes` by default) takes longer
    than PROBE_TIMEOUT plus PROBE_TIMEOUT_PER_CHAR for each of its characters, else None."""
    for text in probes(rule) if texts is None else texts:
        limit = PROBE_TIMEOUT + PROBE_TIMEOUT_PER_CHAR * len(text)
        try:
            rule.compiled.search(text, timeout=limit)
        except TimeoutError:
            return (f"{rule.source}: rule {rule.id!r}: pattern too slow: over {limit:.1f} s on "
                    f"{text[:40]!r}... ({len(text)} characters); nested repetition such as (a+)+, "
                    "overlapping alternatives under +, or a lookbehind that scans back to the start of "
                    "the line backtrack catastrophically")
    return None


def example_failures(rule: Rule) -> list[str]:
    """Messages for every example of `rule` that does not behave as it says."""
    out = [f"{rule.source}: rule {rule.id!r}: does not match its example {ex!r}"
           for ex in rule.match if rule.applies(ex) is None]
    out += [f"{rule.source}: rule {rule.id!r}: matches its no_match example {ex!r}"
            for ex in rule.no_match if rule.applies(ex) is not None]
    return out

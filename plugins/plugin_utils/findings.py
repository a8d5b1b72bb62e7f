# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation findings: what is wrong, where (file, line, column, key path) and what to do."""

from __future__ import annotations

import difflib
import functools
from collections import Counter
from dataclasses import asdict, dataclass

from ansible_collections.magecloud.platform.plugins.module_utils.masking import Scrubber, mask_line

ERROR = "error"
WARNING = "warning"
# Findings kept, and shown, per file: the first ones; the rest are counted ("… and K more").
MAX_FINDINGS_PER_FILE = 100
MAX_MESSAGE_CHARS = 500
# A message is cut to this before its secrets are masked, and to MAX_MESSAGE_CHARS after: a secret cut
# in two by the first cut lies past the second.
_MASKED_CHARS = 4000
_NO_SECRETS = Scrubber()


@dataclass(frozen=True)
class Finding:
    severity: str
    file: str
    line: int
    column: int
    path: str
    message: str
    suggestion: str = ""

    def __str__(self):
        text = f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.path or '(file)'}: {self.message}"
        return f"{text} ({self.suggestion})" if self.suggestion else text

    def as_dict(self):
        return asdict(self)


MAX_KEY_CHARS = 80


def dotted(path):
    """The key path as text, each key cut to MAX_KEY_CHARS."""
    return ".".join(_short(str(part)) for part in path)


def _short(text):
    return text if len(text) <= MAX_KEY_CHARS else text[:MAX_KEY_CHARS - 1] + "…"


def _bigrams(text):
    text = text.lower()
    return frozenset(text[index:index + 2] for index in range(len(text) - 1)) or frozenset((text,))


class _Choices:
    """Known words with an inverted index of their bigrams, built once per word list."""

    def __init__(self, choices):
        self.words = choices
        self.longest = max((len(choice) for choice in choices), default=0)
        self.holders = {}  # bigram -> positions of the words that hold it
        for position, choice in enumerate(choices):
            for gram in _bigrams(choice):
                self.holders.setdefault(gram, []).append(position)

    def shortlist(self, word, size):
        """The size words sharing the most bigrams with word; ties, and words sharing none, in list order."""
        overlap = {}
        for gram in _bigrams(word):
            for position in self.holders.get(gram, ()):
                overlap[position] = overlap.get(position, 0) + 1
        ranked = sorted(overlap, key=lambda position: (-overlap[position], position))[:size]
        if len(ranked) < size:
            ranked += [position for position in range(len(self.words)) if position not in overlap][:size - len(ranked)]
        return [self.words[position] for position in ranked]


@functools.lru_cache(maxsize=64)
def _choices(choices):
    return _Choices(choices)


def did_you_mean(word, choices, shortlist=3):
    """A suggestion naming the closest known word, or an empty string.

    difflib decides; a bigram-overlap shortlist keeps it to a few comparisons per word, so a file
    with thousands of unknown keys is still checked quickly."""
    word = str(word)
    known = _choices(tuple(str(choice) for choice in choices))
    # difflib's ratio is at most 2*len(choice)/(len(word)+len(choice)): a word this much longer than
    # every choice cannot reach the 0.6 cutoff, and a huge one would cost a huge comparison.
    if not known.words or len(word) > 2.4 * known.longest:
        return ""
    match = difflib.get_close_matches(word, known.shortlist(word, shortlist), n=1, cutoff=0.6)
    return f"did you mean `{match[0]}`?" if match else ""


class FindingList(list):
    """Findings that keep the first `limit` of each file and severity and count the rest, so a file
    with a finding on each of a million lines costs a counter, not a million findings. An error is
    never crowded out by warnings: the limit is per severity."""

    def __init__(self, findings=(), limit=MAX_FINDINGS_PER_FILE, omitted=None):
        super().__init__()
        self.limit = limit
        self.omitted = Counter(omitted or {})  # (file, severity) -> findings not kept
        self._kept = Counter()
        self.extend(findings)

    def full(self, file, severity):
        return self._kept[(file, severity)] >= self.limit

    def omit(self, file, severity):
        self.omitted[(file, severity)] += 1

    def append(self, finding):
        if self.full(finding.file, finding.severity):
            self.omit(finding.file, finding.severity)
            return
        self._kept[(finding.file, finding.severity)] += 1
        super().append(finding)

    def extend(self, findings):
        for finding in findings:
            self.append(finding)

    def __iadd__(self, findings):
        self.extend(findings)
        return self


class Report:
    """Collects findings for one document, placing each at the nearest known position of its path.

    Messages never carry a secret of the document (the values of password, *_KEY, *_SECRET, *_TOKEN
    keys, credentials in connection strings) and are cut to MAX_MESSAGE_CHARS."""

    def __init__(self, document, sink):
        self.document = document
        self._sink = sink

    def error(self, path, message, suggestion=""):
        self._add(ERROR, path, message, suggestion)

    def warning(self, path, message, suggestion=""):
        self._add(WARNING, path, message, suggestion)

    def error_at(self, line, message, suggestion=""):
        """An error on a line of a line-based file (php.ini), whose message may quote that line."""
        if self._full(ERROR):
            return
        scrubber = self._scrubber(())

        def scrub(text):  # the message quotes a line that did not parse: no key tells what is secret in it
            return mask_line(scrubber(text))

        self._sink.append(Finding(ERROR, self.document.name, line, 1, "", clean(message, scrub), clean(suggestion, scrub)))

    def _add(self, severity, path, message, suggestion):
        if self._full(severity):
            return
        line, column = self.document.position(path)
        scrub = self._scrubber(path)
        self._sink.append(Finding(severity, self.document.name, line, column, dotted(path),
                                  clean(message, scrub), clean(suggestion, scrub)))

    def _full(self, severity):
        if isinstance(self._sink, FindingList) and self._sink.full(self.document.name, severity):
            self._sink.omit(self.document.name, severity)
            return True
        return False

    def _scrubber(self, path):
        scrubber = getattr(self.document, "scrubber", None)
        return scrubber(path) if scrubber else _NO_SECRETS


def clean(text, scrub=_NO_SECRETS):
    """text without secrets, at most MAX_MESSAGE_CHARS long."""
    text = scrub(str(text)[:_MASKED_CHARS])
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS - 1] + "…"


def has_errors(findings):
    return any(finding.severity == ERROR for finding in findings)


def sorted_findings(findings):
    ordered = sorted(findings, key=lambda f: (f.file, f.line, f.column, f.severity, f.path))
    if isinstance(findings, FindingList):
        return FindingList(ordered, findings.limit, findings.omitted)
    return ordered


def counts(findings):
    """{severity: number} over every finding, the ones a FindingList only counted included."""
    result = Counter({ERROR: 0, WARNING: 0})
    result.update(finding.severity for finding in findings)
    for (unused_file, severity), number in getattr(findings, "omitted", {}).items():
        result[severity] += number
    return result


def shown(findings, limit=MAX_FINDINGS_PER_FILE):
    """What to print: ([findings], {file: Counter of severities not shown}). At most limit per file,
    errors before warnings, the first ones of each; in file and line order."""
    by_file = {}
    for finding in findings:
        by_file.setdefault(finding.file, []).append(finding)
    hidden = {}
    for (file, severity), number in getattr(findings, "omitted", {}).items():
        hidden.setdefault(file, Counter())[severity] += number
    result = []
    for file, items in by_file.items():
        ranked = [f for f in items if f.severity == ERROR] + [f for f in items if f.severity != ERROR]
        result.extend(ranked[:limit])
        for finding in ranked[limit:]:
            hidden.setdefault(file, Counter())[finding.severity] += 1
    return sorted_findings(result), {file: number for file, number in sorted(hidden.items()) if sum(number.values())}


def not_shown_line(file, number):
    """The line that stands for the findings of file that are not printed."""
    parts = [f"{number[severity]:,} {severity}{'s' if number[severity] != 1 else ''}" for severity in (ERROR, WARNING)
             if number[severity]]
    return f"{file}: … and {sum(number.values()):,} more not shown ({', '.join(parts)})"

# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation findings: what is wrong, where (file, line, column, key path) and what to do."""

from __future__ import annotations

import difflib
import functools
import heapq
from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


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


def dotted(path):
    return ".".join(str(part) for part in path)


def _bigrams(text):
    text = text.lower()
    return frozenset(text[index:index + 2] for index in range(len(text) - 1)) or frozenset((text,))


@functools.lru_cache(maxsize=64)
def _bigram_index(choices):
    return tuple((choice, _bigrams(choice)) for choice in choices)


def did_you_mean(word, choices, shortlist=3):
    """A suggestion naming the closest known word, or an empty string.

    difflib decides; a bigram-overlap shortlist keeps it to a few comparisons per word, so a file
    with a thousand unknown keys is still checked quickly."""
    word = str(word)
    grams = _bigrams(word)
    index = _bigram_index(tuple(str(choice) for choice in choices))
    candidates = [choice for choice, unused_grams in heapq.nlargest(shortlist, index, key=lambda item: len(grams & item[1]))]
    match = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"did you mean `{match[0]}`?" if match else ""


class Report:
    """Collects findings for one document, placing each at the nearest known position of its path."""

    def __init__(self, document, sink):
        self.document = document
        self._sink = sink

    def error(self, path, message, suggestion=""):
        self._add(ERROR, path, message, suggestion)

    def warning(self, path, message, suggestion=""):
        self._add(WARNING, path, message, suggestion)

    def error_at(self, line, message, suggestion=""):
        self._sink.append(Finding(ERROR, self.document.name, line, 1, "", message, suggestion))

    def _add(self, severity, path, message, suggestion):
        line, column = self.document.position(path)
        self._sink.append(Finding(severity, self.document.name, line, column, dotted(path), message, suggestion))


def has_errors(findings):
    return any(finding.severity == ERROR for finding in findings)


def sorted_findings(findings):
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.severity, f.path))

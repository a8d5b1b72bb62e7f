# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A bounded reader for Magento's app/etc/config.php: `<?php return [...];` built from literal keys
and values only (strings, numbers, true/false/null, nested `[...]` or `array(...)`). It never runs PHP.

Anything else raises: PhpSyntaxError for what PHP itself rejects (an unterminated string or
comment, an unbalanced bracket, two values without a comma), Unsupported for valid PHP this reader
does not evaluate (constants, concatenation, function calls, interpolated strings)."""

from __future__ import annotations

import re

MAX_DEPTH = 64
_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>//[^\n]*|\#(?!\[)[^\n]*|/\*.*?\*/)
  | (?P<single>'(?:[^'\\]|\\.)*')
  | (?P<double>"(?:[^"\\]|\\.)*")
  | (?P<number>0[xX][0-9a-fA-F_]+|0[bB][01_]+|\d[\d_]*\.?[\d_]*(?:[eE][+-]?\d+)?|\.\d[\d_]*(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_\x80-\U0010ffff][A-Za-z0-9_\x80-\U0010ffff]*)
  | (?P<arrow>=>)
  | (?P<close_tag>\?>)
  | (?P<punct>[\[\](),;-])
  | (?P<other>.)
""", re.DOTALL | re.VERBOSE)
_INTERPOLATION = re.compile(r"(?<!\\)(?:\\\\)*\$[A-Za-z_{]")
_DOUBLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "e": "\x1b", "f": "\f", "\\": "\\", "$": "$", '"': '"'}
_CLOSERS = {"[": "]", "(": ")"}


class PhpSyntaxError(Exception):
    def __init__(self, message, line):
        super().__init__(message)
        self.line = line


class Unsupported(Exception):
    def __init__(self, message, line):
        super().__init__(message)
        self.line = line


def _tokens(text, start, line):
    position = start
    while position < len(text):
        match = _TOKEN.match(text, position)
        kind, value = match.lastgroup, match.group()
        if kind == "other" and value in "'\"":
            raise PhpSyntaxError("a string is not closed", line)
        if kind == "other" and text.startswith("/*", position):
            raise PhpSyntaxError("a /* comment */ is not closed", line)
        if kind not in ("space", "comment"):
            yield kind, value, line
        if kind == "close_tag":
            return
        line += value.count("\n")
        position = match.end()


class _Parser:
    def __init__(self, tokens, end_line):
        self._tokens = tokens
        self._end = ("end", "", end_line)
        self.positions = {}
        self.current = next(tokens, self._end)

    def advance(self):
        self.current = next(self._tokens, self._end)

    def value(self, path, depth):
        kind, text, line = self.current
        if depth > MAX_DEPTH:
            raise Unsupported(f"arrays nested deeper than {MAX_DEPTH} levels", line)
        lowered = text.lower()
        if kind == "punct" and text == "[":
            self.advance()
            return self.items("]", path, depth)
        if kind == "name" and lowered == "array":
            self.advance()
            if self.current[1] != "(":
                raise Unsupported("`array` without `(`", line)
            self.advance()
            return self.items(")", path, depth)
        if kind == "name" and lowered in ("true", "false", "null"):
            self.advance()
            return {"true": True, "false": False, "null": None}[lowered]
        if kind == "single":
            self.advance()
            return re.sub(r"\\([\\'])", r"\1", text[1:-1])
        if kind == "double":
            if _INTERPOLATION.search(text[1:-1]):
                raise Unsupported("a double-quoted string with a $variable in it", line)
            self.advance()
            return re.sub(r"\\(.)", lambda m: _DOUBLE_ESCAPES.get(m.group(1), m.group()), text[1:-1], flags=re.DOTALL)
        if kind == "number":
            self.advance()
            return _number(text)
        if kind == "punct" and text == "-" and self.current[0] == "punct":
            self.advance()
            if self.current[0] != "number":
                raise Unsupported("`-` before something that is not a number", line)
            number = _number(self.current[1])
            self.advance()
            return -number
        if kind == "name":
            raise Unsupported(f"`{text}` (a constant or function call)", line)
        if kind in ("end", "close_tag") or (kind == "punct" and text in "])(,;"):
            raise PhpSyntaxError(f"a value is missing before {_shown(kind, text)}", line)
        raise Unsupported(f"`{text}`", line)

    def items(self, closer, path, depth):
        result = {}
        index = 0
        while True:
            kind, text, line = self.current
            if kind == "punct" and text == closer:
                self.advance()
                return result
            if kind in ("end", "close_tag"):
                raise PhpSyntaxError(f"the file ends inside an array; `{closer}` is missing", line)
            key_line = line
            key = self.value(path + (index,), depth + 1)
            if self.current[0] == "arrow":
                self.advance()
                if isinstance(key, (dict, list)):
                    raise PhpSyntaxError("an array cannot be an array key", key_line)
                key = _php_key(key)
                item = self.value(path + (key,), depth + 1)
            else:
                key, item = index, key
            result[key] = item
            self.positions[path + (key,)] = key_line
            if isinstance(key, int):
                index = max(index, key + 1)
            kind, text, line = self.current
            if kind == "punct" and text == ",":
                self.advance()
            elif not (kind == "punct" and text == closer):
                self._unexpected(closer)

    def _unexpected(self, closer):
        kind, text, line = self.current
        if kind in ("end", "close_tag"):
            raise PhpSyntaxError(f"the file ends inside an array; `{closer}` is missing", line)
        if kind in ("single", "double", "number", "name") or (kind == "punct" and text in "[](),;"):
            raise PhpSyntaxError(f"expected `,` or `{closer}`, found {_shown(kind, text)}", line)
        raise Unsupported(f"an expression with `{text}`", line)


def _shown(kind, text):
    return "the end of the file" if kind in ("end", "close_tag") else f"`{text[:30]}`"


def _number(text):
    text = text.replace("_", "")
    if text[:2].lower() in ("0x", "0b"):
        return int(text, 16 if text[1] in "xX" else 2)
    if re.fullmatch(r"0[0-7]+", text):
        return int(text, 8)
    return float(text) if any(ch in text for ch in ".eE") else int(text)


def _php_key(key):
    """PHP's array key casts: decimal-integer strings, bools, floats and null."""
    if isinstance(key, bool):
        return int(key)
    if key is None:
        return ""
    if isinstance(key, float):
        return int(key)
    if isinstance(key, str) and re.fullmatch(r"-?[1-9]\d*|0", key):
        return int(key)
    return key


def parse(text):
    """(data, positions): the array config.php returns and {key path: line} for every key in it."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped[:5].lower() == "<?php":
        raise PhpSyntaxError("the file does not start with `<?php`; PHP prints it as text and returns no array", 1)
    start = len(text) - len(stripped) + 5
    line = text[:start].count("\n") + 1
    parser = _Parser(_tokens(text, start, line), text.count("\n") + 1)
    kind, word, line = parser.current
    if kind != "name" or word.lower() != "return":
        if kind == "end":
            raise PhpSyntaxError("the file returns nothing; it must `return [...]`", line)
        raise Unsupported(f"`{word}` before `return`", line)
    parser.advance()
    data = parser.value((), 0)
    kind, word, line = parser.current
    if not (kind == "punct" and word == ";") and kind != "close_tag":
        if kind == "end" or kind in ("single", "double", "number") or (kind == "punct" and word in "[](),"):
            raise PhpSyntaxError(f"expected `;` after the returned array, found {_shown(kind, word)}", line)
        raise Unsupported(f"an expression with `{word}`", line)
    return data, parser.positions

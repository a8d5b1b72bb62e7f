# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A YAML loader that remembers where every key and item stands (line and column, 1-based).

Duplicate keys, syntax errors, binary content, other encodings, oversized files and alias bombs
become findings, never exceptions. The parser's events are counted before anything is built: a file
whose values, with every alias expanded, pass MAX_NODES, or that nests deeper than MAX_DEPTH, is
reported and not built, so time and memory stay bounded whatever the file holds.
"""

from __future__ import annotations

import yaml

from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import ERROR, WARNING, Finding, clean, dotted
from ansible_collections.magecloud.platform.plugins.module_utils.masking import Scrubber, is_secret_key, secret_values

MAX_FILE_BYTES = 2 * 1024 * 1024
# Values (scalars, lists, mappings, keys), aliases expanded, in one file. The largest real cloud
# file seen holds about 250: 40 times that leaves room for long lists, while every check over a
# hostile file at the limit stays well under a second.
MAX_NODES = 10_000
MAX_DEPTH = 64
# Findings of a document are masked with every secret of it while they are few; past that, with
# the secrets under the finding's own key path.
_GLOBAL_SECRETS = 100
# libyaml's parser where PyYAML was built with it: same nodes and marks, several times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"
MERGE_TAG = _STANDARD_TAG_PREFIX + "merge"
PHP_CONSTANT_TAG = "!php/const"
_BOMS = ((b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"), (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
         (b"\xfe\xff", "UTF-16 (big-endian)"), (b"\xff\xfe", "UTF-16 (little-endian)"))
_MAX_DIGITS = 4000
_KIND_OF_TAG = {"int": "an integer", "float": "a number", "bool": "true or false", "null": "null",
                "timestamp": "a date", "binary": "base64 data"}


class Document:
    """Plain Python data plus the position of each path in the file it came from.

    tag(path) names the local tag of a value that had one (`!php/const` for a PHP constant, whose
    value is the constant's name); tag(path, key=True) the tag of the key at path."""

    def __init__(self, name, data=None, positions=None, present=True, tags=None):
        self.name = name
        self.data = data
        self.present = present
        self._positions = positions or {}
        self._tags = tags or {}
        self._secrets = None
        self._scrubber = None

    def position(self, path):
        path = tuple(path)
        while path:
            if path in self._positions:
                return self._positions[path]
            path = path[:-1]
        return self._positions.get((), (1, 1))

    def tag(self, path, key=False):
        return self._tags.get(("key" if key else "value", tuple(path)))

    def scrubber(self, path=()):
        """Hides this document's secret values in a text about the value at path."""
        if self._secrets is None:
            self._secrets = secret_values(self.data)
            self._scrubber = Scrubber(self._secrets) if len(self._secrets) <= _GLOBAL_SECRETS else None
        if self._scrubber is not None:
            return self._scrubber
        value, secret = self.data, False
        for part in path:
            if isinstance(value, dict) and part in value or isinstance(value, list) and isinstance(part, int) and -len(value) <= part < len(value):
                value, secret = value[part], secret or is_secret_key(part)
            else:
                break
        return Scrubber(secret_values({"secret": value} if secret else value))


class _Limit(Exception):
    def __init__(self, mark, message, suggestion):
        super().__init__(message)
        self.mark, self.message, self.suggestion = mark, message, suggestion


def _count(text):
    """Walk the parser's events once, building nothing: raise _Limit when the values, with aliases
    expanded, pass MAX_NODES, when nesting passes MAX_DEPTH, or when an alias refers to the value that
    holds it. Each anchor's expanded size and height are known when it closes."""
    total = 0
    depth = 0
    anchors = {}  # name -> (expanded size, height)
    open_anchors = set()
    frames = []  # per open collection: [anchor, total when it opened, depth when it opened, deepest level inside]
    for event in yaml.parse(text, Loader=_LOADER):
        kind = type(event)
        if kind is yaml.ScalarEvent:
            total += 1
            if event.anchor:
                anchors[event.anchor] = (1, 0)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            total += 1
            depth += 1
            if depth > MAX_DEPTH:
                raise _Limit(event.start_mark, f"YAML is nested more than {MAX_DEPTH} levels deep; the file is not read",
                             "flatten the structure")
            frames.append([event.anchor, total, depth, depth])
            if event.anchor:
                open_anchors.add(event.anchor)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            anchor, start, level, deepest = frames.pop()
            depth -= 1
            if frames:
                frames[-1][3] = max(frames[-1][3], deepest)
            if anchor:
                open_anchors.discard(anchor)
                anchors[anchor] = (total - start + 1, deepest - level + 1)
        elif kind is yaml.AliasEvent:
            if event.anchor in open_anchors:
                raise _Limit(event.start_mark, f"alias *{event.anchor} refers to the value that contains it; the file is not read",
                             "an alias can only repeat a value that is already complete")
            size, height = anchors.get(event.anchor, (1, 0))
            total += size
            if depth + height > MAX_DEPTH:
                raise _Limit(event.start_mark, f"alias *{event.anchor} nests the file more than {MAX_DEPTH} levels deep; "
                             "the file is not read", "flatten the structure")
            if frames:
                frames[-1][3] = max(frames[-1][3], depth + height)
            if total > MAX_NODES:
                raise _Limit(event.start_mark, f"aliases expand the file past {MAX_NODES:,} values (at *{event.anchor}); "
                             "the file is not read", "this looks like an alias bomb; repeat fewer aliases of aliases")
        if total > MAX_NODES:
            raise _Limit(event.start_mark, f"file holds more than {MAX_NODES:,} YAML values; it is not read",
                         "a cloud configuration file holds a few hundred; check that this is the right file")


class _Builder:
    def __init__(self, name):
        self.name = name
        self.notes = []  # (severity, line, column, path, message, suggestion)
        self._noted = set()
        self.positions = {}
        self.tags = {}
        self.constructor = yaml.constructor.SafeConstructor()
        self._active = set()
        self._visits = 0

    def build(self, node, path=()):
        self._visits += 1
        if self._visits > 2 * MAX_NODES:  # _count keeps this from happening; a guard, not a limit
            raise _Limit(node.start_mark, f"file holds more than {MAX_NODES:,} YAML values; it is not read", "")
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if id(node) in self._active:
            self._note(ERROR, node, path, "an alias refers to the value that contains it")
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        finally:
            self._active.discard(id(node))

    def _scalar(self, node, path, key=False):
        tag = node.tag
        if tag == PHP_CONSTANT_TAG or tag.startswith(PHP_CONSTANT_TAG + ":"):
            return self._php_constant(node, path, key)
        if not tag.startswith(_STANDARD_TAG_PREFIX):
            if tag != "!":
                self._note(WARNING, node, path, f"YAML tag {tag} is not supported here; the value is read as plain text")
            return node.value
        short = tag[len(_STANDARD_TAG_PREFIX):]
        if short == "value":  # a plain `=`, YAML 1.1's value key, which ece-tools reads as text
            return node.value
        if short == "binary":
            self._note(WARNING, node, path, "!!binary values are not supported here; the value is read as plain text")
            return node.value
        construct = self.constructor.yaml_constructors.get(tag, yaml.constructor.SafeConstructor.construct_undefined)
        try:
            value = construct(self.constructor, node)
            if not key and isinstance(value, str) and len(value) > _MAX_DIGITS and value.lstrip("+-").isdigit():
                # Python refuses int() of more digits than this; the checks would fail on it.
                self._note(ERROR, node, path, f"value is a number of {len(value):,} digits; more than {_MAX_DIGITS:,} cannot be read")
                return None
            return value
        except yaml.YAMLError as exc:
            reason = exc.problem or str(exc)
        except ValueError as exc:  # a date that does not exist, an integer of thousands of digits
            reason = f"it has more than {_MAX_DIGITS:,} digits" if "digits" in str(exc) else str(exc) if node.value not in str(exc) else ""
        except (TypeError, KeyError, AttributeError, OverflowError):
            reason = ""
        wanted = _KIND_OF_TAG.get(short)
        message = f"value cannot be read as {wanted}" if wanted else f"value cannot be read ({tag})"
        self._note(ERROR, node, path, f"{message}: {reason}" if reason and wanted else message,
                   "quote it to keep it as text" if wanted else "")
        return node.value if key else None  # a key keeps its text; a value is unset for the checks

    def _php_constant(self, node, path, key):
        # ece-tools parses with Symfony's PARSE_CONSTANT: `!php/const \PDO::MYSQL_ATTR_SSL_CA` is the
        # constant's value there. Here it is the constant's name, tagged, for the checks to look at.
        name = node.value.strip()
        if node.tag != PHP_CONSTANT_TAG:
            name = node.tag[len(PHP_CONSTANT_TAG) + 1:] + name
            self._note(WARNING, node, path, "`!php/const:NAME` is the old Symfony form that Symfony 4 and later reject",
                       f"write `!php/const {name}`")
        if not name:
            self._note(ERROR, node, path, "!php/const needs the name of a PHP constant", "for example `!php/const \\PDO::MYSQL_ATTR_SSL_CA`")
        self.tags[("key" if key else "value", path + (name,) if key else path)] = PHP_CONSTANT_TAG
        return name

    def _mapping(self, node, path):
        seen = {}
        explicit = []
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                merges.append((key_node, value_node))
                continue
            key = self._key(key_node, path)
            if key in seen:
                self._note(ERROR, key_node, path + (key,),
                           f"duplicate key `{key}`; the first one is on line {seen[key]}",
                           "remove one of them; YAML keeps only the last")
            else:
                seen[key] = key_node.start_mark.line + 1
            explicit.append((key, key_node, value_node))
        result = {}
        for key_node, value_node in merges:
            result.update(self._merged(key_node, value_node, path))
        for key, key_node, value_node in explicit:
            self.positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _merged(self, key_node, value_node, path):
        """The keys `<<` brings: a mapping, or a list of mappings where the first one wins. Built at
        path, so each merged key keeps the line it was written on."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        if not all(isinstance(source, yaml.MappingNode) for source in sources):
            self._note(ERROR, key_node, path, "`<<` merges a mapping or a list of mappings only",
                       "point it at a mapping, e.g. `<<: *defaults`")
        result = {}
        for source in reversed(sources):
            if not isinstance(source, yaml.MappingNode):
                continue
            self._visits += 1
            if id(source) in self._active:
                self._note(ERROR, source, path, "an alias refers to the value that contains it")
                continue
            self._active.add(id(source))
            try:
                result.update(self._mapping(source, path))
            finally:
                self._active.discard(id(source))
        return result

    def _key(self, key_node, path):
        if isinstance(key_node, yaml.ScalarNode):
            key = self._scalar(key_node, path, key=True)
            return key if isinstance(key, (str, int, float, bool)) or key is None else str(key)
        self._note(ERROR, key_node, path, "a key must be a plain value, not a list or mapping")
        return f"<complex key at line {key_node.start_mark.line + 1}>"

    def _note(self, severity, node, path, message, suggestion=""):
        mark = node.start_mark
        note = (severity, mark.line + 1, mark.column + 1, path, message, suggestion)
        if note[:3] + note[4:] not in self._noted:  # an alias or merge visits its value again
            self._noted.add(note[:3] + note[4:])
            self.notes.append(note)


def _decode(name, raw, findings):
    if len(raw) > MAX_FILE_BYTES:
        findings.append(Finding(ERROR, name, 1, 1, "", f"file is {len(raw):,} bytes; more than {MAX_FILE_BYTES:,} is not read",
                                "a cloud configuration file is a few kilobytes; check that this is the right file"))
        return None
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            findings.append(Finding(ERROR, name, 1, 1, "", f"file is {encoding} text, by its byte order mark; "
                                    "ece-tools and this reader take UTF-8 only", "save the file as UTF-8"))
            return None
    if b"\0" in raw:
        findings.append(Finding(ERROR, name, 1, 1, "", "file is binary (contains NUL bytes), not YAML",
                                "restore the file from version control"))
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        findings.append(Finding(ERROR, name, line, 1, "", f"file is not UTF-8 text (byte {exc.start})",
                                "save the file as UTF-8"))
        return None


def load(name, raw, findings):
    """Parse bytes into a Document, appending findings for anything that stops a clean read."""
    text = _decode(name, raw, findings)
    if text is None:
        return Document(name, None)
    try:
        _count(text)
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except _Limit as limit:
        findings.append(Finding(ERROR, name, limit.mark.line + 1, limit.mark.column + 1, "", limit.message, limit.suggestion))
        return Document(name, None)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        context = exc.context
        if context and exc.context_mark and exc.problem_mark and exc.context_mark.line != exc.problem_mark.line:
            context = f"{context} (line {exc.context_mark.line + 1})"
        message = " ".join(part for part in (context, exc.problem) if part)
        suggestion = "fix the indentation or quoting at this line"
        if "!php/const:" in "".join(text.splitlines()[line - 1:line]):
            suggestion = "write a PHP constant as `!php/const \\PDO::NAME`, with a space after the tag"
        findings.append(Finding(ERROR, name, line, column, "", f"YAML syntax error: {message}", suggestion))
        return Document(name, None)
    except yaml.YAMLError as exc:
        findings.append(Finding(ERROR, name, 1, 1, "", f"YAML cannot be read: {exc}"))
        return Document(name, None)
    except RecursionError:
        findings.append(_too_deep(name))
        return Document(name, None)
    nodes = [node for node in nodes if node is not None]
    if len(nodes) > 1:
        second = nodes[1].start_mark
        findings.append(Finding(ERROR, name, second.line + 1, second.column + 1, "",
                                "file holds more than one YAML document", "keep one document; remove the `---` separator"))
    if not nodes:
        return Document(name, None)
    builder = _Builder(name)
    try:
        data = builder.build(nodes[0])
    except _Limit as limit:
        findings.append(Finding(ERROR, name, limit.mark.line + 1, limit.mark.column + 1, "", limit.message, limit.suggestion))
        return Document(name, None)
    except RecursionError:
        findings.append(_too_deep(name))
        return Document(name, None)
    document = Document(name, data, builder.positions, tags=builder.tags)
    for severity, line, column, path, message, suggestion in builder.notes:
        scrub = document.scrubber(path)
        findings.append(Finding(severity, name, line, column, dotted(path), clean(message, scrub), clean(suggestion, scrub)))
    return document


def _too_deep(name):
    return Finding(ERROR, name, 1, 1, "", "YAML is nested too deeply to read", "flatten the structure")

# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A YAML loader that remembers where every key and item stands (line and column, 1-based).

Duplicate keys, syntax errors, binary content and oversized files become findings, never exceptions.
"""

from __future__ import annotations

import yaml

from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import ERROR, WARNING, Finding

MAX_FILE_BYTES = 2 * 1024 * 1024
# libyaml's parser where PyYAML was built with it: same nodes and marks, several times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"


class Document:
    """Plain Python data plus the position of each path in the file it came from."""

    def __init__(self, name, data=None, positions=None, present=True):
        self.name = name
        self.data = data
        self.present = present
        self._positions = positions or {}

    def position(self, path):
        path = tuple(path)
        while path:
            if path in self._positions:
                return self._positions[path]
            path = path[:-1]
        return self._positions.get((), (1, 1))


class _Builder:
    def __init__(self, name, findings):
        self.name = name
        self.findings = findings
        self.positions = {}
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node, path=()):
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (index,)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _scalar(self, node, path):
        if not node.tag.startswith(_STANDARD_TAG_PREFIX) and node.tag != "!":
            self._note(WARNING, node, path, f"YAML tag {node.tag} is not supported here; the value is read as plain text")
            return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            self._note(ERROR, node, path, f"value cannot be read: {exc.problem or exc}")
            return node.value

    def _mapping(self, node, path):
        seen = {}
        for key_node, unused_value in node.value:
            if key_node.tag == _STANDARD_TAG_PREFIX + "merge":
                continue
            key = self._key(key_node, path)
            if key in seen:
                self._note(ERROR, key_node, path + (key,),
                           f"duplicate key `{key}`; the first one is on line {seen[key]}",
                           "remove one of them; YAML keeps only the last")
            else:
                seen[key] = key_node.start_mark.line + 1
        try:
            self.constructor.flatten_mapping(node)
        except yaml.YAMLError as exc:
            self._note(ERROR, node, path, f"merge key cannot be applied: {exc.problem or exc}")
        result = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            self.positions[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _key(self, key_node, path):
        if isinstance(key_node, yaml.ScalarNode):
            key = self._scalar(key_node, path)
            return key if isinstance(key, (str, int, float, bool)) or key is None else str(key)
        self._note(ERROR, key_node, path, "a key must be a plain value, not a list or mapping")
        return f"<complex key at line {key_node.start_mark.line + 1}>"

    def _note(self, severity, node, path, message, suggestion=""):
        mark = node.start_mark
        self.findings.append(Finding(severity, self.name, mark.line + 1, mark.column + 1,
                                     ".".join(str(p) for p in path), message, suggestion))


def _decode(name, raw, findings):
    if len(raw) > MAX_FILE_BYTES:
        findings.append(Finding(ERROR, name, 1, 1, "", f"file is {len(raw)} bytes; more than {MAX_FILE_BYTES} is not read",
                                "a cloud configuration file is a few kilobytes; check that this is the right file"))
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
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(part for part in (exc.context, exc.problem) if part)
        findings.append(Finding(ERROR, name, line, column, "", f"YAML syntax error: {message}",
                                "fix the indentation or quoting at this line"))
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
    builder = _Builder(name, findings)
    try:
        data = builder.build(nodes[0])
    except RecursionError:
        findings.append(_too_deep(name))
        return Document(name, None)
    return Document(name, data, builder.positions)


def _too_deep(name):
    return Finding(ERROR, name, 1, 1, "", "YAML is nested too deeply to read", "flatten the structure")

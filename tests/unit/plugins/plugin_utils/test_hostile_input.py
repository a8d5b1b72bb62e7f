"""Hostile project files: each one is a finding naming the file (and the line where there is one),
never a traceback; nothing outside the project is read; no secret reaches a message.
Time and memory bounds are measured in benchmarks/config_reader.py, not here."""

import os
import subprocess

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils import project as project_module
from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import (
    ERROR, MAX_FINDINGS_PER_FILE, MAX_MESSAGE_CHARS, WARNING, FindingList, counts, did_you_mean)
from ansible_collections.magecloud.platform.plugins.plugin_utils.located_yaml import MAX_DEPTH, MAX_NODES, PHP_CONSTANT_TAG, load
from ansible_collections.magecloud.platform.plugins.module_utils.masking import MASK
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import directory_reader, git_reader, read_project

from cloud_project_fixtures import SUPPORTED_DAY, project_files, reader

APP, SERVICES, ENV, PHP_INI = ".magento.app.yaml", ".magento/services.yaml", ".magento.env.yaml", "php.ini"
OUTSIDE_MARKER = "outside-content-must-never-be-printed"

LAUGHS = """\
stage:
  deploy:
    a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""
MERGE_BOMB = "a: &a {k0: 1, k1: 1, k2: 1, k3: 1, k4: 1, k5: 1, k6: 1, k7: 1, k8: 1}\n" + "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} {{<<: [{', '.join(['*' + chr(97 + n)] * 9)}]}}\n" for n in range(10))


def read_with(name, content, release="2.4.7"):
    files = project_files(release)
    files[name] = content
    return read_project(reader(files))


def only(findings, name):
    return [finding for finding in findings if finding.file == name]


def write_project(directory, files=None):
    for name, text in (files or project_files()).items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return directory


def everything_printed(findings):
    return "\n".join(str(finding) for finding in findings)


# --- alias bombs, sizes and nesting: the parser's events are counted before anything is built ---

def test_billion_laughs_is_one_finding_at_the_alias_that_crosses_the_budget():
    project = read_with(ENV, LAUGHS)
    [finding] = only(project.findings, ENV)
    assert (finding.severity, finding.line, finding.column) == (ERROR, 7, 12)
    assert f"aliases expand the file past {MAX_NODES:,} values (at *d)" in finding.message
    assert project.env == {}
    assert only(project.findings, APP) == [], "the other files are read as usual"


def test_merge_key_bomb_is_refused():
    [finding] = only(read_with(ENV, MERGE_BOMB).findings, ENV)
    assert finding.severity == ERROR and "aliases expand the file past" in finding.message and finding.line == 4


def test_an_alias_inside_its_own_anchor_is_refused():
    [finding] = only(read_with(ENV, "stage: &s\n  deploy: *s\n").findings, ENV)
    assert (finding.severity, finding.line) == (ERROR, 2)
    assert "alias *s refers to the value that contains it" in finding.message


def test_too_many_values_are_refused_where_the_budget_runs_out():
    text = "stage:\n  post-deploy:\n    WARM_UP_PAGES:\n" + "      - a\n" * (MAX_NODES + 10)
    [finding] = only(read_with(ENV, text).findings, ENV)
    assert finding.severity == ERROR and f"more than {MAX_NODES:,} YAML values" in finding.message
    assert finding.line == MAX_NODES - 3  # the first value past the budget


def test_block_nesting_past_the_limit_is_refused_at_the_level_that_crosses_it():
    text = "".join(" " * level + "a:\n" for level in range(MAX_DEPTH + 5))
    [finding] = only(read_with(ENV, text).findings, ENV)
    assert (finding.severity, finding.line) == (ERROR, MAX_DEPTH + 1)
    assert f"nested more than {MAX_DEPTH} levels" in finding.message


def test_an_alias_that_would_nest_past_the_limit_is_refused():
    deep = "x: &deep " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n"
    [finding] = only(read_with(ENV, deep + "y: [[[[*deep]]]]\n").findings, ENV)
    assert finding.line == 2 and "alias *deep nests the file more than" in finding.message


def test_ordinary_aliases_and_merge_keys_still_read_with_their_lines():
    text = ("defaults: &defaults\n  root: pub\n  expires: 1y\nweb:\n  locations:\n"
            "    /static:\n      <<: *defaults\n      expires: 1d\n    /media: *defaults\n")
    findings = []
    document = load(APP, text.encode(), findings)
    assert findings == []
    assert document.data["web"]["locations"] == {"/static": {"root": "pub", "expires": "1d"},
                                                 "/media": {"root": "pub", "expires": "1y"}}
    assert document.position(("web", "locations", "/static", "root")) == (2, 3), "a merged key keeps its own line"
    assert document.position(("web", "locations", "/static", "expires")) == (8, 7), "an explicit key wins"


def test_merge_of_something_other_than_a_mapping_is_a_finding():
    findings = []
    document = load(APP, b"a: &a [1, 2]\nb:\n  <<: *a\n  c: 1\n", findings)
    assert document.data["b"] == {"c": 1}
    assert [(f.severity, f.line) for f in findings] == [(ERROR, 3)]
    assert "merges a mapping or a list of mappings only" in findings[0].message


# --- scalars the safe constructor cannot build ---

@pytest.mark.parametrize("value, message", [
    ("!!int abc", "cannot be read as an integer"),
    ("2020-13-45", "cannot be read as a date: month must be in 1..12"),
    ("!!timestamp soon", "cannot be read as a date"),
    ("!!bool maybe", "cannot be read as true or false"),
    ("!!float many", "cannot be read as a number"),
    ("9" * 5000, "cannot be read as an integer: it has more than 4,000 digits"),
    ("'" + "9" * 5000 + "'", "a number of 5,000 digits"),
    ("!!python/object:os.system x", "cannot be read"),
])
def test_a_value_the_constructor_cannot_build_is_an_error_at_its_line(value, message):
    project = read_with(ENV, f"stage:\n  deploy:\n    SCD_THREADS: {value}\n")
    matching = [f for f in only(project.findings, ENV) if message in f.message]
    assert matching and matching[0].severity == ERROR and matching[0].line == 3, everything_printed(project.findings)
    assert project.env["stage"]["deploy"]["SCD_THREADS"] is None


def test_binary_tag_is_read_as_text_with_a_warning():
    findings = []
    document = load(ENV, b"a: !!binary aGk=\n", findings)
    assert document.data == {"a": "aGk="}
    assert [(f.severity, f.line) for f in findings] == [(WARNING, 1)] and "!!binary" in findings[0].message


# --- PHP constants (ece-tools parses with Symfony's PARSE_CONSTANT) ---

def test_php_constants_read_as_their_names_with_positions_and_tags():
    text = ("stage:\n  deploy:\n    DATABASE_CONFIGURATION:\n      connection:\n        default:\n"
            "          driver_options:\n            !php/const \\PDO::MYSQL_ATTR_SSL_CA: !php/const PHP_INT_MAX\n"
            "            !php/const \\PDO::MYSQL_ATTR_LOCAL_INFILE: 1\n"
            "          host: db\n          dbname: main\n          username: magento\n          password: ''\n")
    findings = []
    document = load(ENV, text.encode(), findings)
    assert findings == []
    options = ("stage", "deploy", "DATABASE_CONFIGURATION", "connection", "default", "driver_options")
    node = document.data
    for key in options:
        node = node[key]
    assert node == {"\\PDO::MYSQL_ATTR_SSL_CA": "PHP_INT_MAX", "\\PDO::MYSQL_ATTR_LOCAL_INFILE": 1}
    assert document.tag(options + ("\\PDO::MYSQL_ATTR_SSL_CA",), key=True) == PHP_CONSTANT_TAG
    assert document.tag(options + ("\\PDO::MYSQL_ATTR_SSL_CA",)) == PHP_CONSTANT_TAG
    assert document.tag(options + ("\\PDO::MYSQL_ATTR_LOCAL_INFILE",)) is None
    assert document.position(options + ("\\PDO::MYSQL_ATTR_LOCAL_INFILE",)) == (8, 13)
    project = read_with(ENV, text)
    assert only(project.findings, ENV) == [], "no unknown-tag warning"


def test_old_php_constant_form_and_an_empty_one_are_named():
    findings = []
    document = load(ENV, b"a: !php/const:PHP_INT_MAX\nb: !php/const\n", findings)
    assert document.data == {"a": "PHP_INT_MAX", "b": ""}
    assert [(f.severity, f.line) for f in findings] == [(WARNING, 1), (ERROR, 2)]
    assert "write `!php/const PHP_INT_MAX`" in findings[0].suggestion
    assert "needs the name of a PHP constant" in findings[1].message


def test_old_php_constant_form_with_a_backslash_suggests_the_space():
    findings = []
    load(ENV, b"a: 1\nb: !php/const:\\PDO::X\n", findings)
    [finding] = findings
    assert finding.line == 2 and "YAML syntax error" in finding.message and "with a space after the tag" in finding.suggestion


# --- encodings ---

@pytest.mark.parametrize("raw, encoding", [
    ("\ufeffstage: {}\n".encode("utf-16-le"), "UTF-16 (little-endian)"),
    ("\ufeffstage: {}\n".encode("utf-16-be"), "UTF-16 (big-endian)"),
    ("\ufeffstage: {}\n".encode("utf-32-le"), "UTF-32 (little-endian)"),
    ("\ufeffstage: {}\n".encode("utf-32-be"), "UTF-32 (big-endian)"),
])
def test_utf16_and_utf32_are_named_by_their_byte_order_mark(raw, encoding):
    [finding] = only(read_with(ENV, raw).findings, ENV)
    assert finding.severity == ERROR and f"file is {encoding} text" in finding.message and "UTF-8" in finding.suggestion


def test_utf8_with_a_byte_order_mark_still_reads():
    project = read_with(ENV, "\ufeffstage:\n  global:\n    SCD_ON_DEMAND: false\n".encode())
    assert only(project.findings, ENV) == [] and project.env == {"stage": {"global": {"SCD_ON_DEMAND": False}}}


# --- the directory reader: links out of the project, directories, devices, sizes, permissions ---

def test_symlink_outside_the_project_is_refused_without_reading_it(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(f"stage:\n  deploy:\n    {OUTSIDE_MARKER}: 1\n")
    root = write_project(tmp_path / "project")
    (root / ENV).unlink()
    (root / ENV).symlink_to(outside)
    project = read_project(directory_reader(str(root)))
    [finding] = only(project.findings, ENV)
    assert finding.severity == ERROR
    assert finding.message == f"is a symbolic link to {outside}, outside the project directory; it is not read"
    assert OUTSIDE_MARKER not in everything_printed(project.findings) and project.env == {}


def test_app_file_linked_out_is_refused_not_missing(tmp_path):
    root = write_project(tmp_path / "project")
    (tmp_path / "app.yaml").write_text((root / APP).read_text())
    (root / APP).unlink()
    (root / APP).symlink_to(tmp_path / "app.yaml")
    app_findings = only(read_project(directory_reader(str(root))).findings, APP)
    assert [f.message for f in app_findings] == [
        f"is a symbolic link to {tmp_path / 'app.yaml'}, outside the project directory; it is not read"]


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "/proc/self/environ", "/etc/passwd"])
def test_links_into_system_trees_are_refused(tmp_path, target):
    root = write_project(tmp_path)
    (root / ENV).unlink()
    (root / ENV).symlink_to(target)
    [finding] = only(read_project(directory_reader(str(root))).findings, ENV)
    assert finding.severity == ERROR and "outside the project directory; it is not read" in finding.message


def test_a_linked_directory_out_of_the_project_is_refused(tmp_path):
    root = write_project(tmp_path / "project")
    (root / ".magento").rename(tmp_path / "elsewhere")
    (root / ".magento").symlink_to(tmp_path / "elsewhere")
    [finding] = only(read_project(directory_reader(str(root))).findings, SERVICES)
    assert finding.message.startswith("is a symbolic link to ") and "outside the project directory" in finding.message


def test_a_link_inside_the_project_is_followed(tmp_path):
    root = write_project(tmp_path)
    (root / "config").mkdir()
    (root / ENV).rename(root / "config" / "env.yaml")
    (root / ENV).symlink_to("config/env.yaml")
    project = read_project(directory_reader(str(root)), today=SUPPORTED_DAY)
    assert project.findings == [] and project.env["stage"]["global"] == {"SCD_ON_DEMAND": False, "MIN_LOGGING_LEVEL": "info"}


def test_a_dangling_link_and_a_link_loop_are_findings(tmp_path):
    root = write_project(tmp_path)
    (root / ENV).unlink()
    (root / ENV).symlink_to("gone.yaml")
    (root / PHP_INI).unlink()
    (root / PHP_INI).symlink_to(PHP_INI)
    findings = read_project(directory_reader(str(root))).findings
    [env] = only(findings, ENV)
    [ini] = only(findings, PHP_INI)
    assert env.severity == ERROR and env.message == f"is a symbolic link to {root / 'gone.yaml'}, which does not exist"
    assert (ini.severity, ini.message) == (ERROR, "cannot be read: Too many levels of symbolic links")


def test_a_directory_where_a_file_belongs_is_named_so(tmp_path):
    root = write_project(tmp_path)
    (root / APP).unlink()
    (root / APP).mkdir()
    (root / ENV).unlink()
    (root / ENV).mkdir()
    findings = read_project(directory_reader(str(root))).findings
    assert [(f.severity, f.message) for f in only(findings, APP)] == [(ERROR, "is a directory, not a file")]
    assert [(f.severity, f.message) for f in only(findings, ENV)] == [(ERROR, "is a directory, not a file")]


def test_a_fifo_is_refused_without_blocking(tmp_path):
    root = write_project(tmp_path)
    (root / ENV).unlink()
    os.mkfifo(root / ENV)
    [finding] = only(read_project(directory_reader(str(root))).findings, ENV)
    assert finding.severity == ERROR and "not a regular file" in finding.message


@pytest.mark.parametrize("name, size, limit", [(ENV, 5 * 1024 * 1024, "2,097,152 bytes (2.0 MiB)"),
                                               (PHP_INI, 300_000, "262,144 bytes")])
def test_a_file_over_its_limit_reports_its_real_size(tmp_path, name, size, limit):
    root = write_project(tmp_path)
    with open(root / name, "r+b") as handle:
        handle.truncate(size)
    [finding] = only(read_project(directory_reader(str(root))).findings, name)
    assert finding.severity == ERROR
    assert finding.message.startswith(f"file is {size:,} bytes") and f"a file over {limit} is not read" in finding.message


def test_an_unreadable_file_is_a_finding_and_every_other_finding_is_kept(tmp_path, monkeypatch):
    root = write_project(tmp_path)
    (root / APP).write_text((root / APP).read_text().replace("disk: 5120", "disk: 0"))
    real_open = os.open

    def refusing_open(path, *args, **kwargs):
        if str(path).endswith(ENV):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(project_module.os, "open", refusing_open)
    findings = read_project(directory_reader(str(root))).findings
    assert [(f.severity, f.message) for f in only(findings, ENV)] == [(ERROR, "cannot be read: Permission denied")]
    assert [(f.severity, f.path) for f in only(findings, APP)] == [(ERROR, "disk")]


# --- the git reader: a link in the commit is never followed ---

def git(repository, *args):
    subprocess.run(["git", "-C", str(repository), *args], check=True, capture_output=True)


def commit_project(repository, change):
    repository.mkdir(exist_ok=True)
    git(repository, "init", "-q")
    write_project(repository)
    change(repository)
    git(repository, "add", "-A")
    git(repository, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "project")
    return git_reader(str(repository), "HEAD")


def test_a_symlink_in_the_commit_is_a_finding_not_followed(tmp_path):
    outside = tmp_path / "secret.yaml"
    outside.write_text(f"{OUTSIDE_MARKER}: 1\n")

    def link(root):
        (root / ENV).unlink()
        (root / ENV).symlink_to(outside)

    project = read_project(commit_project(tmp_path / "repo", link))
    [finding] = only(project.findings, ENV)
    assert finding.severity == ERROR and finding.message == "is a symbolic link in the commit; links are not followed, so it is not read"
    assert OUTSIDE_MARKER not in everything_printed(project.findings) and str(outside) not in everything_printed(project.findings)


def test_a_linked_directory_in_the_commit_is_a_finding(tmp_path):
    def link(root):
        (root / ".magento").rename(root / "real-magento")
        (root / ".magento").symlink_to("real-magento")

    [finding] = only(read_project(commit_project(tmp_path, link)).findings, SERVICES)
    assert finding.message == "lies under .magento, a symbolic link in the commit; links are not followed"


def test_a_directory_in_the_commit_where_a_file_belongs(tmp_path):
    def directory(root):
        (root / ENV).unlink()
        (root / ENV).mkdir()
        (root / ENV / "x").write_text("x")

    assert [f.message for f in only(read_project(commit_project(tmp_path, directory)).findings, ENV)] == [
        "is a directory, not a file"]


def test_an_oversized_blob_reports_its_size_without_being_read(tmp_path):
    def grow(root):
        (root / ENV).write_text("#" * (3 * 1024 * 1024))

    [finding] = only(read_project(commit_project(tmp_path, grow)).findings, ENV)
    assert finding.message.startswith("file is 3,145,728 bytes (3.0 MiB)")


def test_an_unknown_ref_is_a_finding_per_file_not_a_traceback(tmp_path):
    commit_project(tmp_path, lambda root: None)
    findings = read_project(git_reader(str(tmp_path), "no-such-branch")).findings
    app = only(findings, APP)
    assert app and app[0].severity == ERROR and app[0].message.startswith("cannot be read from no-such-branch")


# --- output stays bounded: the first findings of a file, the rest counted ---

def test_a_file_with_60000_findings_keeps_the_first_ones_and_counts_every_one():
    project = read_with(PHP_INI, "x\n" * 60_000)
    ini = [finding for finding in only(project.findings, PHP_INI) if finding.severity == ERROR]
    assert len(ini) == MAX_FINDINGS_PER_FILE and [f.line for f in ini] == list(range(1, MAX_FINDINGS_PER_FILE + 1))
    assert counts(project.findings)[ERROR] == 60_000
    assert project.findings.omitted[(PHP_INI, ERROR)] == 60_000 - MAX_FINDINGS_PER_FILE


def test_warnings_never_crowd_out_an_error():
    findings = FindingList(limit=2)
    for line in range(1, 6):
        findings.append(project_module.Finding(WARNING, ENV, line, 1, "", "w"))
    findings.append(project_module.Finding(ERROR, ENV, 9, 1, "", "e"))
    assert [f.severity for f in findings] == [WARNING, WARNING, ERROR]
    assert counts(findings) == {ERROR: 1, WARNING: 5}


def test_messages_and_key_paths_are_cut():
    project = read_with(ENV, "stage:\n  deploy:\n    ? " + "K" * 100_000 + "\n    : [" + "1, " * 3000 + "1]\n")
    [finding] = only(project.findings, ENV)
    assert len(finding.message) <= MAX_MESSAGE_CHARS and len(finding.path) < 100 and finding.path.endswith("…")
    assert did_you_mean("K" * 100_000, ["SCD_THREADS"]) == ""


# --- secrets never reach a message ---

@pytest.mark.parametrize("text, secret", [
    ("stage:\n  deploy:\n    DATABASE_CONFIGURATION: mysql://magento:Hunter2Db@db/main\n", "Hunter2Db"),
    ("stage:\n  deploy:\n    CACHE_CONFIGURATION: 'redis://:RedisPw9@cache:6379'\n", "RedisPw9"),
    ("stage:\n  deploy:\n    SESSION_CONFIGURATION: [{password: ListPw77}]\n", "ListPw77"),
    ("stage:\n  deploy:\n    QUEUE_CONFIGURATION: tcp://h:5672?password=QueryPw5\n", "QueryPw5"),
    ("stage:\n  deploy:\n    SCD_THREADS: {CRYPT_KEY: CryptKey1, API_TOKEN: Token22, X_SECRET: Secret33}\n", "CryptKey1"),
    ("stage:\n  deploy:\n    ADMIN_PASSWORD: Admin!Pw\n", "Admin!Pw"),
    ("stage:\n  deploy:\n    X: {password: !!int NotAnInt9}\n", "NotAnInt9"),
])
def test_no_message_quotes_a_secret(text, secret):
    project = read_with(ENV, text)
    printed = everything_printed(project.findings)
    assert only(project.findings, ENV), "the value is wrong, so there is a finding"
    assert secret not in printed, printed


def test_secrets_stay_masked_in_a_document_with_very_many_of_them():
    text = "stage:\n  deploy:\n    SPLIT_DB: [{password: FirstPw}]\n" + "".join(
        f"    V{i}: {{password: Pw{i}x}}\n" for i in range(150))
    printed = everything_printed(read_with(ENV, text).findings)
    assert f"stage.deploy.SPLIT_DB.0: `{{'password': '{MASK}'}}` is not allowed in SPLIT_DB" in printed
    assert "FirstPw" not in printed and "Pw0x" not in printed

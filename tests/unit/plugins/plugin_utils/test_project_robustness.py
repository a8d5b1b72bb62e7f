"""Junk never raises: malformed, binary, empty and huge files become findings; the public corpus
of real cloud projects never crashes the reader, and the official templates have no errors."""

import pathlib
import subprocess
from datetime import date

import pytest

from ansible_collections.magecloud.platform.plugins.plugin_utils.findings import ERROR
from ansible_collections.magecloud.platform.plugins.plugin_utils.located_yaml import MAX_FILE_BYTES
from ansible_collections.magecloud.platform.plugins.plugin_utils.project import directory_reader, git_reader, read_project

from cloud_project_fixtures import project_files, reader

CORPUS = pathlib.Path(__file__).resolve().parents[5] / "shared" / "corpus"
APP = ".magento.app.yaml"


@pytest.mark.parametrize("content, message", [
    (b"\x00\x01\x02\xff" * 64, "binary"),
    (b"name: \xff\xfe broken", "not UTF-8"),
    (b"", "is empty"),
    (b"# only a comment\n", "is empty"),
    (b"x" * (MAX_FILE_BYTES + 10), "is not read"),
    (b"name: a\n---\nname: b\n", "more than one YAML document"),
    (b"[unclosed", "YAML syntax error"),
    (b"- just\n- a list\n", "must be a mapping"),
    (b"name: app\ntype: !php 8.3\n", "tag !php is not supported"),
    (b"? [complex, key]\n: value\n", "plain value"),
])
def test_junk_app_file_gives_a_finding(content, message):
    files = project_files()
    files[APP] = content
    findings = read_project(reader(files)).findings
    assert any(f.file == APP and message in f.message for f in findings), [str(f) for f in findings]


def test_missing_app_file_is_an_error_naming_it():
    files = project_files()
    del files[APP]
    findings = read_project(reader(files)).findings
    assert any(f.severity == ERROR and f.file == APP and "missing" in f.message for f in findings)


def test_deeply_nested_yaml_does_not_crash():
    files = project_files()
    files[".magento.env.yaml"] = "stage:\n  deploy:\n    REMOTE_STORAGE: " + "[" * 500 + "]" * 500 + "\n"
    read_project(reader(files))


def corpus_projects(group):
    folder = CORPUS / group
    return sorted(path for path in folder.iterdir() if path.is_dir()) if folder.is_dir() else []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside this checkout")
@pytest.mark.parametrize("project", corpus_projects("magento-cloud-templates"), ids=lambda path: path.name)
def test_official_templates_have_no_errors(project):
    findings = read_project(directory_reader(str(project))).findings
    assert [str(f) for f in findings if f.severity == ERROR] == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside this checkout")
@pytest.mark.parametrize("project", corpus_projects("wild"), ids=lambda path: path.name)
def test_real_projects_never_crash_the_reader(project):
    for finding in read_project(directory_reader(str(project))).findings:
        assert finding.line >= 1 and finding.column >= 1 and finding.message


def test_files_are_read_from_a_git_ref_without_a_checkout(tmp_path):
    def git(*args):
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    for name, text in project_files().items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "good")
    (tmp_path / APP).write_text("name: broken\n")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "bad")
    # today: a day inside every fixture service's support window (the end-of-life checks use it)
    assert read_project(git_reader(str(tmp_path), "HEAD~1"), today=date(2022, 6, 1)).findings == []
    assert any("`type` is required" in f.message for f in read_project(git_reader(str(tmp_path), "HEAD")).findings)

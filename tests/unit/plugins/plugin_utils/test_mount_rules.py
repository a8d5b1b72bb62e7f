"""Files committed under a mount: a warning naming the mount and the files, at the mount's line of
.magento.app.yaml, except under app/etc and pub/media, whose files a deploy copies over the mount."""

import subprocess

from ansible_collections.magecloud.platform.plugins.plugin_utils.project import directory_reader, git_reader, read_project

from cloud_project_fixtures import SUPPORTED_DAY, project_files, reader

APP = ".magento.app.yaml"


def line_of(text, marker):
    return next(number for number, content in enumerate(text.splitlines(), start=1) if marker in content)


def listing_reader(files):
    """The fixture reader, with the listing of committed files the real readers give."""
    read = reader(files)
    read.under = lambda path, limit: sorted(name for name in files if name.startswith(path + "/"))[:limit]
    return read


def mount_findings(read):
    findings = read_project(read, today=SUPPORTED_DAY).findings
    return [(f.severity, f.file, f.line, f.path, f.message) for f in findings if f.path.startswith("mounts")]


def test_files_committed_under_var_and_pub_static_are_named_at_their_mount():
    files = project_files()
    files.update({"var/import/products.csv": "sku", "pub/static/robots.txt": "", "pub/static/a.css": "", "pub/static/b.css": "",
                  "pub/static/c.css": ""})
    text = files[APP]
    assert mount_findings(listing_reader(files)) == [
        ("warning", APP, line_of(text, '"var": "shared:files/var"'), "mounts.var",
         "`var` is a mount and the commit has files under it (var/import/products.csv): the mount hides them, and a deploy "
         "copies them into it only where the mount lacks them, so a later change of them never reaches it (on the cloud "
         "they never do)"),
        ("warning", APP, line_of(text, '"pub/static":'), "mounts.pub/static",
         "`pub/static` is a mount and the commit has files under it (pub/static/a.css, pub/static/b.css, pub/static/c.css "
         "and more): the mount hides them, and a deploy copies them into it only where the mount lacks them, so a later "
         "change of them never reaches it (on the cloud they never do)")]


def test_app_etc_and_pub_media_content_is_copied_over_the_mount_and_not_reported():
    files = project_files()
    files.update({"pub/media/logo.png": "png", "app/etc/NonComposerComponentRegistration.php": "<?php"})
    assert mount_findings(listing_reader(files)) == []


def test_a_reader_without_a_listing_reports_nothing():
    files = project_files()
    files["var/import/products.csv"] = "sku"
    assert mount_findings(reader(files)) == []


def write(root, files):
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content)


def test_the_directory_and_git_readers_list_what_is_committed_under_a_mount(tmp_path):
    files = project_files()
    files["var/seed/one.txt"] = "1"
    write(tmp_path, files)
    expected = [("warning", APP, line_of(files[APP], '"var": "shared:files/var"'), "mounts.var")]
    assert [row[:4] for row in mount_findings(directory_reader(str(tmp_path)))] == expected
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "p"],
                   check=True)
    (tmp_path / "var" / "seed" / "one.txt").unlink()  # the commit counts, not the working tree
    assert [row[:4] for row in mount_findings(git_reader(str(tmp_path), "main"))] == expected
    assert "var/seed/one.txt" in mount_findings(git_reader(str(tmp_path), "main"))[0][4]

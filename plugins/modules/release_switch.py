#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: release_switch
short_description: Prepare a release from its artifact and switch the site to it without dropping a request
version_added: 0.1.0
description:
  - Manages C(<app_root>/releases/<id>), C(<app_root>/shared/) and the C(<app_root>/current) link of a web host.
  - V(state=prepared) unpacks the build artifact into a hidden directory, links the persistent mounts
    into C(shared/) (content the artifact holds at a mount path moves to C(init/<mount>); M(magecloud.platform.mount_init)
    copies it into the mount), makes the tree read-only for everyone but root, then renames it into place, so
    a release directory is either complete or absent. It checks the free disk space first.
  - V(state=current) checks the release's health through the vhost's preview server (request header
    C(X-Magecloud-Release)) before the switch, repoints C(current) with C(rename(2)), checks the live vhost
    again, and on failure points C(current) back and fails with the health check's response.
    Then it prunes old releases, keeping O(keep), and never one that is current, was served less than
    O(prune_grace) seconds ago, or is still a working directory or open file of a process.
    The artifacts go with their releases, C(<app_root>/artifacts/) keeps the artifacts of the releases
    still on the host only, and loses what a killed run left half written.
  - nginx passes C($realpath_root) to PHP, so every release has its own file paths in PHP's opcache and
    realpath cache; PHP-FPM serves the new code from the first request after the switch without a reload.
  - V(state=packed) turns a finished build directory into the release's artifact
    (C(<app_root>/artifacts/<id>.tar.gz), written to a temporary file and renamed) and removes the build directory.
  - V(state=status) reports the releases, the current and the previous one.
author: magecloud.platform maintainers (@magecloud)
options:
  app_root:
    description: The application root holding C(releases/), C(shared/) and C(current).
    type: path
    default: /var/www/magento
  release:
    description:
      - The release id. With V(state=current), V(previous) means the release that was current before the current one.
    type: str
  state:
    description: What to do with O(release).
    type: str
    choices: [packed, prepared, current, status]
    default: current
  artifact:
    description:
      - The build artifact (a tar archive, optionally gzip-compressed) on the host. Required with V(state=prepared).
      - With V(state=packed), where to write it; default C(<app_root>/artifacts/<release>.tar.gz).
    type: path
  build_dir:
    description: The finished build directory packed by V(state=packed).
    type: path
  missing_artifact:
    description:
      - With V(state=prepared), what to do when the release is not on the host and O(artifact) is not either.
        V(report) returns RV(missing) instead of failing, so one task both finds and prepares an already built release.
    type: str
    choices: [fail, report]
    default: fail
  mounts:
    description: Directories, relative to the release, that become links to the same path under C(shared/).
    type: list
    elements: str
    default: []
  shared_files:
    description:
      - Files, relative to the release, that become links to the same path under C(shared/) (for example C(app/etc/env.php)).
      - A file inside one of O(mounts) is skipped, since it is in C(shared/) through the link of its mount.
    type: list
    elements: str
    default: []
  writable_owner:
    description: Owner and group of the shared mounts, the user PHP runs as.
    type: str
    default: magento
  health_check:
    description: How the release's health is checked, before and after the switch.
    type: dict
    default: {}
    suboptions:
      live_url:
        description: URL of the health page through the live vhost.
        type: str
        default: http://127.0.0.1:8080/health_check.php
      preview_url:
        description: URL of the same page through the preview server. Empty skips the check before the switch.
        type: str
        default: http://127.0.0.1:8079/health_check.php
      host:
        description: Host header sent with both requests.
        type: str
        default: localhost
      status:
        description: Expected HTTP status.
        type: int
        default: 200
      body:
        description: Regular expression the body must match; C({release}) stands for the release id.
        type: str
        default: ""
      attempts:
        description: Tries before the check counts as failed.
        type: int
        default: 3
      timeout:
        description: Seconds to wait for each response.
        type: int
        default: 10
  warm_up:
    description:
      - Paths requested through the live vhost right after a successful switch (C(WARM_UP_PAGES)).
        A failing page is reported in RV(warmed_up), it does not fail the switch.
    type: list
    elements: str
    default: []
  backup_files:
    description:
      - Files of the release (paths relative to it, links followed, such as C(app/etc/env.php)) copied to
        O(backup_dir) as C(<name>.<release>), root-only, right after a successful switch. Missing files are skipped.
    type: list
    elements: str
    default: []
  backup_dir:
    description: Where O(backup_files) are copied; default C(<app_root>/shared/app/etc/backups).
    type: path
  restore_files:
    description:
      - Files of the release (paths relative to it, links followed) put back from the copy O(backup_files) made when
        that release went live, before C(current) points at it, and for the previous release when a failed
        health check switches back. For a rollback with a shared C(app/etc), where the newer release's
        C(setup:upgrade) rewrote C(config.php). A file with no copy, absent, or in the release itself rather than
        behind a link into C(shared/), is left alone.
    type: list
    elements: str
    default: []
  reread_files:
    description:
      - Files of the release (paths relative to it, links followed, such as C(app/etc/env.php)) that the OPcache of
        the PHP-FPM pool on O(php_fpm_socket) forgets before each health check and after each file O(restore_files) put
        back (M(magecloud.platform.opcache_invalidate)). A file in C(shared/) keeps its path across releases, and with
        C(opcache.validate_timestamps=0) the pool would check and serve the content it compiled first.
    type: list
    elements: str
    default: []
  php_fpm_socket:
    description: The FastCGI socket of the PHP-FPM pool that serves the releases, for O(reread_files).
    type: path
    default: /run/php/php-fpm-magento.sock
  keep:
    description: Releases kept after a switch, the current one included.
    type: int
    default: 5
  prune_grace:
    description: Seconds after a release stopped being current during which it is never deleted (requests may still run in it).
    type: int
    default: 900
attributes:
  check_mode:
    support: full
    description: Reports what would be unpacked, switched and pruned; no request is sent.
  diff_mode:
    support: none
    description: Reports release ids, not file differences.
  platform:
    support: full
    platforms: posix
    description: Needs C(tar) on the target.
"""

EXAMPLES = r"""
- name: Unpack the release
  magecloud.platform.release_switch:
    release: 4f2a9c01d2e3-77aa01bc
    state: prepared
    artifact: /var/www/magento/artifacts/4f2a9c01d2e3-77aa01bc.tar.gz
    mounts: [var, pub/media]
    shared_files: [app/etc/env.php]

- name: Switch to it
  magecloud.platform.release_switch:
    release: 4f2a9c01d2e3-77aa01bc
    health_check:
      body: "release={release}"

- name: Roll back
  magecloud.platform.release_switch:
    release: previous
"""

RETURN = r"""
release:
  description: The release acted on (with V(previous) resolved).
  returned: always
  type: str
current:
  description: The release C(current) points at after the run.
  returned: always
  type: str
previous:
  description: The release C(current) pointed at before the switch, or the rollback target in V(status).
  returned: always
  type: str
switched_at:
  description: Epoch seconds of the C(rename(2)) of C(current); 0 when nothing was switched.
  returned: always
  type: float
health:
  description: Health check results, C(before) and C(after) the switch, each with url, status and seconds.
  returned: when state is current
  type: dict
warmed_up:
  description: Per warm-up path, the HTTP status (0 when there was no response).
  returned: when state is current
  type: dict
restored:
  description: The files of O(restore_files) put back from their copies before the switch.
  returned: when state is current and the release was switched to
  type: list
  elements: str
backups:
  description: The copies of O(backup_files) made after the switch.
  returned: when state is current
  type: list
  elements: str
pruned:
  description: Release ids deleted after the switch.
  returned: when state is current
  type: list
  elements: str
pruned_artifacts:
  description: Files deleted from C(<app_root>/artifacts/) after the switch, because no release on the host needs them.
  returned: when state is current
  type: list
  elements: str
releases:
  description: Every release on the host, oldest id first.
  returned: always
  type: list
  elements: str
artifact:
  description: The artifact written.
  returned: when state is packed
  type: str
missing:
  description: The release is not on the host and its artifact is not either (with O(missing_artifact=report)).
  returned: when state is prepared
  type: bool
"""

import grp
import json
import os
import pwd
import re
import shutil
import stat
import time
import urllib.error
import urllib.parse

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import open_url
from ansible_collections.magecloud.platform.plugins.module_utils.artifacts import remove_stale_entries
from ansible_collections.magecloud.platform.plugins.module_utils.mount_init import collect
from ansible_collections.magecloud.platform.plugins.module_utils.opcache import OpcacheError, forget
from ansible_collections.magecloud.platform.plugins.module_utils.releases import (
    MARKER, Layout, ReleaseError, prune_candidates, releases_in_use)

DISK_MARGIN = 1.1


def artifact_size(module, artifact):
    rc, out, err = module.run_command(["tar", "-tvf", artifact])
    if rc != 0:
        raise ReleaseError(f"Artifact {artifact} is not a readable tar archive: {err.strip()}")
    return sum(int(fields[2]) for fields in (line.split(None, 5) for line in out.splitlines()) if len(fields) > 2 and fields[2].isdigit())


def check_disk_space(layout, size, artifact):
    free = shutil.disk_usage(layout.releases).free
    if free < size * DISK_MARGIN:
        raise ReleaseError(f"Not enough disk space in {layout.releases}: the release from {artifact} needs "
                           f"{size / 1048576:.1f} MiB (+10 %), {free / 1048576:.1f} MiB are free. "
                           f"Free space or lower the number of kept releases.")


def link_into_shared(layout, staging, relative, owner_ids, is_dir):
    inside = os.path.join(staging, relative)
    shared = os.path.join(layout.shared, relative)
    if is_dir:
        # An artifact packed before the build moved its mounts to init/ (mount_init) still has them here.
        collect(staging, [relative])
        if not os.path.isdir(shared):
            os.makedirs(shared)
            chown_tree(shared, *owner_ids)
        os.chown(shared, *owner_ids)  # a mount made by an older layout (app/etc for env.php) may be root's
    else:
        if not os.path.isdir(os.path.dirname(shared)):
            os.makedirs(os.path.dirname(shared))
            os.chown(os.path.dirname(shared), *owner_ids)
        if os.path.lexists(inside):
            os.unlink(inside)
    os.makedirs(os.path.dirname(inside), exist_ok=True)
    os.symlink(shared, inside)


def under_any(relative, mounts):
    return any(relative == mount or relative.startswith(mount + "/") for mount in mounts)


def chown_tree(top, uid, gid):
    os.chown(top, uid, gid)
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, gid)


def make_read_only(top):
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(root, name)
            if os.path.islink(path):
                continue
            os.lchown(path, 0, 0)
            status = os.lstat(path)
            searchable = stat.S_ISDIR(status.st_mode) or status.st_mode & stat.S_IXUSR
            os.chmod(path, (stat.S_IMODE(status.st_mode) | 0o444 | (0o111 if searchable else 0)) & ~0o022)
    os.chown(top, 0, 0)
    os.chmod(top, 0o755)


def prepare(module, layout, release):
    params = module.params
    target = layout.path_of(release)
    if os.path.isdir(target):
        return False, False
    if not params["artifact"] or not os.path.isfile(params["artifact"]):
        if params["missing_artifact"] == "report":
            return False, True
        raise ReleaseError(f"Artifact {params['artifact']} for release {release} does not exist on this host.")
    if module.check_mode:
        return True, False
    os.makedirs(layout.releases, exist_ok=True)
    size = artifact_size(module, params["artifact"])
    check_disk_space(layout, size, params["artifact"])
    for leftover in os.listdir(layout.releases):
        if leftover.startswith(f".{release}.partial"):
            shutil.rmtree(os.path.join(layout.releases, leftover))
    staging = os.path.join(layout.releases, f".{release}.partial.{os.getpid()}")
    os.makedirs(staging)
    try:
        rc, unused_out, err = module.run_command(["tar", "-xf", params["artifact"], "-C", staging, "--no-same-owner"])
        if rc != 0:
            raise ReleaseError(f"Unpacking {params['artifact']} failed: {err.strip()}")
        owner = pwd.getpwnam(params["writable_owner"])
        owner_ids = (owner.pw_uid, grp.getgrgid(owner.pw_gid).gr_gid)
        mounts = [mount.strip("/") for mount in params["mounts"]]
        for mount in mounts:
            link_into_shared(layout, staging, mount, owner_ids, is_dir=True)
        # A shared file inside a linked mount is in shared/ already, through the mount's link.
        for shared_file in [name.strip("/") for name in params["shared_files"] if not under_any(name.strip("/"), mounts)]:
            link_into_shared(layout, staging, shared_file, owner_ids, is_dir=False)
        with open(os.path.join(staging, MARKER), "w", encoding="utf-8") as handle:
            json.dump({"release": release, "prepared_at": time.time(), "artifact": params["artifact"], "size": size}, handle)
        make_read_only(staging)
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return True, False


def pack(module, layout, release):
    params = module.params
    artifact = params["artifact"] or os.path.join(layout.artifacts, f"{release}.tar.gz")
    layout.path_of(release)
    if os.path.isfile(artifact):
        return False, artifact
    if not os.path.isdir(params["build_dir"] or ""):
        raise ReleaseError(f"Build directory {params['build_dir']} does not exist; nothing to pack.")
    if module.check_mode:
        return True, artifact
    os.makedirs(os.path.dirname(artifact), exist_ok=True)
    partial = f"{artifact}.partial.{os.getpid()}"
    rc, unused_out, err = module.run_command(["tar", "-czf", partial, "-C", params["build_dir"], "."])
    if rc != 0:
        if os.path.exists(partial):
            os.unlink(partial)
        raise ReleaseError(f"Packing {params['build_dir']} failed: {err.strip()}")
    os.rename(partial, artifact)
    shutil.rmtree(params["build_dir"])
    return True, artifact


class HealthCheck:
    def __init__(self, spec, release):
        self.spec = spec
        self.release = release

    def probe(self, url, preview, attempts=None):
        headers = {"Host": self.spec["host"], "User-Agent": "magecloud-release-switch"}
        if preview:
            headers["X-Magecloud-Release"] = self.release
        pattern = self.spec["body"].replace("{release}", re.escape(self.release))
        started = time.time()
        result = {}
        for attempt in range(attempts or self.spec["attempts"]):
            result = self._request(url, headers)
            result.update(url=url, attempt=attempt + 1)
            result["ok"] = result["status"] == self.spec["status"] and bool(re.search(pattern, result["body"]))
            if result["ok"]:
                break
            time.sleep(min(1.0, 0.2 * (attempt + 1)))
        result["seconds"] = round(time.time() - started, 3)
        result["body"] = result["body"][-2000:]
        return result

    def _request(self, url, headers):
        try:
            with open_url(url, headers=headers, timeout=self.spec["timeout"], follow_redirects="none") as response:
                return {"status": response.status, "body": response.read(65536).decode("utf-8", "replace")}
        except urllib.error.HTTPError as error:
            return {"status": error.code, "body": error.read(65536).decode("utf-8", "replace")}
        except (urllib.error.URLError, OSError) as error:
            return {"status": 0, "body": f"no response: {error}"}


def describe(check):
    return f"{check['url']} answered {check['status'] or 'nothing'} after {check['attempt']} attempt(s): {check['body'][-600:]}"


def back_up(layout, release, files, backup_dir):
    copies = []
    for relative in files:
        source = os.path.join(layout.path_of(release), relative)
        if not os.path.isfile(source):
            continue
        os.makedirs(backup_dir, mode=0o700, exist_ok=True)
        target = os.path.join(backup_dir, f"{os.path.basename(relative)}.{release}")
        partial = f"{target}.partial"
        with open(partial, "wb") as copy:
            os.fchmod(copy.fileno(), 0o600)
            with open(source, "rb") as original:
                shutil.copyfileobj(original, copy)
        os.rename(partial, target)
        copies.append(target)
    return copies


def restore_backups(layout, release, files, backup_dir):
    """Puts back the copies of files made when release went live (back_up), each by rename(2) over the
    file its link in the release leads to, keeping that file's owner; returns the files restored."""
    restored = []
    for relative in files:
        copy = os.path.join(backup_dir, f"{os.path.basename(relative)}.{release}")
        target = os.path.realpath(os.path.join(layout.path_of(release), relative))
        behind_link = target.startswith(os.path.realpath(layout.shared) + os.sep)
        if not (behind_link and os.path.isfile(copy) and os.path.isfile(target)):
            continue
        status = os.stat(target)
        partial = f"{target}.restore-partial.{os.getpid()}"
        shutil.copyfile(copy, partial)
        os.chown(partial, status.st_uid, status.st_gid)
        os.chmod(partial, stat.S_IMODE(status.st_mode))
        os.rename(partial, target)
        restored.append(relative)
    return restored


def reread(module, layout, release):
    """PHP-FPM compiles the release's reread_files again on its next request."""
    if module.params["reread_files"]:
        forget(module.params["php_fpm_socket"], [os.path.join(layout.path_of(release), name) for name in module.params["reread_files"]])


def switch(module, layout, release):
    params = module.params
    previous = layout.current_release()
    outcome = {"previous": previous, "switched_at": 0.0, "health": {}, "pruned": [], "pruned_artifacts": []}
    if not layout.exists(release):
        raise ReleaseError(f"Release {release} is not on this host ({layout.releases}); prepare it first. "
                           f"Releases here: {', '.join(layout.all_releases()) or 'none'}.")
    check = HealthCheck(params["health_check"], release)
    if previous == release:
        outcome["previous"] = layout.previous_release()
        if not module.check_mode:
            reread(module, layout, release)
            outcome["health"]["after"] = after = check.probe(params["health_check"]["live_url"], preview=False)
            if not after["ok"]:
                module.fail_json(msg=f"Release {release} is current but fails its health check: {describe(after)}", **outcome)
        return False, outcome
    if module.check_mode:
        return True, outcome
    reread(module, layout, release)
    if params["health_check"]["preview_url"]:
        outcome["health"]["before"] = before = check.probe(params["health_check"]["preview_url"], preview=True)
        if not before["ok"]:
            module.fail_json(msg=f"Release {release} failed its health check before the switch; current still points at "
                                 f"{previous}. {describe(before)}", **outcome)
    backup_dir = params["backup_dir"] or os.path.join(layout.shared, "app", "etc", "backups")
    outcome["restored"] = restore_backups(layout, release, params["restore_files"], backup_dir)
    if outcome["restored"]:
        reread(module, layout, release)
    layout.point_current_at(release)
    outcome["switched_at"] = time.time()
    outcome["health"]["after"] = after = check.probe(params["health_check"]["live_url"], preview=False)
    if not after["ok"]:
        if previous:
            if restore_backups(layout, previous, params["restore_files"], backup_dir):
                reread(module, layout, previous)
            layout.point_current_at(previous)
        module.fail_json(msg=f"Release {release} failed its health check after the switch; current was switched back to "
                             f"{previous or 'nothing (there was no earlier release)'}. {describe(after)}",
                         rolled_back=bool(previous), **outcome)
    layout.record_switch(release, previous, outcome["switched_at"])
    outcome["backups"] = back_up(layout, release, params["backup_files"], backup_dir)
    live = urllib.parse.urlsplit(params["health_check"]["live_url"])
    outcome["warmed_up"] = {path: check.probe(urllib.parse.urlunsplit((live.scheme, live.netloc, path, "", "")),
                                              preview=False, attempts=1)["status"]
                            for path in params["warm_up"]}
    for stale in prune_candidates(layout, params["keep"], params["prune_grace"], releases_in_use(layout.releases)):
        shutil.rmtree(layout.path_of(stale))
        outcome["pruned"].append(stale)
    outcome["pruned_artifacts"] = remove_stale_entries(layout.artifacts, layout.all_releases())
    return True, outcome


def main():
    health_options = {
        "live_url": {"type": "str", "default": "http://127.0.0.1:8080/health_check.php"},
        "preview_url": {"type": "str", "default": "http://127.0.0.1:8079/health_check.php"},
        "host": {"type": "str", "default": "localhost"},
        "status": {"type": "int", "default": 200},
        "body": {"type": "str", "default": ""},
        "attempts": {"type": "int", "default": 3},
        "timeout": {"type": "int", "default": 10},
    }
    module = AnsibleModule(
        argument_spec={
            "app_root": {"type": "path", "default": "/var/www/magento"},
            "release": {"type": "str"},
            "state": {"type": "str", "choices": ["packed", "prepared", "current", "status"], "default": "current"},
            "artifact": {"type": "path"},
            "build_dir": {"type": "path"},
            "warm_up": {"type": "list", "elements": "str", "default": []},
            "missing_artifact": {"type": "str", "choices": ["fail", "report"], "default": "fail"},
            "mounts": {"type": "list", "elements": "str", "default": []},
            "shared_files": {"type": "list", "elements": "str", "default": []},
            "writable_owner": {"type": "str", "default": "magento"},
            "health_check": {"type": "dict", "default": {}, "options": health_options},
            "backup_files": {"type": "list", "elements": "str", "default": []},
            "backup_dir": {"type": "path"},
            "restore_files": {"type": "list", "elements": "str", "default": []},
            "reread_files": {"type": "list", "elements": "str", "default": []},
            "php_fpm_socket": {"type": "path", "default": "/run/php/php-fpm-magento.sock"},
            "keep": {"type": "int", "default": 5},
            "prune_grace": {"type": "int", "default": 900},
        },
        required_if=[("state", "prepared", ("release", "artifact")), ("state", "current", ("release",)),
                     ("state", "packed", ("release", "build_dir"))],
        supports_check_mode=True,
    )
    layout = Layout(module.params["app_root"])
    state = module.params["state"]
    try:
        release = module.params["release"]
        if release == "previous":
            release = layout.previous_release()
            if not release:
                raise ReleaseError(f"There is no previous release to roll back to in {layout.releases}.")
        changed, outcome = False, {}
        if state == "packed":
            changed, outcome["artifact"] = pack(module, layout, release)
        elif state == "prepared":
            changed, outcome["missing"] = prepare(module, layout, release)
        elif state == "current":
            changed, outcome = switch(module, layout, release)
        current = layout.current_release()
        outcome.setdefault("previous", layout.previous_release())
        module.exit_json(changed=changed, release=release or current, current=current, releases=layout.all_releases(),
                         **dict({"switched_at": 0.0}, **outcome))
    except (ReleaseError, OpcacheError, OSError, KeyError) as error:
        module.fail_json(msg=str(error))


if __name__ == "__main__":
    main()

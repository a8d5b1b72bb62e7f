#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: installed_packages
short_description: The Debian packages installed on a host, as the C(packages) fact
version_added: 0.2.0
author: magecloud.platform maintainers (@magecloud)
description:
  - Reads dpkg's status database with C(dpkg-query) and sets C(ansible_facts.packages) in the shape
    M(ansible.builtin.package_facts) gives it (name to a list of C(name), C(version), C(arch), C(source)).
  - Only installed packages are listed; a package removed but not purged is not.
  - Faster than M(ansible.builtin.package_facts) with the C(apt) manager, which loads the whole apt cache,
    and needs no C(python3-apt), so it works on a fresh host too.
options: {}
attributes:
  check_mode:
    support: full
    description: Only reads.
  diff_mode:
    support: none
    description: Changes nothing.
  facts:
    support: full
    description: Sets C(ansible_facts.packages).
  platform:
    support: full
    platforms: debian
    description: Hosts with dpkg.
"""

EXAMPLES = r"""
- name: Learn which packages are installed
  magecloud.platform.installed_packages:

- name: Install what is missing
  ansible.builtin.apt:
    name: "{{ wanted | magecloud.platform.missing_packages(ansible_facts) }}"
"""

RETURN = r"""
ansible_facts:
  description: The C(packages) fact.
  returned: always
  type: dict
  sample: {packages: {nginx: [{name: nginx, version: 1.22.1-9+deb12u1, arch: amd64, source: dpkg}]}}
"""

from ansible.module_utils.basic import AnsibleModule

FIELDS = "${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Abbrev}\\n"


def installed(listing):
    packages = {}
    for line in listing.splitlines():
        name, version, arch, status = (line.split("\t") + ["", "", "", ""])[:4]
        if status.startswith("ii"):
            packages.setdefault(name, []).append({"name": name, "version": version, "arch": arch, "source": "dpkg"})
    return packages


def main():
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    dpkg_query = module.get_bin_path("dpkg-query", required=True)
    rc, out, err = module.run_command([dpkg_query, "-W", "-f", FIELDS])
    if rc != 0:
        module.fail_json(msg=f"dpkg-query could not list the installed packages (exit code {rc}): {err.strip()}")
    module.exit_json(changed=False, ansible_facts={"packages": installed(out)})


if __name__ == "__main__":
    main()

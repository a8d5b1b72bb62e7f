#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cloud_config
short_description: Read, validate and derive a Magento Cloud project's configuration
version_added: 0.1.0
description:
  - Reads C(.magento.app.yaml), C(.magento/services.yaml), C(.magento/routes.yaml),
    C(.magento.env.yaml), C(php.ini) and C(composer.lock) of a project, on the controller.
  - Validates them together and returns every finding with file, line, column, key path,
    message and suggestion; fails listing every error before any host is touched.
  - Without errors, derives the stack variables for the roles and the runtime environment
    (C(MAGENTO_CLOUD_*), base64 JSON as on the cloud) from the inventory's endpoints.
  - Hostile files are findings, never tracebacks. A file is not read when it is a symbolic link that
    resolves outside O(project_dir) or into C(/dev), C(/proc) or C(/sys), a symbolic link in the commit
    of O(git_repo), a directory, a device or FIFO, unreadable, or larger than its limit (2 MiB for the
    YAML files, 256 KiB for C(php.ini), 8 MiB for C(composer.lock)); nor is a YAML file whose values,
    aliases expanded, pass 10,000 or that nests deeper than 64 levels (alias bombs).
  - C(!php/const NAME) values and keys, which ece-tools reads as PHP constants, are read as the
    constant's name.
  - No secret appears in the result or the printed findings, at any verbosity. Messages never quote
    the value of a password, C(*_KEY), C(*_SECRET), C(*_TOKEN) or crypt setting, nor the credentials
    of a connection string; RV(model) is masked like the P(magecloud.platform.mask_secrets#filter)
    filter does; a failed result holds the findings only. A successful result also holds
    RV(runtime_env), which carries the endpoints' passwords and the variables the hosts need, so it
    is marked C(no_log); callbacks print it as censored, the registered variable keeps every value.
  - At most 100 findings are kept and printed per file, errors first; the rest are counted in one
    C(... and K more not shown) line per file.
  - This is an action plugin; it runs on the controller only.
author: magecloud.platform maintainers (@magecloud)
options:
  project_dir:
    description: Project root directory on the controller. Mutually exclusive with O(git_repo).
    type: path
  git_repo:
    description: Git repository on the controller to read the files from, at O(git_ref), without a checkout.
    type: path
  git_ref:
    description: Commit, branch or tag of O(git_repo).
    type: str
    default: HEAD
  magento_version:
    description:
      - Magento version for the compatibility checks. Default is the version C(composer.lock) pins.
    type: str
  endpoints:
    description:
      - Per service id of C(services.yaml), or per service type (C(mysql), C(redis), C(opensearch) ...),
        where the inventory runs it, with keys C(host), C(port), C(username), C(password), C(path) and
        any extra keys to pass through. An entry for the service id wins over one for its type.
    type: dict
    default: {}
  domains:
    description: Domains that C({default}) and C({all}) in routes resolve to.
    type: list
    elements: str
    default: [localhost]
  environment:
    description: Environment (branch) name reported as C(MAGENTO_CLOUD_ENVIRONMENT).
    type: str
    default: production
  app_dir:
    description: Application directory on the web hosts (C(MAGENTO_CLOUD_APP_DIR)).
    type: str
    default: /var/www/magento/current
  variables:
    description: Project variables for C(MAGENTO_CLOUD_VARIABLES) (ADMIN_*, CRYPT_KEY, overrides).
    type: dict
    default: {}
  tree_id:
    description: Build tree id reported as C(MAGENTO_CLOUD_TREE_ID).
    type: str
    default: ""
  print_findings:
    description: "Print each finding as one C(FILE:LINE:COL: SEVERITY: key.path: message) line."
    type: bool
    default: false
  fail_on_error:
    description: Fail when any finding is an error.
    type: bool
    default: true
  hosts:
    description:
      - Inventory hosts to resolve the stack for. Each host's Debian release, groups and inventory values are
        read from C(hostvars); what the project asks for is held against what that release provides and what
        the project's Magento version supports. A request a host cannot honour is an error naming the host.
      - Without O(project_dir) or O(git_repo), each host gets what its release provides.
    type: list
    elements: str
  layers_by_group:
    description: Which layers (V(php), V(mariadb), V(redis), V(rabbitmq), V(opensearch)) each inventory group runs, for O(hosts).
    type: dict
    default: {}
attributes:
  check_mode:
    support: full
    description: Reads files only; check mode changes nothing.
  diff_mode:
    support: none
    description: Nothing is written, so there is nothing to diff.
  platform:
    support: full
    platforms: all
    description: Runs on the controller.
"""

EXAMPLES = r"""
- name: Validate the project and derive the stack
  magecloud.platform.cloud_config:
    project_dir: "{{ magecloud_project_dir }}"
    domains: [shop.example.com]
    endpoints:
      mysql: {host: 10.0.0.5, username: magento, password: "{{ vault_db_password }}", path: magento}
  register: cloud
"""

RETURN = r"""
hosts:
  description:
    - Per host of O(hosts), C(values) (role variables such as C(php_version), C(php_extension_packages),
      C(redis_engine), C(opensearch_version), with the inventory's own values winning) and C(sources), one line
      per value saying where it came from (project file:line:column, V(inventory) or the release default).
  returned: when O(hosts) is given
  type: dict
commit:
  description: The commit O(git_ref) resolves to.
  returned: when O(git_repo) is given
  type: str
tree:
  description: The tree id of that commit.
  returned: when O(git_repo) is given
  type: str
findings:
  description:
    - The findings, errors and warnings, in file and line order; at most 100 per file, errors first.
  returned: always
  type: list
  elements: dict
findings_text:
  description:
    - "The findings as C(FILE:LINE:COL: SEVERITY: key.path: message) lines, each with its suggestion in
      parentheses; after a file's last one, C(FILE: ... and K more not shown) with the number of errors
      and warnings among them, when the file has more."
  returned: always
  type: list
  elements: str
findings_not_shown:
  description: Per file, the number of findings beyond the ones in RV(findings).
  returned: always
  type: dict
error_count:
  description: Number of errors, the ones not shown included.
  returned: always
  type: int
warning_count:
  description: Number of warnings, the ones not shown included.
  returned: always
  type: int
magento_version:
  description: Magento version used for the compatibility checks (empty when unknown).
  returned: always
  type: str
model:
  description:
    - The parsed files (app, services, routes, env, php_ini) with every secret masked
      (P(magecloud.platform.mask_secrets#filter)).
  returned: when there are no errors
  type: dict
stack:
  description: Variables for the roles derived from the project.
  returned: when there are no errors
  type: dict
runtime_env:
  description:
    - The C(MAGENTO_CLOUD_*) environment variables, secrets included; the result is marked C(no_log).
  returned: when there are no errors
  type: dict
"""

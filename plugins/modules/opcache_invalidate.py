#!/usr/bin/python
# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: opcache_invalidate
short_description: Make PHP-FPM read files again that its OPcache holds, without a reload
version_added: 0.1.0
description:
  - Invalidates O(files) in the OPcache of the PHP-FPM pool listening on O(socket), so its next request compiles
    them again from disk. For files that keep their path when their content changes, such as
    C(shared/app/etc/env.php), since with C(opcache.validate_timestamps=0) the pool would serve the old content until
    it reloads, and a reload also drops the compiled code of the whole shop.
  - The pool runs a small PHP file, written to C(/usr/local/lib/magecloud/opcache_forget.php), through its own
    FastCGI socket, since OPcache is the pool's shared memory, which the PHP CLI does not reach.
  - Links are resolved first, since OPcache keys a file by its real path.
author: magecloud.platform maintainers (@magecloud)
options:
  files:
    description: The files to forget.
    type: list
    elements: path
    required: true
  socket:
    description: The FastCGI socket of the PHP-FPM pool.
    type: path
    default: /run/php/php-fpm-magento.sock
attributes:
  check_mode:
    support: full
    description: Reports which of the files the pool holds, and invalidates none.
  diff_mode:
    support: none
    description: Nothing on disk changes but the small PHP file.
  platform:
    support: full
    platforms: posix
    description: Needs a PHP-FPM pool on a Unix socket.
"""

EXAMPLES = r"""
- name: Make PHP-FPM read the new env.php
  magecloud.platform.opcache_invalidate:
    files: [/var/www/magento/shared/app/etc/env.php]
  when: env_php_result is changed
"""

RETURN = r"""
invalidated:
  description: The files (real paths) the pool held and now compiles again (in check mode, would).
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.magecloud.platform.plugins.module_utils.opcache import OpcacheError, forget


def main():
    module = AnsibleModule(
        argument_spec={
            "files": {"type": "list", "elements": "path", "required": True},
            "socket": {"type": "path", "default": "/run/php/php-fpm-magento.sock"},
        },
        supports_check_mode=True,
    )
    try:
        cached, wrote = forget(module.params["socket"], module.params["files"], check=module.check_mode)
    except (OpcacheError, OSError) as error:
        module.fail_json(msg=f"{error}. Is PHP-FPM running (magecloud.platform.php), and is its socket {module.params['socket']}?")
    invalidated = [name for name, was_cached in cached.items() if was_cached]
    module.exit_json(changed=bool(invalidated) or wrote, invalidated=invalidated)


if __name__ == "__main__":
    main()

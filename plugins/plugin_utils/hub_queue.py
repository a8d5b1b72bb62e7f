# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One deploy at a time per environment; pushes that arrive meanwhile coalesce into the newest.

Two flock(2) locks in the environment's directory: `.deploy.lock`, held by the process that deploys
for as long as it deploys, and `.queue.lock`, held for the instant it takes to read or change
`.pending` (the newest run waiting). A push leaves its run as pending and tries the deploy lock: the
winner deploys the pending runs one after the other; a loser returns, its run now waiting. Taking the
next run and giving the deploy lock back happen under the queue lock, so no run is left waiting with
nobody deploying."""

from __future__ import annotations

import contextlib
import fcntl
import os

PENDING = ".pending"


class EnvironmentQueue:
    def __init__(self, environment_dir):
        self.directory = environment_dir
        self._deploy_lock = None

    @contextlib.contextmanager
    def _queue_locked(self):
        with open(os.path.join(self.directory, ".queue.lock"), "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def _pending(self):
        try:
            with open(os.path.join(self.directory, PENDING), encoding="utf-8") as handle:
                return handle.read().strip() or None
        except FileNotFoundError:
            return None

    def _set_pending(self, name):
        path = os.path.join(self.directory, PENDING)
        if name:
            with open(path + ".new", "w", encoding="utf-8") as handle:
                handle.write(name)
            os.replace(path + ".new", path)
        elif os.path.exists(path):
            os.unlink(path)

    def submit(self, name):
        """Makes run `name` the pending one. Returns (whether this process now holds the deploy lock,
        the run it superseded or None)."""
        with self._queue_locked():
            superseded = self._pending()
            self._set_pending(name)
            handle = open(os.path.join(self.directory, ".deploy.lock"), "a", encoding="utf-8")  # pylint: disable=consider-using-with
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False, superseded
            self._deploy_lock = handle
            return True, superseded

    def take(self):
        """The next run to deploy, or None, in which case the deploy lock is given back."""
        with self._queue_locked():
            name = self._pending()
            self._set_pending(None)
            if name is None:
                self._deploy_lock.close()
                self._deploy_lock = None
            return name

    def waiting(self):
        """Whether a run waits (the deploy lock holder asks before it hands the queue on)."""
        with self._queue_locked():
            return self._pending() is not None

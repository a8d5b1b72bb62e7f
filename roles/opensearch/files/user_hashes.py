# Copyright: magecloud.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run on the search host with {"file": internal_users.yml, "passwords": {user: password}} on stdin; prints
{user: bcrypt hash}. A hash already in the file that matches the password is kept, so the file (and the
security index) change only when a password does; bcrypt salts at random, so a new hash always would."""

import json
import re
import sys

import bcrypt

request = json.load(sys.stdin)
try:
    with open(request["file"], encoding="utf-8") as existing:
        known = re.findall(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}", existing.read())
except FileNotFoundError:
    known = []


def hash_of(password):
    secret = password.encode()
    for candidate in known:
        if bcrypt.checkpw(secret, candidate.encode()):
            return candidate
    # $2y$ is the prefix OpenSearch's own hash tool writes; the algorithm is the same as $2b$.
    return "$2y$" + bcrypt.hashpw(secret, bcrypt.gensalt(12)).decode()[4:]


json.dump({user: hash_of(password) for user, password in request["passwords"].items()}, sys.stdout)

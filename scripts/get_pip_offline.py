"""Stands in for the get-pip bootstrap script that ansible-test downloads from a host this
machine cannot reach: it bootstraps pip from the interpreter's own ensurepip, then installs the
packages ansible-test asked for (from the package index, like the original)."""

import subprocess
import sys

ONLY_FOR_GET_PIP = {"--no-setuptools", "--no-wheel"}

subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], stdout=subprocess.DEVNULL)
arguments = [arg for arg in sys.argv[1:] if arg not in ONLY_FOR_GET_PIP]
subprocess.check_call([sys.executable, "-m", "pip", "install"] + arguments)

"""Stand-in for the get-pip.py that ansible-test downloads from a host this project cannot reach.

ansible-test runs ``python get_pip_<version>.py --disable-pip-version-check [--no-setuptools] [--no-wheel]
pip==X ...`` inside each virtual environment it creates.  This does the same with the interpreter's own
``ensurepip`` and the package index the machine is configured for.
"""

import os
import subprocess
import sys

env = dict(os.environ)
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], env=env)
# ensurepip leaves PIP_CONFIG_FILE pointing at /dev/null in some environments; the machine's pip
# configuration (index, CA certificate) must apply to the real install.
env.pop("PIP_CONFIG_FILE", None)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", *args], env=env)

# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Print the path of a Python interpreter of at least a given version (default 3.12).

usage: find_python.py [--min X.Y]

Prints the path and exits 0, or prints nothing and exits 1.

The bare ``python3.12`` of pyenv is a shim that refuses to run unless
PYENV_VERSION is set, so the interpreters are looked up where pyenv keeps
them first, then on PATH; every candidate is run to check that it works and
reports a version that is high enough (a refusing shim is just skipped).

When $FIND_PYTHON is set, only that interpreter is tried. Otherwise: pyenv's
versions directory (lowest suitable minor version first, newest patch
release of it), then python3.12 ... python3.19 and python3 on PATH.
Runs on any Python 3.
"""

import glob
import os
import re
import shutil
import subprocess
import sys

# Besides the version, the interpreter must be able to make a virtualenv and reach PyPI over TLS.
CHECK = "import sys, ssl, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"


def parse_version(text):
    return tuple(int(part) for part in text.split("."))


def probe(path, minimum):
    """The X.Y version of the interpreter at path when it runs and is new enough, else None."""
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        return None
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.pop("PYTHONHOME", None)
    try:
        result = subprocess.run(
            [path, "-c", CHECK], env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=30, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    version = result.stdout.decode("ascii", "replace").strip()
    if not re.match(r"^\d+\.\d+$", version) or parse_version(version) < minimum:
        return None
    return version


def pyenv_roots():
    roots = []
    if shutil.which("pyenv"):
        try:
            out = subprocess.run(["pyenv", "root"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                 stdin=subprocess.DEVNULL, timeout=30, check=False)
            if out.returncode == 0 and out.stdout.strip():
                roots.append(out.stdout.decode().strip())
        except (OSError, subprocess.SubprocessError):
            pass
    if os.environ.get("PYENV_ROOT"):
        roots.append(os.environ["PYENV_ROOT"])
    roots.append(os.path.expanduser("~/.pyenv"))
    unique = []
    for root in roots:
        root = os.path.realpath(root)
        if root not in unique:
            unique.append(root)
    return unique


def release_key(path):
    """Sort key of .../versions/3.12.1/bin/python3.12: (3, 12, 1); unparsable names last."""
    name = os.path.basename(os.path.dirname(os.path.dirname(path)))
    match = re.match(r"^(\d+)\.(\d+)\.(\d+)$", name)
    if not match:
        return (1, (0, 0, 0))
    return (0, tuple(int(part) for part in match.groups()))


def candidates(minimum):
    if os.environ.get("FIND_PYTHON"):
        yield shutil.which(os.environ["FIND_PYTHON"]) or os.environ["FIND_PYTHON"]
        return
    minors = range(minimum[1], 20) if minimum[0] == 3 else ()
    for minor in minors:
        found = []
        for root in pyenv_roots():
            found.extend(glob.glob(os.path.join(root, "versions", "*", "bin", "python3.%d" % minor)))
        # plain releases (3.12.1) before anything else, the newest patch release first
        yield from sorted(found, key=lambda p: (release_key(p)[0], tuple(-n for n in release_key(p)[1])))
    for minor in minors:
        yield shutil.which("python3.%d" % minor)
    yield shutil.which("python3")


def main(argv):
    minimum = (3, 12)
    if len(argv) == 2 and argv[0] == "--min":
        minimum = parse_version(argv[1])
    elif argv:
        sys.stderr.write(__doc__)
        return 2
    seen = set()
    for path in candidates(minimum):
        if not path or path in seen:
            continue
        seen.add(path)
        if probe(path, minimum):
            print(path)
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

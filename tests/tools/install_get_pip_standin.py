# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Put the get-pip stand-in where the installed ansible-test looks for it.

The cache file name carries the pip version ansible-test pins, so it is read
from the installed ansible-test rather than hard-coded. A file that already
exists (a real get-pip.py, for example) is left alone.
"""

import os
import re
import shutil
import sys

import ansible_test

HERE = os.path.dirname(os.path.abspath(__file__))


def pinned_pip_version() -> str:
    source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(source, encoding="utf-8") as handle:
        match = re.search(r"pip='([0-9.]+)'", handle.read())
    if not match:
        sys.exit("cannot find the pip version pinned by ansible-test in %s" % source)
    return match.group(1)


def main() -> None:
    version = pinned_pip_version()
    cache = os.path.expanduser("~/.ansible/test/cache")
    target = os.path.join(cache, "get_pip_%s.py" % version.replace(".", "_"))
    if os.path.exists(target):
        return
    os.makedirs(cache, exist_ok=True)
    shutil.copyfile(os.path.join(HERE, "get_pip_standin.py"), target)
    print("installed get-pip stand-in at %s" % target)


if __name__ == "__main__":
    main()

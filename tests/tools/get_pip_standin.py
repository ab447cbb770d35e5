# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Stand-in for the get-pip.py bootstrap script that ansible-test downloads.

ansible-test fetches get-pip.py from a host these machines cannot reach. It
runs the script as ``python get_pip.py [pip install options] packages``; this
stand-in does the same with the interpreter's bundled pip.
"""

import subprocess
import sys

DROPPED = {"--no-setuptools", "--no-wheel"}

if __name__ == "__main__":
    args = [arg for arg in sys.argv[1:] if arg not in DROPPED]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"])
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)

# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Write a private CA and two server certificates (right and wrong host name) for the TLS tests."""

from __future__ import annotations

import sys
from pathlib import Path

import trustme


def main(directory: str) -> int:
    out = Path(directory)
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(out / "ca.pem"))
    for name, hosts in (("good", ("127.0.0.1", "localhost")), ("wrong-host", ("mstr.example.test",))):
        cert = ca.issue_cert(*hosts)
        cert.private_key_and_cert_chain_pem.write_to_path(str(out / (name + ".pem")))
        cert.private_key_pem.write_to_path(str(out / (name + ".key")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

# -*- coding: utf-8 -*-
# Copyright: mstr.migration contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Start the emulator: ``python -m tests.emulator --port 0``."""

from __future__ import annotations

import argparse
import json
import os
import signal
import ssl
import sys
import threading
import time

from . import seed
from .errors import SPELLINGS
from .server import BASE, make_server
from .state import Emulator


def project_name(text: str) -> tuple:
    """PROJECT=NAME of --project-name, PROJECT a seeded project's id or name."""
    project, sep, name = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError("expected PROJECT=NAME, got %r" % text)
    try:
        return seed.project_key(project.strip()), name.strip()
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error))


def empty_project(text: str) -> str:
    """PROJECT of --empty-project: a seeded project's id or name."""
    try:
        return seed.project_key(text.strip())
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.emulator",
                                     description="Stand-in MicroStrategy Library server for migration packages.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--password", default="mstr-emulator", help="password of every seeded user")
    parser.add_argument("--api-token", default="mstr-emulator-api-token", help="token accepted by loginMode 4096")
    parser.add_argument("--status-case", choices=("upper", "lower"), default="upper")
    parser.add_argument("--error-codes", choices=SPELLINGS, default="docs",
                        help="how error codes are spelt: docs (ERR0014), samples (ERR014), short (ERR14)")
    parser.add_argument("--processing-seconds", type=float, default=1.0,
                        help="how long a package definition or an import stays PROCESSING")
    parser.add_argument("--session-timeout", type=float, default=1800.0, help="idle seconds before a session expires")
    parser.add_argument("--binary-padding-mb", type=int, default=0, help="make package binaries N MiB larger")
    parser.add_argument("--lb-cookie", action="store_true", help="also issue and require a load-balancer cookie")
    parser.add_argument("--record-downloads", action="store_true",
                        help="keep the sha256 of every complete package and undo package download in "
                             "/__emulator__/state")
    parser.add_argument("--tls-cert", help="PEM certificate (chain) to serve HTTPS")
    parser.add_argument("--tls-key", help="PEM private key of --tls-cert")
    parser.add_argument("--request-log", metavar="FILE",
                        help="append one JSON line per API request (headers the conformance table judges, "
                             "deviations; never credentials)")
    parser.add_argument("--extra-objects", type=int, default=0, metavar="N",
                        help="N extra metrics in MicroStrategy Tutorial and one report 'Bulk Report' using them all")
    parser.add_argument("--empty-project", action="append", default=[], metavar="PROJECT", type=empty_project,
                        help="this seeded project (id or name) starts with only its root folder and no security "
                             "links, as in an environment that never received an object; repeatable")
    parser.add_argument("--project-name", action="append", default=[], metavar="PROJECT=NAME", type=project_name,
                        help="this seeded project (id or name) is called NAME here, as environments name a project "
                             "their own way; its id stays; repeatable")
    parser.add_argument("--storage-dir", metavar="DIR",
                        help="the Storage Service (shared file store) of the Workstation migration route: processes "
                             "given the same DIR share it; without it the process has a private one")
    parser.add_argument("--no-storage-service", action="store_true",
                        help="no Storage Service: every call of the Workstation migration route answers the pages' "
                             "'requires Storage Service' error")
    parser.add_argument("--clock-offset", type=float, default=0.0, metavar="SECONDS",
                        help="this server's clock runs SECONDS ahead (negative: behind) of the real time")
    parser.add_argument("--faults", default="{}", help='JSON faults at start-up, e.g. \'{"latency_ms": 50}\'')
    parser.add_argument("--parent-pid", type=int,
                        help="stop once this process is no longer the parent (its tests were killed midway)")
    return parser.parse_args(argv)


def stop_with_parent(server, parent: int) -> None:
    """Stop ``server`` when ``parent`` is gone: an orphan is re-parented, so its parent id changes."""
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        server.shutdown()
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv=None) -> int:
    args = parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        print("--tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    emulator = Emulator(password=args.password, api_token=args.api_token,
                        processing_seconds=args.processing_seconds, status_case=args.status_case,
                        padding_mb=args.binary_padding_mb, session_timeout=args.session_timeout,
                        lb_cookie=args.lb_cookie, secure_cookies=bool(args.tls_cert),
                        record_downloads=args.record_downloads, request_log=args.request_log,
                        extra_objects=args.extra_objects, error_codes=args.error_codes,
                        storage_dir=args.storage_dir, storage_service=not args.no_storage_service,
                        clock_offset=args.clock_offset, empty_projects=args.empty_project,
                        project_names=dict(args.project_name))
    emulator.set_faults(json.loads(args.faults))
    context = None
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    server = make_server(args.host, args.port, emulator, context)
    scheme = "https" if context else "http"
    host, port = server.server_address[:2]
    emulator.environment_id = "%s://%s:%d%s/" % (scheme, host, port, BASE)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.parent_pid:
        stop_with_parent(server, args.parent_pid)
    print("emulator listening on %s://%s:%d%s" % (scheme, host, port, BASE), flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.server_close()
        emulator.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

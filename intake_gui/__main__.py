"""`intake-gui` / `python -m intake_gui`: start the receiving station.

This module stays free of Qt and of anything heavy so `--version` answers instantly and a start-up shows the
window before any network, sandbox or catalog work begins (that happens on workers once the window is up).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from intake_gui import __version__

SELF_TEST_MODULE = "intake_gui.ui.self_test"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="intake-gui",
        description="Intake: scan a delivery in, submit it to the POS, and prove it landed.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument(
        "--api-base",
        metavar="URL",
        help="the POS tenant's API base, e.g. https://<tenant>.backoffice.dutchie.com/api/ "
        "(default: settings, INTAKE_API_BASE, or the embedded sandbox)",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="use the embedded training sandbox even if a tenant is configured",
    )
    parser.add_argument("--history", action="store_true", help="open the History window directly")
    parser.add_argument(
        "--self-test", action="store_true", help="run the station self-test and exit"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.version:
        print(f"intake-gui {__version__}")
        return 0
    if args.sandbox and args.api_base:
        print("--sandbox and --api-base contradict each other; pick one.", file=sys.stderr)
        return 2
    if args.self_test:
        if importlib.util.find_spec(SELF_TEST_MODULE) is None:
            print("The self-test is not available in this build of Intake.", file=sys.stderr)
            return 2
        result = importlib.import_module(SELF_TEST_MODULE).run()
        return int(result or 0)
    from intake_gui.ui.app import StartOptions, run

    return run(
        StartOptions(api_base=args.api_base, force_sandbox=args.sandbox, open_history=args.history)
    )


if __name__ == "__main__":
    sys.exit(main())

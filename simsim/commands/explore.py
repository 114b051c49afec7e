"""``simsim explore SCENARIO``: explore a scenario in the browser (needs ``pip install simsim[explore]``)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from typing import Any

NAME = "explore"
INSTALL_HINT = "pip install simsim[explore]"


def _port(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got '{text}'") from None
    if not 0 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number in 0..65535, got {v}")
    return v


def _whole(minimum: int) -> Any:
    def parse(text: str) -> int:
        try:
            v = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got '{text}'") from None
        if v < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {v}")
        return v

    return parse


def add_parser(sub: Any) -> None:
    """Add the ``explore`` subcommand to the ``simsim`` parser."""
    p = sub.add_parser(NAME, help="explore a scenario in the browser: sliders, runs, figures, comparison",
                       description="Start a local web page to change a scenario's inputs, run it and compare "
                                   f"with the scenario as written. Needs the explorer extra: {INSTALL_HINT}")
    p.add_argument("scenario", help="scenario file, or the name of a shipped scenario")
    p.add_argument("--port", type=_port, default=8765, help="port to listen on (default 8765; 0: any free port)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("-n", "--replications", type=_whole(1), help="runs the page starts with (default: the "
                   "scenario's, at most 2000)")
    p.add_argument("--seed", type=_whole(0), help="seed the page starts with (default: the scenario's)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")


def missing_modules() -> list[str]:
    """The explorer's packages that are not installed."""
    from simsim.explore import REQUIRED_MODULES

    missing = []
    for name in REQUIRED_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except ImportError:  # the parent package is missing
            found = False
        if not found:
            missing.append(name)
    try:  # mesa.visualization is present with mesa, but needs the viz extra's packages to import
        if "mesa.visualization" not in missing and importlib.util.find_spec("altair") is None:
            missing.append("altair")
    except ImportError:
        missing.append("altair")
    return missing


def run(args: argparse.Namespace) -> int:
    """Validate the scenario, then serve the explorer until interrupted."""
    from simsim.errors import SimsimError

    missing = missing_modules()
    if missing:
        raise SimsimError(f"the explorer needs packages that are not installed ({', '.join(missing)}): "
                          f"{INSTALL_HINT}")
    import simsim

    scn = simsim.load_scenario(args.scenario)  # a bad scenario fails here, with file, line and key
    from simsim.explore.server import check_port, serve

    port = check_port(args.host, args.port)  # a port in use fails here; 0 becomes a free port
    print(f"simsim explore: {scn.title or scn.name} at http://{args.host}:{port} (Ctrl+C to stop)",
          file=sys.stderr)
    serve(args.scenario, args.host, port, open_browser=not args.no_browser,
          replications=args.replications, seed=args.seed)
    return 0

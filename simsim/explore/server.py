"""Start the explorer's web server (Solara on uvicorn) for one scenario, on this machine.

The server runs in production mode, with Solara's telemetry, version check and "call home"
off, and serves the page's JavaScript and fonts from the ``solara-assets`` package (no
content delivery network), so the explorer works without a connection to the internet.
"""

from __future__ import annotations

import os
import socket
import warnings

from simsim.errors import SimsimError

#: Solara settings the explorer sets unless the user set them (read when Solara is imported).
SOLARA_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_THEME_SHOW_BANNER": "False",
    "SOLARA_THEME_TITLE": "simsim explore",
    "SOLARA_THEME_LOADER": "plain",
}


def check_port(host: str, port: int) -> int:
    """The port to listen on: ``port``, or a free one for 0.

    Raises a :class:`SimsimError` now if ``host:port`` cannot be listened on (e.g. already in use).
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise SimsimError(f"--host {host}: unknown host ({exc.strerror})") from None
    family, _, _, _, addr = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(addr)
        except OSError as exc:
            raise SimsimError(f"--port {port}: cannot listen on {host}:{port} ({exc.strerror}); "
                              f"choose another with --port") from None
        return int(s.getsockname()[1])


def _no_cdn() -> None:
    """Make a missing page asset a clear error instead of a download from a content delivery network."""
    import solara.server.cdn_helper as cdn

    def fetch_from_cdn(url: str) -> bytes:
        raise RuntimeError(f"page asset {url} is not installed; reinstall the explorer: pip install simsim[explore]")

    cdn.fetch_from_cdn = fetch_from_cdn


def serve(scenario: str, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          replications: int | None = None, seed: int | None = None) -> None:
    """Serve the explorer for ``scenario`` at ``http://host:port`` until interrupted (Ctrl+C).

    ``replications`` and ``seed`` are the values the page starts with (default: the scenario's).
    """
    port = check_port(host, port)
    os.environ["SIMSIM_EXPLORE_SCENARIO"] = scenario
    for key, value in (("SIMSIM_EXPLORE_RUNS", replications), ("SIMSIM_EXPLORE_SEED", seed)):
        if value is not None:
            os.environ[key] = str(value)
        else:
            os.environ.pop(key, None)
    for k, v in SOLARA_ENV.items():
        os.environ.setdefault(k, v)
    from solara.__main__ import cli

    _no_cdn()
    # Solara warns on each server that a cookie cannot be samesite=none without https: irrelevant
    # for a page served to this machine
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    args = ["run", "simsim.explore.app:Page", "--host", host, "--port", str(port), "--production",
            "--no-check-version", "--log-level", "warning", "--open" if open_browser else "--no-open"]
    import click

    try:
        cli.main(args=args, prog_name="simsim explore", standalone_mode=False)
    except click.exceptions.Abort:  # Ctrl+C, which click turns into Abort
        raise KeyboardInterrupt from None

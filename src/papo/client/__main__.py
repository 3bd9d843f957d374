"""Start the desktop client: `papo client`, `papo-client` or `python -m papo.client`."""

from __future__ import annotations

import logging
import os
import sys


def main() -> None:
    """Open the client window and run until it is closed."""
    logging.basicConfig(level=os.environ.get("PAPO_CLIENT_LOG_LEVEL", "WARNING"))
    try:
        from .app import App

        app = App()
    except Exception as exc:  # no display, no Tk: say so in words
        if type(exc).__name__ == "TclError":
            sys.exit(f"Papo's client needs a graphical display: {exc}")
        raise
    app.mainloop()


if __name__ == "__main__":
    main()

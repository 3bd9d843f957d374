"""Start the desktop client: `papo client`, `papo-client` or `python -m papo.client`."""

from __future__ import annotations

import logging
import os
import sys


def main() -> None:
    """Open the client window and run until it is closed."""
    logging.basicConfig(level=os.environ.get("PAPO_CLIENT_LOG_LEVEL", "WARNING"))
    from ..libpatches import UnsupportedLibrary, check_client

    try:
        check_client()
    except UnsupportedLibrary as exc:
        sys.exit(str(exc))
    from . import i18n
    from .config import Prefs

    i18n.use(i18n.choose(Prefs.load().language))
    try:
        from .app import App

        app = App()
    except Exception as exc:  # no display, no Tk: say so in words
        if type(exc).__name__ == "TclError":
            sys.exit(
                i18n._("Papo's client needs a graphical display: %(problem)s") % {"problem": exc}
            )
        raise
    app.mainloop()


if __name__ == "__main__":
    main()

"""The `papo` command line: serve, db upgrade, create-admin, client."""

from __future__ import annotations

import os
import sys


def _patch_for_gevent() -> None:
    """`papo serve` runs on gevent; it must patch the standard library before anything else."""
    if (
        len(sys.argv) > 1
        and sys.argv[1] == "serve"
        and os.environ.get("PAPO_ASYNC_MODE", "gevent") == "gevent"
    ):
        from gevent import monkey

        monkey.patch_all()


def main() -> None:
    """Entry point of the `papo` command."""
    _patch_for_gevent()
    from .commands import cli
    from .libpatches import UnsupportedLibrary

    try:
        cli()
    except UnsupportedLibrary as exc:  # one paragraph saying what to install, no traceback
        sys.exit(str(exc))


if __name__ == "__main__":
    main()

"""Start the desktop client."""

import sys


def main() -> None:
    """Open the client window (not built yet: see the desktop-client issue)."""
    sys.exit("The Papo desktop client is not built yet; it comes with the desktop-client issue.")


if __name__ == "__main__":
    main()

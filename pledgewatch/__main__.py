"""``python -m pledgewatch``: the installed ``pledgewatch`` command, its signals held from the first line as
the command's own are (see :mod:`pledgewatch.stop_signals`)."""

import sys

from . import stop_signals

stop_signals.hold()  # before the second it takes to load the commands

from . import cli  # noqa: E402  (after the signals are held)

sys.exit(cli.main())

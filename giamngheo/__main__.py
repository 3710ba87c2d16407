"""The `giamngheo` console script: each verb is the management command of the same name.

`classify` and `simulate` are the exceptions: they go straight to the pure rule engine (simulate
through Dask), so they run on a machine with no settings and no database.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "classify":
        # The rule engine runs without Django: classify needs neither settings nor a database.
        from giamngheo.standards.cli import main as classify_main

        return classify_main(args[1:])
    if args and args[0] == "simulate":
        from giamngheo.reports.national import main as simulate_main

        return simulate_main(args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "giamngheo.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["giamngheo", *args])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`python -m tools.results <command>`: see tools/results/cli.py."""

from tools.results.cli import main

raise SystemExit(main())

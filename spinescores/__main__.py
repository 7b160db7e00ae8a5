"""Run the spinescores command line: ``python -m spinescores``."""

from spinescores.cli import main

raise SystemExit(main())

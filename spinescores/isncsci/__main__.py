"""Run the ISNCSCI command line: ``python -m spinescores.isncsci classify exams.csv -o out.csv``."""

from spinescores.isncsci.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

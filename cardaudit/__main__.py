"""`python -m cardaudit` runs the CLI."""

from cardaudit.cli import main

main()

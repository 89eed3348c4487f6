"""`python -m ratecard.cli`: the same as the `ratecard` command."""

from ratecard.cli import main

main()

"""Allow ``python -m accessibility.cli``."""

from accessibility.cli import main

main()

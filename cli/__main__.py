"""`python -m cli …`: the `coach` command."""

import sys

from cli.main import main

sys.exit(main())

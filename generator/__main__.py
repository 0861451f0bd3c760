"""`python -m generator` is the `briefing` command."""

from generator.cli import main

raise SystemExit(main())

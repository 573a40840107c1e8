"""`python -m bot` is the same as the `prepbot` command."""

from bot.cli import main

raise SystemExit(main())

"""``python -m etiograph`` runs the CLI."""

from .cli import main

raise SystemExit(main())

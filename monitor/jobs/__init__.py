"""Jobs that orchestrate the core and the adapters: check, backfill, status."""

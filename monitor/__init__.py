"""policy-monitor: watch vendors' privacy policies, clause by clause."""

__version__ = "0.1.0"

# Defaults the command line needs before it loads anything else (config.py reads them from here).
DEFAULT_WATCHLIST = "watchlist.toml"
DEFAULT_DATABASE = "policy-monitor.db"

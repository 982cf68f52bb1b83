"""policy-monitor: watch vendors' privacy policies, clause by clause."""

__version__ = "0.1.0"

"""Log lines for people who grep: `LEVEL logger: message` on stderr.

Under systemd (JOURNAL_STREAM is set when stderr is the journal), each line starts with its syslog
priority, `<4>` for a warning, so `journalctl -p warning -u policy-monitor` filters as expected.
"""

from __future__ import annotations

import logging
import os
import sys

_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3, logging.CRITICAL: 2}


class _JournalFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"<{_PRIORITY.get(record.levelno, 6)}>{super().format(record)}"


def setup(debug: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    fmt = "%(levelname)s %(name)s: %(message)s"
    handler.setFormatter(_JournalFormatter(fmt) if os.environ.get("JOURNAL_STREAM") else logging.Formatter(fmt))
    handler.set_name("policy-monitor")
    root = logging.getLogger()
    # Replace only our own handler (setup may run once per command in one process, as in tests).
    root.handlers[:] = [h for h in root.handlers if h.get_name() != "policy-monitor"] + [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
    if not debug:  # per-request lines from the HTTP stack are noise outside --debug
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("httpcore").setLevel(logging.WARNING)

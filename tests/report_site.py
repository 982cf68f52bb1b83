"""A small real history for the report tests: two vendors checked on loopback, one changing twice,
one of them with a policy full of markup, script and javascript: links (as text, which is how a
vendor's page can carry them into our pages)."""

from __future__ import annotations

from pathlib import Path

from conftest import Cli, watchlist_toml
from pages import RETENTION, SALE, policy_html

HOSTILE_SENTENCE = (
    "We share usage data with partners &lt;script&gt;window.__pwned = 1&lt;/script&gt; "
    "listed at &lt;a href=&quot;javascript:window.__pwned=2&quot;&gt;javascript:window.__pwned=3&lt;/a&gt; "
    "&lt;img src=x onerror=&quot;window.__pwned=4&quot;&gt;."
)
HOSTILE_EDIT = ("We share usage data with partners", "We sell usage data to partners")


def hostile_page(*edits: tuple[str, str]) -> str:
    """A policy whose own text holds markup, plus a real script and a javascript: link in the page."""
    body = f"<main><h1>Evil Privacy Policy</h1><h2>Sharing</h2><p>{HOSTILE_SENTENCE}</p>" \
           "<p>We do not sell your personal information.</p>" \
           '<p>Questions? <a href="javascript:window.__pwned=5">Write to us</a>.</p></main>'
    for old, new in edits:
        body = body.replace(old, new)
    return f"<!doctype html><html><head><script>window.__pwned = 6</script></head><body>{body}</body></html>"


class History:
    """Serve, check, edit, check: `acme/privacy` gets two changes, `evil/privacy` one."""

    def __init__(self, tmp_path: Path, server, report: dict | None = None, notify: list[dict] | None = None) -> None:  # noqa: ANN001
        self.tmp_path, self.server = tmp_path, server
        server.set("/acme/privacy", policy_html(vendor="Acme"))
        server.set("/evil/privacy", hostile_page())
        text = watchlist_toml({"acme/privacy": server.url("/acme/privacy"), "evil/privacy": server.url("/evil/privacy")})
        text = text.replace('name = "Acme"', 'name = "Acme"\ntags = ["crm"]')
        if report:
            text += "\n[report]\n" + "".join(f'{k} = "{v}"\n' for k, v in report.items())
        for target in notify or ():
            text += "\n[[notify]]\n" + "".join(f'{k} = "{v}"\n' for k, v in target.items())
        self.watchlist = tmp_path / "watchlist.toml"
        self.watchlist.write_text(text, encoding="utf-8")
        self.cli = Cli(self.watchlist)

    def check(self) -> None:
        result = self.cli("check")
        assert result.exit_code == 0, result.output

    def build(self) -> None:
        """First check, then Acme sells data, the evil vendor too, then Acme keeps logs longer."""
        self.check()
        self.server.set("/acme/privacy", policy_html(SALE, vendor="Acme"))
        self.server.set("/evil/privacy", hostile_page(HOSTILE_EDIT))
        self.check()
        self.server.set("/acme/privacy", policy_html(SALE, RETENTION, vendor="Acme"))
        self.check()

    def report(self, out: Path, *args: str):  # noqa: ANN201 - click Result
        result = self.cli("report", "--out", str(out), *args)
        assert result.exit_code == 0, result.output
        return result

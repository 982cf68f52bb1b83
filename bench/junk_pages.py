"""Pages that are not the policy, served in its place: label-free, against every corpus version.

Usage:
    .venv/bin/python bench/junk_pages.py [CORPUS_DIR] [--show]

The labeled corpus holds 26 error pages; a vendor nobody has seen fails in its own way. Each distinct
version text of both corpus sets (error pages left out) is the old side; the new side is one of the
pages below, written for this benchmark (no corpus text), as a site would serve it when something goes
wrong: an outage, a bot challenge, a login wall, a cookie wall, a 404 with the site's navigation and
footer, a maintenance notice, a "this page has moved" stub, a JavaScript shell, the site's help-centre
index, and the same company's terms of service in the policy's place (short, and as long as a policy). Expected: held (not material).
The reverse (the junk page old, the policy new: the site came back) is run too, expected quiet or held.

Prints, for each page, how many pairs come out as expected and the first few that do not. Skipped
cleanly when the corpus is absent. Figures only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import eval_corpus  # noqa: E402

from monitor.engine.gate import judge_pair  # noqa: E402

_NAV = ("Products\n\n* Live chat\n* Help desk\n* Analytics\n* Integrations\n\nCompany\n\n* About us\n* Careers\n"
        "* Press\n* Contact\n\nLegal\n\n* [Privacy](/privacy)\n* [Terms](/terms)\n* [Cookies](/cookies)\n"
        "* [Data processing addendum](/dpa)\n\n© 2026 Example Chat Ltd. All rights reserved.")

_TERMS_SECTIONS = (
    ("Accepting these terms", "By creating an account or using the service you agree to these terms. If you use the "
     "service for an organisation, you accept them on its behalf and confirm you may do so."),
    ("Your account", "You must give accurate details when you sign up and keep your password to yourself. You are "
     "responsible for everything done under your account."),
    ("Fees and payment", "Paid plans are billed in advance each month or year. Fees are not refundable except where "
     "the law requires. We may change prices with thirty days' warning."),
    ("Acceptable use", "You may not use the service to send spam, break the law, probe our systems or resell access "
     "without our written agreement."),
    ("Intellectual property", "We own the service and its software. You keep the rights in the content you upload and "
     "give us the licence we need to run the service for you."),
    ("Termination", "You may close your account whenever you wish. We may suspend accounts that break these terms, "
     "after warning you where we reasonably can."),
    ("Liability", "The service is provided as it is. To the extent the law allows, our liability is limited to the "
     "fees you paid in the twelve months before the claim."),
    ("Governing law", "These terms are governed by the law of the place where our company is registered, and its "
     "courts decide any dispute."),
)


def _terms(title: str, copies: int = 3) -> str:
    body = "\n\n".join(f"## {k}. {h}\n\n{t} This applies to plan {k}." for k, (h, t) in enumerate(_TERMS_SECTIONS * copies, 1))
    return f"# {title}\n\n{body}"


PAGES: dict[str, str] = {
    "outage": "# We'll be right back\n\nOur website is temporarily unavailable while we fix a problem. Please try again in a few minutes.",
    "bot challenge": "Checking your browser before accessing example.test.\n\nThis process is automatic. Your browser will "
                     "redirect to your requested content shortly.\n\nPlease enable JavaScript and cookies to continue.",
    "login wall": "# Sign in\n\nPlease sign in to continue.\n\nEmail\n\nPassword\n\nForgot your password?\n\nNew here? Create an account.",
    "cookie wall": "# Before you continue\n\nWe use cookies and similar technologies to run this site, to measure visits "
                   "and to show you relevant ads. Choose Accept all to continue, or Manage choices.\n\nAccept all\n\n"
                   "Reject all\n\nManage choices",
    "404 with navigation": f"# Page not found\n\nSorry, we couldn't find the page you were looking for. It may have been "
                           f"moved or deleted.\n\n[Go to the home page](/)\n\n{_NAV}",
    "maintenance": "# Scheduled maintenance\n\nThis site is under maintenance until 06:00 UTC. Thank you for your patience.",
    "page moved": "# This page has moved\n\nOur privacy policy now lives at [example.test/legal/privacy](/legal/privacy). "
                  "You will be redirected in five seconds.",
    "javascript shell": "You need to enable JavaScript to run this app.",
    "help-centre index": "# Help centre\n\n" + "\n\n".join(
        f"## {topic}\n\n" + "\n".join(f"* [{topic} article {k}](/help/{topic.lower().replace(' ', '-')}/{k})" for k in range(12))
        for topic in ("Getting started", "Billing", "Integrations", "Account settings", "Troubleshooting")) + f"\n\n{_NAV}",
    "terms in its place": _terms("Terms of Service"),
    "long terms in its place": _terms("Terms of Service", 30),  # as long as a policy: not "truncated"
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--show", action="store_true", help="print every pair that fails, not the first 5")
    parser.add_argument("--only", help="the pages whose name holds this")
    args = parser.parse_args(argv)
    found = eval_corpus.versions_or_skip(args.corpus)
    if found is None:
        return 0
    corpus, items = found
    print(f"{len(items)} distinct version texts from {corpus}")
    for name, page in PAGES.items():
        if args.only and args.only not in name:
            continue
        held_new, wrong, back_ok, back_wrong = 0, [], 0, []
        for path, text in items:
            v = judge_pair(text, page)
            if v.held:
                held_new += 1
            else:
                wrong.append((path, v.verdict))
            b = judge_pair(page, text)
            if b.held or not b.material:
                back_ok += 1
            else:
                back_wrong.append((path, b.verdict))
        kinds = sorted({judge_pair(items[0][1], page).quality["problem"]}) if items else []
        print(f"{name:22} held {held_new:4}/{len(items):<4} ({', '.join(kinds)})   came back quiet or held "
              f"{back_ok:4}/{len(items)}")
        for path, why in (wrong + back_wrong)[: None if args.show else 5]:
            print(f"    {path.parent.name}/{path.stem}: {why[:150]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

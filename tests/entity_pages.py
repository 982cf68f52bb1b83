"""Synthetic sub-processor lists and DPAs, written for these tests, in the shapes vendors publish.

Each list page takes its rows as (name, purpose, location) so a test can add, drop or move one and
serve the same list as an HTML table, a markdown table, a bulleted list or headings per product.
"""

from __future__ import annotations

from html import escape

INTRO = (
    "Tallyhoo uses the sub-processors below to deliver its service. Each one processes customer personal "
    "data only on our documented instructions. We notify customers {notice} days before a new sub-processor "
    "starts processing their data, so that they can object."
)

ROWS = [
    ("Amazon Web Services, Inc.", "Cloud hosting", "United States, Ireland"),
    ("Cloudflare, Inc.", "Content delivery and DDoS protection", "United States"),
    ("Stripe, Inc.", "Payment processing", "United States"),
    ("Mailgun Technologies", "Transactional email", "Germany"),
    ("Zendesk, Inc.", "Customer support tickets", "Ireland"),
    ("Snowflake Inc.", "Data warehousing", "Ireland"),
    ("Twilio Inc.", "SMS notifications", "United States"),
    ("Sentry", "Error monitoring", "Germany"),
]
ACME = ("Acme Analytics", "Product analytics", "United States")


def html_table(rows=ROWS, notice: int = 30) -> str:
    cells = "".join(f"<tr><td>{escape(n)}</td><td>{escape(p)}</td><td>{escape(c)}</td></tr>" for n, p, c in rows)
    return (
        "<!doctype html><html><head><title>Sub-processors</title></head><body><nav><a href='/'>Home</a></nav>"
        f"<main><h1>Sub-processors</h1><p>{INTRO.format(notice=notice)}</p>"
        "<table><thead><tr><th>Sub-processor</th><th>Purpose</th><th>Location</th></tr></thead>"
        f"<tbody>{cells}</tbody></table></main></body></html>"
    )


def markdown_table(rows=ROWS, notice: int = 30) -> str:
    lines = [f"| {n} | {p} | {c} |" for n, p, c in rows]
    return "\n".join(
        ["# Sub-processors", "", INTRO.format(notice=notice), "", "| Name | Service | Country |", "|---|---|---|", *lines, ""]
    )


def bulleted_list(rows=ROWS, notice: int = 30) -> str:
    items = "".join(f"<li>{escape(n)} – {escape(p)} – {escape(c)}</li>" for n, p, c in rows)
    return f"<html><body><main><h1>Sub-processors</h1><p>{INTRO.format(notice=notice)}</p><ul>{items}</ul></main></body></html>"


def headings_per_product(products: dict[str, list[tuple[str, str, str]]], notice: int = 30) -> str:
    parts = ["# Sub-processors", "", INTRO.format(notice=notice), ""]
    for product, rows in products.items():
        parts += [f"## {product}", ""] + [f"- {n} – {p} – {c}" for n, p, c in rows] + [""]
    return "\n".join(parts)


def headed_entities(rows=ROWS) -> str:
    parts = ["# Our sub-processors", "", INTRO.format(notice=30), ""]
    for n, p, c in rows:
        parts += [f"## {n}", "", f"Purpose: {p}. Location: {c}.", ""]
    return "\n".join(parts)


DPA = """# Data Processing Addendum

This Addendum forms part of the agreement between Customer and Tallyhoo for the processing of personal data.

## Sub-processors

Customer authorises Tallyhoo to engage sub-processors. Tallyhoo will notify Customer at least {notice} days before any new sub-processor processes Customer personal data, and Customer may object on reasonable grounds.

## Personal data breach

Tallyhoo will notify Customer of a personal data breach {breach} after becoming aware of it, and will provide the information Customer needs to meet its own obligations.

## Audits

{audit}Tallyhoo will make available to Customer all information necessary to demonstrate compliance with this Addendum.

## International transfers

{transfer}

## Term

This Addendum lasts as long as Tallyhoo processes personal data on behalf of Customer.
"""


def dpa(notice: int = 30, breach: str = "within 72 hours", audit: bool = True, scc: bool = True) -> str:
    audit_text = "Customer may audit Tallyhoo's compliance with this Addendum once a year on thirty days' notice. " if audit else ""
    transfer = (
        "Where personal data leaves the EEA, the Standard Contractual Clauses apply and are incorporated by reference."
        if scc else "Tallyhoo may transfer personal data to any country where it or its sub-processors operate."
    )
    return DPA.format(notice=notice, breach=breach, audit=audit_text, transfer=transfer)

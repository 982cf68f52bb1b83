"""Synthetic vendor policies for the tests, in our own words, with the noise real pages carry."""

from __future__ import annotations

SECTIONS = {
    "Information we collect": [
        "We collect the name, work email address and company you give us when you register.",
        "We record which features you use and the type of browser you use them with.",
    ],
    "How we share information": [
        "We do not sell your personal information.",
        "We share data with the hosting companies that run our servers, under written contracts.",
    ],
    "How long we keep information": [
        "We delete request logs after 30 days.",
        "Account data is erased within 60 days after you close your account.",
    ],
    "Your choices": [
        "You can download or delete your data from the settings page at any time.",
        "You can opt out of product newsletters with the link at the bottom of each message.",
    ],
}

# Edits that matter, as vendors make them.
SALE = ("We do not sell your personal information.", "We may sell your personal information to data brokers.")
RETENTION = ("We delete request logs after 30 days.", "We keep request logs for 2 years.")


def policy_html(*edits: tuple[str, str], vendor: str = "Example", drop_sections: int = 0) -> str:
    """A policy page with nav, cookie banner, footer and per-request nonces; `edits` replace sentences."""
    sections = list(SECTIONS.items())[: len(SECTIONS) - drop_sections]
    body = "\n".join(
        f"<h2>{title}</h2>\n" + "\n".join(f"<p>{sentence}</p>" for sentence in sentences) for title, sentences in sections
    )
    for old, new in edits:
        body = body.replace(old, new)
    return f"""<!doctype html><html><head><title>{vendor} privacy</title>
<script nonce="{{{{nonce}}}}">window.token = "{{{{nonce}}}}";</script></head>
<body><header><nav><a href="/">Home</a> <a href="/pricing">Pricing</a></nav></header>
<div class="cookie-banner">We use cookies. <button>OK</button></div>
<main><h1>{vendor} Privacy Policy</h1>
<p>This policy describes how {vendor} handles personal information about the people who use its product.</p>
{body}
</main>
<footer>&copy; 2026 {vendor} <form><input type="hidden" name="csrf" value="{{{{nonce}}}}"></form></footer>
</body></html>"""


def pdf_bytes(lines: list[str]) -> bytes:
    """A minimal, valid one-page PDF showing `lines` in Helvetica."""
    text = " ".join(f"({line}) Tj 0 -16 Td" for line in lines)
    stream = f"BT /F1 11 Tf 72 720 Td {text} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf(objects)


def pdf(objects: list[bytes]) -> bytes:
    """A PDF from its objects (1-based; object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)

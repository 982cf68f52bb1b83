"""Segmentation: a policy text → blocks (with their heading path) → clauses.

Accepts the extractor's canonical text (headings `# t`, items `- t`, table rows `a | b`, one block per
paragraph) and the markdown Open Terms Archive exports (setext headings, `* item` / `1. item`,
`**bold**`, `[text](url)`, `\\.` escapes, `| a | b |` tables, rules, images). Inline markup and link
targets are dropped here, so the rest of the engine never sees them: a change of link target or
emphasis is no change of wording.

A clause is one sentence of a paragraph, one list item (kept whole, however long) or one table row.
Invariant (property-tested): for every block, `" ".join(clause texts) == block.text`.

    >>> [c.text for c in segment("# Sharing\\n\\nWe share data, e.g. with Acme Inc. when asked. We do not sell it.")]
    ['Sharing', 'We share data, e.g. with Acme Inc. when asked.', 'We do not sell it.']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

HEADING, PARA, ITEM, ROW = "heading", "para", "item", "row"


@dataclass(frozen=True)
class Block:
    kind: str  # heading | para | item | row
    text: str  # inline markup removed, whitespace collapsed
    level: int  # heading level (1-6) or list nesting depth (0-based)
    section: tuple[str, ...]  # enclosing heading path, numbering stripped
    index: int
    link_only: bool = False  # the block was nothing but links (navigation, table of contents)
    links: tuple[str, ...] = ()  # keys of its links' texts
    context: str = ""  # a table row's header row: "Purpose | Data | Retention" says what its cells are


@dataclass(frozen=True)
class Clause:
    text: str
    key: str  # matching key: case, punctuation, quotes, numbering and whitespace folded away
    kind: str
    section: tuple[str, ...]
    block: int
    level: int = 0
    nav: bool = False  # part of a run of link-only items: a menu or table of contents
    links: tuple[str, ...] = ()  # keys of the link texts in it: extractors sometimes lose them
    context: str = ""  # a table row's header row (Block.context)

    @property
    def words(self) -> int:
        return self.key.count(" ") + 1 if self.key else 0


# --- inline markup ------------------------------------------------------------------------------

# Escaped punctuation is parked in the private-use area so markup regexes cannot see it.
_ESC = re.compile(r"\\([!-/:-@\[-`{-~])")
_PARKED = re.compile("[\ue000-\ue07f]")
_HTML_BREAK = re.compile(r"<br\s*/?>", re.I)
_HTML_FORMAT = re.compile(r"</?(?:b|i|u|em|strong|span|sup|sub|small|mark|a|font|abbr|ins|del|s)\b[^<>]*>", re.I)
# No bracket inside a link's text or target: each scan then stops at the next "[" or "]", which keeps
# 100,000 "[" or 50,000 "![" linear (a text of "anything but ]" was rescanned from every bracket).
_IMAGE = re.compile(r"!\[[^\[\]]*\]\((?:[^()\s\[\]]|\([^()\s\[\]]*\))*(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[([^\[\]]*)\]\(((?:[^()\s\[\]]|\([^()\s\[\]]*\))*)(?:\s+\"[^\"]*\")?\)")
_REF_LINK = re.compile(r"\[([^\[\]]+)\]\[[^\[\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^<>\s]+)>")
_STRONG = re.compile(r"\*\*|__")
# emphasis holds no marker of its own kind: a lone "*" then fails at the next one, not at the block's end
_EM_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])")
_EM_UNDER = re.compile(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])")
_CODE = re.compile(r"`+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACE = re.compile(r"\s+")


# link text broken over lines (even blank ones) by the exporter: rejoined before blocks are cut
_LINK_TEXT = re.compile(r"\[([^\[\]]{0,4000})\]\(")


def _rejoin_links(m: re.Match[str]) -> str:
    if "\n" not in m.group(1):
        return m.group(0)
    return "[" + _SPACE.sub(" ", m.group(1)).strip() + "]("


def _park(m: re.Match[str]) -> str:
    return chr(0xE000 + ord(m.group(1)))


def _unpark(m: re.Match[str]) -> str:
    return chr(ord(m.group(0)) - 0xE000)


def strip_inline(raw: str) -> tuple[str, bool]:
    """Markdown/HTML inline markup → plain text; also whether the text was only links."""
    text, link_only, _ = _strip(raw)
    return text, link_only


# Every character any pattern of _strip needs: a text with none of them is plain already (most
# sentences are), and one search replaces the dozen substitutions that would each find nothing.
_MARKUP_CHAR = re.compile("[\\\\<\\[!*_`\ue000-\ue07f\u200b\u200c\u200d\u2060\ufeff\u00ad\u00a0]")


def _strip(raw: str) -> tuple[str, bool, tuple[str, ...]]:
    if _MARKUP_CHAR.search(raw) is None:
        return _SPACE.sub(" ", raw).strip(), False, ()
    s = _INVISIBLE.sub("", raw.replace("\u00a0", " "))
    s = _ESC.sub(_park, s)  # idempotent: the document pass already parked most escapes
    s = _HTML_BREAK.sub(" ", s)
    s = _HTML_FORMAT.sub("", s)
    s = _IMAGE.sub("", s)
    targets: list[str] = []

    texts: list[str] = []

    def link(m: re.Match[str]) -> str:
        targets.append(m.group(2))
        texts.append(m.group(1))
        return m.group(1)

    without_links = _LINK.sub("", s)
    s = _LINK.sub(link, s)
    s = _LINK.sub(link, s)  # a link inside a link's text, e.g. a linked image's leftover
    s = _REF_LINK.sub(r"\1", s)
    s = _AUTOLINK.sub(r"\1", s)
    s = _STRONG.sub("", s)
    s = _EM_STAR.sub(r"\1", s)
    s = _EM_UNDER.sub(r"\1", s)
    s = _CODE.sub("", s)
    s = _PARKED.sub(_unpark, s)
    s = _SPACE.sub(" ", s).strip()
    link_only = bool(targets) and not re.search(r"\w", _PARKED.sub("", without_links))
    return s, link_only, tuple(k for k in (normalize_key(_PARKED.sub(_unpark, t)) for t in texts) if k)


# --- keys ---------------------------------------------------------------------------------------

_NUMBERING = re.compile(
    r"^\s*(?:(?:section|article|part|chapter)\s+)?(?:\d{1,3}(?:\.\d{1,3})*\.?|[A-Za-z][.)]|"
    r"[IVXLCivxlc]{1,6}[.)]|\(\s*(?:\d{1,3}|[A-Za-z]|[ivxlc]{1,6})\s*\))[\s:.\-–—]+(?=\S)",
)
_WORD = re.compile(r"\w+")


def strip_numbering(text: str) -> str:
    """'5. Sharing' → 'Sharing': renumbering a heading or an item is not a change."""
    return _NUMBERING.sub("", text, count=1)


def normalize_key(text: str) -> str:
    """Fold case, quotes, punctuation, whitespace and leading numbering: the identity of a clause."""
    s = unicodedata.normalize("NFKC", strip_numbering(text)).casefold()
    return " ".join(_WORD.findall(s))


# --- date notices -------------------------------------------------------------------------------

MONTH_PATTERN = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
# dates as they look in a key: lower case, punctuation gone ("august 14 2025", "2025 08 14")
_DATE = re.compile(
    rf"\b(?:{MONTH_PATTERN} {_DAY} \d{{4}}|{_DAY} (?:of )?{MONTH_PATTERN} \d{{4}}|\d{{4}} \d{{1,2}} \d{{1,2}}|"
    rf"\d{{1,2}} \d{{1,2}} \d{{2,4}}|{MONTH_PATTERN} \d{{4}}|{MONTH_PATTERN} {_DAY})\b"
)
_NOTICE_TRIGGERS = frozenset(
    "updated update updates updating effective effect modified revised posted dated date version".split()
)
_NOTICE_WORDS = _NOTICE_TRIGGERS | frozenset(
    "last this these our the its it is was will be been as of on from for at in and or to until with "
    "takes take took taking comes come into force policy privacy notice statement terms new existing "
    "users user previous prior current latest here below above view see find you your may starting "
    "beginning began applies apply shall we re other located region residents resident country "
    "countries eea uk us eu switzerland swiss european economic area united kingdom states".split()
)
NOTICE_MAX_OTHER_WORDS = 2  # words besides the date and notice vocabulary ("effective for … on <date>")


def mask_dates(key: str) -> str:
    return _DATE.sub("<date>", key)


def is_date_notice(key: str) -> bool:
    """'last updated august 14 2025', 'effective as of 1 may 2024': a date and nothing it governs."""
    masked = mask_dates(key)
    if "<date>" not in masked:
        return False
    words = masked.replace("<date>", " ").split()
    if not any(w in _NOTICE_TRIGGERS for w in words):
        return False
    return sum(1 for w in words if w not in _NOTICE_WORDS) <= NOTICE_MAX_OTHER_WORDS


# --- sentences ----------------------------------------------------------------------------------

# A run of stops is tried once, from its first stop (the look-behind): 100,000 dots stay linear.
# A sentence opens with a capital of the Latin, Greek or Cyrillic script, a digit, or Spanish "¿"/"¡".
_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]+[\"'”’)\]]*( +)(?=[\"'“‘(\[¿¡]?[A-Z0-9À-ÖØ-ÞΑ-ΩА-ЯЁ])")
_ABBREV = frozenset(
    "e.g i.e inc ltd llc co corp u.s u.k e.u etc vs v no nos dr mr mrs ms st jr sr approx incl cf "
    "art arts sec secs fig p pp para paras ca s.a n.v b.v a.g p.o dept est viz al op ed eds vol "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    # German, French and Spanish legal citations and abbreviations ("Art. 6 Abs. 1", "p. ej.")
    "abs nr lit ziff bzw ggf usw vgl inkl sog evtl ex ej".split()
)
_LAST_TOKEN = re.compile(r"([\w.]+)[.!?…]+[\"'”’)\]]*$")
LAST_TOKEN_WINDOW = 64


def _is_boundary(text: str, end: int, seg_start: int) -> bool:
    """Does the sentence-like stop before `end` really end a sentence (not 'e.g.', 'Inc.', '1.')?"""
    # only the last word decides: a window keeps a long run of abbreviations ("e.g. e.g. …") linear
    window_start = max(seg_start, end - LAST_TOKEN_WINDOW)
    m = _LAST_TOKEN.search(text, window_start, end)
    if not m:
        return True
    token = m.group(1).rstrip(".").lower()
    if token in _ABBREV:
        return False
    if re.fullmatch(r"(?:[a-z]\.)*[a-z]", token):  # initials and "U.S."-style acronyms
        return False
    # "1. Text" or "IV. Text" at the start of a segment is numbering, not a sentence.
    if re.fullmatch(r"\d{1,3}|[ivxlc]{1,5}", token) and m.start() == seg_start:
        return False
    return True


def split_sentences(text: str) -> list[str]:
    """Split a whitespace-collapsed paragraph into sentences; `" ".join(result) == text`."""
    if not text:
        return []
    out: list[str] = []
    seg_start = 0
    for m in _BOUNDARY.finditer(text):
        space_start, space_end = m.span(1)
        if _is_boundary(text, space_start, seg_start):
            out.append(text[seg_start:space_start])
            seg_start = space_end
    out.append(text[seg_start:])
    return out


# --- blocks -------------------------------------------------------------------------------------

# The closing "###" of a heading is cut by _atx_title, not by a lazy ".*?" that retried the tail from
# every position of the line (quadratic on a heading line with a long run of spaces).
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")


def _atx_title(raw: str) -> str:
    title = raw.rstrip()
    closed = title.rstrip("#")
    if closed != title and (not closed or closed[-1].isspace()):
        title = closed.rstrip()
    return title
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_ITEM = re.compile(r"^(\s*)(?:[-*+•▪◦●]|\d{1,3}[.)]|[a-z][.)])\s+(.*)$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_PIPE_SPLIT = re.compile(r"\|")  # escaped pipes are parked, not split


def _row_text(line: str) -> str:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    cells = [strip_inline(c)[0] for c in _PIPE_SPLIT.split(s)]
    return " | ".join(c for c in cells if c)


def _labels(row: str) -> bool:
    """A header row: short labels ("Purpose | Data | Retention"), no sentence. A table used for layout
    starts with prose, which says nothing of what the cells below it are."""
    cells = row.split(" | ")
    return len(cells) >= 2 and all(len(c.split()) <= 6 and not c.rstrip().endswith((".", ":", ";")) for c in cells)


def _raw_blocks(text: str) -> list[tuple[str, int, list[str]]]:
    """Lines → (kind, level, raw lines). Headings and rows carry finished text in lines[0]."""
    blocks: list[tuple[str, int, list[str]]] = []
    cur: tuple[str, int, list[str]] | None = None

    def flush() -> None:
        nonlocal cur
        if cur is not None:
            blocks.append(cur)
            cur = None

    text = _LINK_TEXT.sub(_rejoin_links, _ESC.sub(_park, text))
    for line in text.splitlines():
        if not line.strip():
            flush()
            continue
        setext = _SETEXT.match(line)
        if setext and cur is not None and cur[0] == PARA:
            flush()
            lines = blocks.pop()[2]
            blocks.append((HEADING, 1 if setext.group(1)[0] == "=" else 2, lines))
            continue
        if _RULE.match(line):
            flush()
            continue
        atx = _ATX.match(line)
        if atx:
            flush()
            blocks.append((HEADING, len(atx.group(1)), [_atx_title(atx.group(2))]))
            continue
        item = _ITEM.match(line)
        if item:
            flush()
            cur = (ITEM, min(len(item.group(1).expandtabs(4)) // 2, 8), [item.group(2)])
            continue
        if line.lstrip().startswith("|"):
            flush()
            if not _TABLE_SEP.match(line):
                blocks.append((ROW, 0, [line]))
            continue
        if cur is None:
            cur = (PARA, 0, [line])
        else:
            cur[2].append(line)
    flush()
    return blocks


def parse_blocks(text: str) -> list[Block]:
    """Split a document into blocks, each with the heading path it sits under."""
    out: list[Block] = []
    path: list[tuple[int, str]] = []
    header: str | None = None  # the first row of the table being read, None outside a table
    for kind, level, lines in _raw_blocks(text):
        if kind == PARA and len(lines) > 1 and all(" | " in ln for ln in lines):
            # canonical text: several lines in one block with cell separators are table rows
            pieces = [(ROW, 0, [ln]) for ln in lines]
        else:
            pieces = [(kind, level, lines)]
        for pkind, plevel, plines in pieces:
            if pkind == ROW:
                body, link_only, links = _row_text(plines[0]), False, ()
            else:
                body, link_only, links = _strip(" ".join(ln.strip() for ln in plines))
            if pkind != ROW:
                header = None
            if not body:
                continue
            context = ""
            if pkind == ROW:  # a row is read with its table's header: the first row of text, if it is labels
                context, header = ("", body if _labels(body) else "") if header is None else (header, header)
            section = tuple(t for _, t in path)
            if pkind == HEADING and not is_date_notice(normalize_key(body)):
                # a "Last updated …" line styled as a heading opens no section: else every clause's
                # section would change with the date
                while path and path[-1][0] >= plevel:
                    path.pop()
                section = tuple(t for _, t in path)
                path.append((plevel, strip_numbering(body)))
            out.append(Block(pkind, body, plevel, section, len(out), link_only, links, context))
    return out


def _nav_blocks(blocks: list[Block]) -> set[int]:
    """Link-only items or paragraphs in a run of two or more: menus, tables of contents."""
    nav: set[int] = set()
    run: list[int] = []
    for b in blocks + [Block(HEADING, "", 0, (), -1)]:
        if b.link_only and b.kind in (ITEM, PARA):
            run.append(b.index)
            continue
        if len(run) >= 2:
            nav.update(run)
        run = []
    return nav


def _links_in(key: str, links: tuple[str, ...]) -> tuple[str, ...]:
    padded = f" {key} "
    return tuple(k for k in links if f" {k} " in padded)


def segment(text: str) -> list[Clause]:
    """Document → clauses in reading order."""
    blocks = parse_blocks(text)
    nav = _nav_blocks(blocks)
    clauses: list[Clause] = []
    for b in blocks:
        parts = split_sentences(b.text) if b.kind == PARA else [b.text]
        for part in parts:
            key = normalize_key(part)
            clauses.append(
                Clause(part, key, b.kind, b.section, b.index, b.level, b.index in nav, _links_in(key, b.links), b.context)
            )
    return clauses

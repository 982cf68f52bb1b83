r"""A sub-processor list's text → entities (name, purpose, location, the product it serves) and the prose.

Vendors publish the same list in several shapes, and each must read as the same entities, so that a
re-laid-out list is no change:

    Name | Purpose | Location           a table (HTML or markdown), a header row naming the columns
    - Name – purpose – country          list items, parts split at dashes or pipes
    - Name (purpose; country)           ... or in parentheses
    ## Product  + a table or list       the entities serve that product (when the page has several)
    ## Name + "Purpose: …" lines         a heading per entity, its fields labelled

Reads the canonical text the extractor makes (`monitor.engine.clauses.parse_blocks` does the block
structure); everything that is not an entity stays prose, for the clause engine.

    >>> [e.name for e in read("Name | Purpose | Location\nAcme | Hosting | US\n").entities]
    ['Acme']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from monitor.engine.clauses import HEADING, ITEM, PARA, ROW, Block, parse_blocks
from monitor.entities.places import countries, is_location

# Header cells → field. A place or a date anywhere in a header names the column ("Processing
# location", "Sub-processor country"); otherwise the first word decides, in this order, so "Service
# provider" is a name before "service" is a purpose.
_ANYWHERE = (
    ("effective", r"effective|date added|added on|start date|in use from"),
    ("location", r"locations?|countr(?:y|ies)|regions?|jurisdictions?|data cent(?:er|re)s?|where"),
)
_COLUMNS = (
    ("name", r"name|sub-?processors?|(?:service )?providers?|vendors?|entit(?:y|ies)|company|companies|"
             r"third[- ]part(?:y|ies)|processors?|partners?|suppliers?|recipients?"),
    ("effective", r"since|dates?"),
    ("serves", r"products?|applies to|used (?:by|for|in)|affiliates?|platforms?|offerings?"),
    ("purpose", r"purposes?|services?|functions?|activit(?:y|ies)|processing|description|nature|role|"
                r"what they do|categor(?:y|ies)|details?|scope|types?"),
)
_SEARCH_RX = [(f, re.compile(rf"\b(?:{rx})\b", re.I)) for f, rx in _ANYWHERE]
_COLUMN_RX = [(f, re.compile(rf"^(?:{rx})\b", re.I)) for f, rx in _COLUMNS]


def column(header: str) -> str | None:
    """The field a header cell (or a "Label:") names, or None."""
    header = header.strip()
    if len(header.split()) > 5:  # a sentence, not a header
        return None
    return next((f for f, rx in _SEARCH_RX if rx.search(header)), None) or next(
        (f for f, rx in _COLUMN_RX if rx.match(header)), None
    )


_LABEL = re.compile(
    r"(?:^|(?<=[.;]\s))(?P<label>[A-Z][\w /-]{1,30}?)\s*:\s*(?P<value>[^:]+?)(?=\s*(?:[.;]\s+[A-Z][\w /-]{1,30}:|$))"
)
# "Name – purpose – country": dashes with spaces (a hyphen inside a name is part of it) or pipes.
_PARTS = re.compile(r"\s+[–—-]\s+|\s*\|\s*")
_PAREN = re.compile(r"^(?P<name>[^()]{1,80}?)\s*\((?P<rest>[^()]+)\)\s*[.;]?$")
_COLON = re.compile(r"^(?P<name>[^:]{1,60}?)\s*:\s+(?P<rest>.+)$")
_LEGAL = frozenset(
    "inc incorporated llc ltd limited gmbh ag sa sas sarl bv nv plc corp corporation co company pty srl spa "
    "oy ab as kk lp llp ulc se the".split()
)
MAX_NAME_WORDS = 8


@dataclass(frozen=True)
class Entity:
    name: str
    purpose: str = ""
    location: str = ""
    serves: str = ""  # the product or affiliate the entity works for, when the page says
    effective: str = ""  # a per-row date ("effective 1 March 2027"), as written

    @property
    def key(self) -> tuple[str, str]:
        return (name_key(self.name), _fold(self.serves))

    @property
    def countries(self) -> tuple[str, ...]:
        return countries(self.location) if self.location else ()

    def to_dict(self) -> dict:
        data = {"name": self.name, "purpose": self.purpose, "location": self.location}
        data.update({k: v for k, v in (("serves", self.serves), ("effective", self.effective)) if v})
        return data

    def describe(self) -> str:
        """'Acme Analytics (product analytics; United States)': who, doing what, where."""
        details = "; ".join(p for p in (_sentence_case(self.purpose), self.location) if p)
        return f"{self.name} ({details})" if details else self.name

    def line(self) -> str:
        return " — ".join(p for p in (self.name, self.purpose, self.location) if p)


@dataclass
class Listing:
    entities: list[Entity] = field(default_factory=list)
    prose: list[Block] = field(default_factory=list)  # what is not an entity, in order

    def prose_text(self) -> str:
        """The prose as canonical text again, for the clause engine."""
        out = []
        for b in self.prose:
            if b.kind == HEADING:
                out.append("#" * max(b.level, 1) + " " + b.text)
            elif b.kind == ITEM:
                out.append("  " * b.level + "- " + b.text)
            else:
                out.append(b.text)
        return "\n\n".join(out) + ("\n" if out else "")


def _sentence_case(s: str) -> str:
    """'Product analytics' → 'product analytics' inside a sentence; 'CDN' and 'AWS hosting' stay."""
    first = s.split(" ", 1)[0]
    return s[0].lower() + s[1:] if len(first) > 1 and first[0].isupper() and first[1:].islower() else s


def _fold(s: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", s.casefold()).split())


def name_key(name: str) -> str:
    """A name with case, punctuation and legal form folded: "Acme, Inc." and "ACME Inc" are one."""
    words = [w for w in _fold(re.sub(r"\([^)]*\)", " ", name)).split() if w not in _LEGAL]
    return " ".join(words) or _fold(name)


def read(text: str) -> Listing:
    blocks = parse_blocks(text)
    listing = Listing()
    read_groups: list[tuple[tuple[str, ...], list[Entity]]] = []
    for kind, members in _groups(blocks):
        found = _read_group(kind, members)
        if found is None:
            listing.prose.extend(members)
        else:
            read_groups.append((members[0].section, found))
    # Tables or lists under several headings: each heading names the product its entities serve.
    products = {section[-1] for section, _ in read_groups if section}
    by_product = len(products) >= 2
    for section, found in read_groups:
        if by_product and section:
            found = [e if e.serves else _with(e, serves=section[-1]) for e in found]
        listing.entities.extend(found)
    _headed_entities(listing)
    return merge(listing)


def _with(e: Entity, **changes: str) -> Entity:
    return replace(e, **changes)


def _groups(blocks: list[Block]) -> list[tuple[str, list[Block]]]:
    """Runs of rows (a table) and of items (a list) under one section; every other block alone."""
    out: list[tuple[str, list[Block]]] = []
    for b in blocks:
        if b.kind in (ROW, ITEM) and out and out[-1][0] == b.kind and out[-1][1][-1].section == b.section:
            out[-1][1].append(b)
        else:
            out.append((b.kind if b.kind in (ROW, ITEM) else "prose", [b]))
    return out


def _read_group(kind: str, members: list[Block]) -> list[Entity] | None:
    if kind == ROW:
        return _table(members)
    if kind == ITEM:
        return _list(members)
    return None


def _cells(row: Block) -> list[str]:
    return [c.strip() for c in row.text.split(" | ")]


_JOINED = {"location": ", ", "purpose": "; "}


def _header(cells: list[str]) -> list[str] | None:
    fields: list[str] = []
    for cell in cells:
        match = column(cell)
        # two location or purpose columns ("Corporate location", "Processing location") both count
        fields.append(match if match and (match not in fields or match in _JOINED) else "")
    return fields if "name" in fields or fields.count("") < len(fields) - 1 else None


def _table(rows: list[Block]) -> list[Entity] | None:
    head = _header(_cells(rows[0]))
    body = rows[1:] if head is not None else rows
    if head is None:  # no header: the usual order, a location recognised wherever it is
        return [e for r in body if (e := _from_parts(_cells(r))) is not None] or None
    if "name" not in head:
        head[head.index("")] = "name" if "" in head else head[0]
    entities = []
    for row in body:
        cells = _cells(row)
        values: dict[str, str] = {}
        for f, c in zip(head, cells):
            if f and c:
                values[f] = _union(values[f], c, _JOINED[f]) if f in values else c
        if values.get("name"):
            entities.append(Entity(**{k: " ".join(v.split()) for k, v in values.items()}))
    return entities or None


def _from_parts(parts: list[str]) -> Entity | None:
    parts = [p.strip() for p in parts if p.strip()]
    if not parts or len(parts[0].split()) > MAX_NAME_WORDS:
        return None
    name, rest = parts[0].rstrip(";"), [p.rstrip(".;") for p in parts[1:]]
    places = [p for p in rest if is_location(p)]
    others = [p for p in rest if p not in places]
    return Entity(name, "; ".join(others), ", ".join(places))


def _item_entity(text: str) -> Entity | None:
    parts = _PARTS.split(text)
    if len(parts) >= 2:
        return _from_parts(parts)
    m = _PAREN.match(text) or _COLON.match(text)
    if m:
        return _from_parts([m.group("name"), *re.split(r"\s*[;]\s*|\s*,\s*(?=[^,]*$)", m.group("rest"))])
    return None


def _list(items: list[Block]) -> list[Entity] | None:
    """A list is entities when most items read as one; a list of sentences is prose."""
    found = [(b, _item_entity(b.text)) for b in items if b.level == 0]
    entities = [e for _, e in found if e is not None]
    if not found or len(entities) * 2 <= len(found):
        if all(len(b.text.split()) <= 4 and not b.text.endswith(".") for b in items) and len(items) >= 2:
            return [Entity(b.text.strip()) for b in items]  # a bare list of names
        return None
    return entities


def _labelled(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for m in _LABEL.finditer(text):
        field_ = column(m.group("label"))
        if field_ and field_ not in fields:
            fields[field_] = " ".join(m.group("value").split()).rstrip(".;")
    return fields


def _headed_entities(listing: Listing) -> None:
    """`## Name` then a paragraph of "Purpose: …" / "Location: …" fields: one entity per heading."""
    prose, kept = listing.prose, []
    i = 0
    while i < len(prose):
        b = prose[i]
        nxt = prose[i + 1] if i + 1 < len(prose) else None
        if b.kind == HEADING and nxt is not None and nxt.kind == PARA:
            fields = _labelled(nxt.text)
            if "purpose" in fields or "location" in fields:
                name = fields.pop("name", b.text)
                listing.entities.append(Entity(name=name, **{k: v for k, v in fields.items() if k != "name"}))
                i += 2
                continue
        kept.append(b)
        i += 1
    listing.prose = kept


def merge(listing: Listing) -> Listing:
    """One entity per (name, product): a company listed twice (two purposes) is one, with both."""
    merged: dict[tuple[str, str], Entity] = {}
    for e in listing.entities:
        have = merged.get(e.key)
        if have is None:
            merged[e.key] = e
            continue
        merged[e.key] = Entity(
            have.name,
            _union(have.purpose, e.purpose, "; "),
            _union(have.location, e.location, ", "),
            have.serves,
            have.effective or e.effective,
        )
    listing.entities = list(merged.values())
    return listing


def _union(a: str, b: str, sep: str) -> str:
    parts = [p for p in a.split(sep) if p] if a else []
    for p in (b.split(sep) if b else []):
        if p and _fold(p) not in {_fold(x) for x in parts}:
            parts.append(p)
    return sep.join(parts)

"""The synthetic German, French and Spanish evaluation set (tests/languages/*.toml): a base policy per
language and labeled edits of it, built into (old, new) text pairs for tests and bench/eval_languages.py."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

CASES_DIR = Path(__file__).parent / "languages"
LANGUAGES = ("de", "fr", "es")


@dataclass(frozen=True)
class LanguageCase:
    lang: str
    id: str
    material: bool
    categories: tuple[str, ...]
    old: str
    new: str


def _document(title: str, blocks: list[str]) -> str:
    return "\n\n".join([title, *blocks]) + "\n"


def _section_end(blocks: list[str], heading: int) -> int:
    return next((k for k in range(heading + 1, len(blocks)) if blocks[k].startswith("#")), len(blocks))


def apply(base: list[str], edit: dict) -> list[str]:
    """The edit's operations on the base blocks, each by its index in the base."""
    blocks: list[str | None] = list(base)
    for i, text in edit.get("replace", []):
        blocks[i] = text
    for i, j in edit.get("join", []):
        blocks[i] = f"{blocks[i]} {blocks[j]}"
        blocks[j] = None
    if "swap_sections" in edit:
        a, b = edit["swap_sections"]
        a_end, b_end = _section_end(base, a), _section_end(base, b)
        blocks = blocks[:a] + blocks[b:b_end] + blocks[a_end:b] + blocks[a:a_end] + blocks[b_end:]
    for i in edit.get("delete", []):
        blocks[i] = None
    inserted: list[str | None] = []
    before = {i: text for i, text in edit.get("insert", [])}
    for k, block in enumerate(blocks):
        if k in before:
            inserted.append(before[k])
        inserted.append(block)
    return [b for b in inserted if b is not None]


def load(lang: str, part: str = "edit") -> list[LanguageCase]:
    """The cases of one language: "edit" (asserted by the tests) or "heldout1"/"heldout2" (scored apart)."""
    data = tomllib.loads((CASES_DIR / f"{lang}.toml").read_text(encoding="utf-8"))
    return [
        LanguageCase(lang, e["id"], e["material"], tuple(e.get("categories", ())),
                     _document(data["title"], apply(data["base"], {"replace": e.get("base_replace", [])})),
                     _document(data["title"], apply(data["base"], e)))
        for e in data.get(part, [])
    ]


def all_cases() -> list[LanguageCase]:
    return [case for lang in LANGUAGES if (CASES_DIR / f"{lang}.toml").exists() for case in load(lang)]

"""The blob format (sha256 of the bytes, zlib level 3), with nothing else imported: analysis workers
pack a new page's text and raw bytes themselves, so the event loop never spends its time compressing.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

# Level 3: four times faster than the default on policy pages, for about 12% more bytes.
LEVEL = 3


@dataclass(frozen=True)
class Packed:
    sha256: str  # of the uncompressed bytes: the blob's key
    size: int  # uncompressed
    data: bytes  # zlib

    def as_row(self) -> dict:
        return {"sha256": self.sha256, "size": self.size, "data": self.data}


def pack(data: bytes) -> Packed:
    return Packed(hashlib.sha256(data).hexdigest(), len(data), zlib.compress(data, LEVEL))

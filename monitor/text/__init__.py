"""Page text, pure: bytes of a page -> decoded, extracted, normalized text, and the quality gate."""

"""The clause engine, pure: segment two texts into clauses, align them, diff words, filter the cosmetic."""

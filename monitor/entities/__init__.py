"""Documents read as lists of entities (sub-processor lists) and as promises (DPAs): pure core."""

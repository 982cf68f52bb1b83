"""Adapters for HTTP sources: vendor sites and web archives."""

"""Rendering, pure: comparisons and notification messages as text, markdown, HTML and terminal output."""

"""The command line: parse, call a job or the core, print, map errors to exit codes."""

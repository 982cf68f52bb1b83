"""The store adapter: the schema, its migrations, every SQL statement, and the run lock."""

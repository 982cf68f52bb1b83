"""The static report: records in, HTML pages and Atom feeds out. Pure: no I/O, no store.

`records` holds the values the pages are built from and the site's paths (permalinks); `pages` the
index, document and version pages; `change_page` the page of one change; `feeds` the Atom feeds;
`evidence` the export rows. Writing files and choosing what to rewrite is `monitor.jobs.report`.
"""

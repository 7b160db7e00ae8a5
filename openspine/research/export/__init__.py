"""Research exports: the canonical long table, its codebook, the identifier scan and the zip bundle.

For a script (the benchmark, an analyst's notebook) the entry point is
:func:`openspine.research.export.bundle.write_long_csv`: give it a cohort version, an open text
stream and a mode; it streams every row with flat memory and returns the row count and SHA-256.
"""

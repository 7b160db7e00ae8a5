"""Research cohorts, de-identified exports and the research office.

Issue 12; the specification is shared/reference/research-export.md.
"""

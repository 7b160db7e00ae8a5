"""Research cohorts, de-identified exports and the research office (issue 12, shared/reference/research-export.md)."""

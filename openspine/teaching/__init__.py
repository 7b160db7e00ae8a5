"""Teaching and case logs (issue 11, shared/reference/teaching.md)."""

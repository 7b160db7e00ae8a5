"""Radiographs and their measurements (issue 14, shared/reference/imaging.md)."""

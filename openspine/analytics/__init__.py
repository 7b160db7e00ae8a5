"""Outcomes, safety and quality analytics (issue 10).

:mod:`openspine.analytics.methods` holds the statistical methods of
``shared/reference/outcomes.md``: plain functions over plain rows (numbers, dicts), no Django
models, each returning a small frozen dataclass that carries its numerator, denominator, method
name and parameters so a figure can be regenerated exactly (outcomes.md section 0 rule 5).
"""

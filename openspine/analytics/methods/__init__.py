"""The statistical methods of outcomes.md, one module per family (STYLE.md: plain functions, plain rows).

- :mod:`.intervals` section 7: Wilson, Clopper-Pearson, Garwood exact Poisson, Byar, O/E,
  Newcombe difference, t interval, bootstrap median.
- :mod:`.funnel` sections 4.1, 4.2, 4.4: funnel limits (exact interpolated and normal).
- :mod:`.overdispersion` section 4.3: winsorised phi, tau^2, adjusted limits.
- :mod:`.risk` sections 3.2, 3.5: logistic risk models, C-statistic, calibration, O/E by unit.
- :mod:`.shrinkage` section 3.4: reliability, shrinkage, the n >= 30 / R >= 0.70 display rule.
- :mod:`.cusum` section 5: RA-CUSUM, Bernoulli CUSUM, VLAD, learning-curve CUSUMs, choice of h.
- :mod:`.survival` section 6: Kaplan-Meier, log-rank, Aalen-Johansen cumulative incidence.
- :mod:`.responders` sections 1.2, 2: pairing, responders, mean change, completeness, Rubin, IPW.
- :mod:`.suppression` section 8: small-number rules for the pages.
"""

"""Risk models as versioned rows: the model card of outcomes.md section 3.5.

A :class:`RiskModelVersion` is one attempt to fit the department's logistic risk model of one
binary outcome (S1 at 30 days, ...) on its own signed operations. A fitted version keeps what is
needed to score an operation again exactly (terms, coefficients, category levels) and what the
card shows (n, events, C-statistic, calibration intercept and slope, Hosmer-Lemeshow, the decile
calibration table, the development period and when it was fitted). A refused attempt (too few
events per parameter, separation, no convergence) is kept too, with the reason in words, so the
page can say why there is no adjusted figure. Rows are never edited: a refit adds a version.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openspine.core.models import PublicIdModel


class FitStatus(models.TextChoices):
    FITTED = "fitted", _("Fitted")
    REFUSED = "refused", _("Refused")


REFUSAL_MESSAGES = {
    "no_operations": _("No mature signed operations in the development period."),
    "no_varying_predictor": _("No predictor varies in the development data."),
    "not_fitted": _("The estimation failed (a predictor separates the outcomes, or it did not converge)."),
}


class RiskModelVersion(PublicIdModel):
    """One version of a department's case-mix model of one outcome (outcomes.md 3.2, 3.5)."""

    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, help_text=_("The indicator and window modelled, e.g. S1_30d.")
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=FitStatus.choices)
    refusal_code = models.CharField(_("refusal"), max_length=30, blank=True)
    refusal_detail = models.JSONField(_("refusal detail"), default=dict, blank=True)
    refusal_reason = models.TextField(
        _("why it was not fitted"), blank=True, help_text=_("The method's own message, in English.")
    )
    population = models.JSONField(
        _("population"), default=dict, help_text=_("Which operations the model was developed on.")
    )
    predictors = models.JSONField(_("predictors"), default=list)
    dropped_predictors = models.JSONField(
        _("predictors left out"), default=list, help_text=_("Constant in the development data.")
    )
    terms = models.JSONField(_("terms"), default=list)
    coefficients = models.JSONField(_("coefficients"), default=list)
    standard_errors = models.JSONField(_("standard errors"), default=list)
    levels = models.JSONField(_("category levels"), default=dict)
    n = models.PositiveIntegerField(_("operations"))
    events = models.PositiveIntegerField(_("events"))
    c_statistic = models.FloatField(_("C-statistic"), null=True, blank=True)
    calibration_intercept = models.FloatField(_("calibration-in-the-large"), null=True, blank=True)
    calibration_slope = models.FloatField(_("calibration slope"), null=True, blank=True)
    hosmer_lemeshow = models.FloatField(_("Hosmer-Lemeshow statistic"), null=True, blank=True)
    hosmer_lemeshow_df = models.PositiveSmallIntegerField(_("Hosmer-Lemeshow df"), null=True, blank=True)
    hosmer_lemeshow_p = models.FloatField(_("Hosmer-Lemeshow p"), null=True, blank=True)
    calibration_groups = models.JSONField(
        _("calibration table"), default=list, help_text=_("Per tenth of predicted risk: mean risk, rate, n.")
    )
    development_start = models.DateField(_("development period from"))
    development_end = models.DateField(_("development period to"))
    min_events_per_parameter = models.PositiveSmallIntegerField(_("minimum events per parameter"))
    method = models.CharField(_("method"), max_length=40)
    software = models.JSONField(_("software versions"), default=dict)
    fitted_at = models.DateTimeField(_("fitted at"))
    fitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("fitted by"),
        help_text=_("Empty when the scheduled refit ran it."),
    )

    class Meta:
        ordering = ["department", "outcome", "-version"]
        verbose_name = _("risk model version")
        verbose_name_plural = _("risk model versions")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "outcome", "version"], name="riskmodel_unique_version"
            ),
        ]

    def __str__(self):
        return f"{self.outcome} v{self.version}"

    @property
    def is_fitted(self) -> bool:
        return self.status == FitStatus.FITTED

    def reason(self) -> str:
        """Say in the reader's language why this version was not fitted ("" when it was)."""
        if self.is_fitted:
            return ""
        if self.refusal_code == "too_few_events":
            return _(
                "Too few events to fit this risk model: %(events)s events for %(parameters)s "
                "parameters; at least %(per)s events per parameter (%(required)s) are needed."
            ) % {**self.refusal_detail, "per": self.min_events_per_parameter}
        return str(REFUSAL_MESSAGES.get(self.refusal_code, self.refusal_reason))

    def to_method_model(self):
        """Return the fitted model as the methods' ``RiskModel``, to score operations with."""
        from openspine.analytics.methods.risk import RiskModel  # statsmodels loads only when scoring

        return RiskModel(
            model_id=self.model_id,
            version=str(self.version),
            outcome="y",
            predictors=tuple(self.predictors),
            terms=tuple(self.terms),
            coefficients=tuple(self.coefficients),
            standard_errors=tuple(self.standard_errors),
            levels=tuple(sorted((k, tuple(v)) for k, v in self.levels.items())),
            n=self.n,
            events=self.events,
            performance=None,
            fitted_on=self.fitted_at.date(),
            method=self.method,
        )

    @property
    def model_id(self) -> str:
        return f"{self.department_id}:{self.outcome}"

    @property
    def label(self) -> str:
        """The id and version carried by every figure scored with this model (outcomes.md 0.5)."""
        return f"{self.outcome}-v{self.version}"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being generated")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class QualityReport(PublicIdModel):
    """One generated annual quality report (issue 10): the PDF's path and SHA-256, kept and signed off.

    The figures are counted once, when the report is generated; the PDF names the exact parameters.
    Signing off adds a sign-off page carrying who, when and the SHA-256 of the content signed; a
    signed report is never regenerated or signed again (services refuse it).
    """

    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    year = models.PositiveIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default="queued")
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 of the content"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("signed off by"),
    )
    signed_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    signed_file_name = models.CharField(_("signed file"), max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("quality report")
        verbose_name_plural = _("quality reports")

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

"""Cohort criteria as data: check a criteria dict, then compile it to one query of index operations.

A cohort is a set of index operations (research-export.md section 0, decision 3: time is counted
from the index operation). Criteria are plain JSON so that a saved version, the manifest and the
API carry the same thing. :func:`parse` refuses bad input with a message naming the field and its
allowed values; :func:`compile_criteria` turns checked criteria into one ORM query, with every
related condition an ``EXISTS`` subquery so that an operation is counted once.

Only signed operations of patients whose current research-use consent is granted are ever part of a
cohort (security.md T-51: patients without research consent never appear in research exports).
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils.translation import gettext as _

from openspine.core import levels
from openspine.patients.choices import ConsentKind, DiseaseArea
from openspine.patients.models import ConsentRecord
from openspine.proms.models import QuestionnaireResponse, Timepoint
from openspine.research.choices import ComplicationFilter
from openspine.surgery.choices import PROCEDURE_GROUPS, OperationKind, OperationStatus
from openspine.surgery.models import Complication, Operation, OperationProcedure
from spinescores import registry

KEYS = (
    "disease_areas",
    "icd10",
    "procedure_groups",
    "level_from",
    "level_to",
    "performed_from",
    "performed_to",
    "age_min",
    "age_max",
    "baseline",
    "follow_up",
    "complications",
    "include_revisions",
)
AGE_LIMITS = (0, 120)
ICD10_PREFIX = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{0,4})?$")
REGISTRY_STATUSES = (OperationStatus.SIGNED, OperationStatus.AMENDED)


class CriteriaError(ValueError):
    """Bad criteria: ``errors`` maps each criterion to a message naming its allowed values."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Criteria:
    """Checked cohort criteria; empty fields do not filter."""

    disease_areas: tuple[str, ...] = ()
    icd10: tuple[str, ...] = ()
    procedure_groups: tuple[str, ...] = ()
    level_from: int | None = None
    level_to: int | None = None
    performed_from: date | None = None
    performed_to: date | None = None
    age_min: int | None = None
    age_max: int | None = None
    baseline: dict = field(default_factory=dict)
    follow_up: dict = field(default_factory=dict)
    complications: str = ""
    include_revisions: bool = False

    def as_data(self) -> dict:
        """Return the criteria as JSON-ready data (what a cohort version stores)."""
        data = {
            "disease_areas": list(self.disease_areas),
            "icd10": list(self.icd10),
            "procedure_groups": list(self.procedure_groups),
            "level_from": levels.label(self.level_from) if self.level_from is not None else "",
            "level_to": levels.label(self.level_to) if self.level_to is not None else "",
            "performed_from": self.performed_from.isoformat() if self.performed_from else "",
            "performed_to": self.performed_to.isoformat() if self.performed_to else "",
            "age_min": self.age_min,
            "age_max": self.age_max,
            "baseline": dict(self.baseline),
            "follow_up": dict(self.follow_up),
            "complications": self.complications,
            "include_revisions": self.include_revisions,
        }
        return data


def instrument_codes() -> list[str]:
    """Codes of the scored instruments a criterion may name (spinescores catalogue)."""
    return sorted(i.code for i in registry.catalog() if i.kind in ("prom", "clinician"))


def timepoint_labels() -> list[str]:
    """Timepoint labels used by the follow-up protocols, e.g. baseline, 3m, 12m."""
    return sorted(set(Timepoint.objects.values_list("label", flat=True)))


def _allowed(values) -> str:
    return ", ".join(str(v) for v in values)


def _choice_list(data, key, allowed, errors) -> tuple[str, ...]:
    raw = data.get(key) or []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, (list, tuple)):
        errors[key] = _("Give a list. Allowed values: %(allowed)s.") % {"allowed": _allowed(allowed)}
        return ()
    unknown = [str(v) for v in raw if v not in allowed]
    if unknown:
        errors[key] = _("Unknown value %(value)s. Allowed values: %(allowed)s.") % {
            "value": ", ".join(unknown),
            "allowed": _allowed(allowed),
        }
        return ()
    return tuple(dict.fromkeys(raw))


def _icd10(data, errors) -> tuple[str, ...]:
    raw = data.get("icd10") or []
    if isinstance(raw, str):
        raw = [part for part in re.split(r"[\s,;]+", raw) if part]
    codes = [str(code).strip().upper() for code in raw if isinstance(code, str)]
    bad = [code for code in codes if not ICD10_PREFIX.match(code)]
    if bad or len(codes) != len(raw):
        errors["icd10"] = _(
            "%(value)s is not an ICD-10 code or prefix. Allowed: a letter and two digits, "
            "optionally a dot and up to four characters, e.g. M51 or M48.06."
        ) % {"value": ", ".join(bad) or "?"}
        return ()
    return tuple(dict.fromkeys(codes))


def _level(data, key, errors) -> int | None:
    raw = data.get(key)
    if raw in (None, ""):
        return None
    if isinstance(raw, str) and raw in levels.LABELS:
        return levels.parse(raw)
    errors[key] = _("Unknown level %(value)s. Allowed values: %(allowed)s.") % {
        "value": raw,
        "allowed": _allowed(levels.LABELS),
    }
    return None


def _date(data, key, errors) -> date | None:
    raw = data.get(key)
    if raw in (None, ""):
        return None
    try:
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        errors[key] = _("Give a date as YYYY-MM-DD, e.g. 2024-01-31.")
        return None


def _age(data, key, errors) -> int | None:
    raw = data.get(key)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = None
    if value is None or isinstance(raw, bool) or not AGE_LIMITS[0] <= value <= AGE_LIMITS[1]:
        errors[key] = _("Give a whole number of years from %(low)s to %(high)s.") % {
            "low": AGE_LIMITS[0],
            "high": AGE_LIMITS[1],
        }
        return None
    return value


def _score_range(data, key, errors) -> dict:
    raw = data.get(key) or {}
    if not raw:
        return {}
    if not isinstance(raw, dict) or not raw.get("instrument"):
        errors[key] = _("Name an instrument. Allowed values: %(allowed)s.") % {
            "allowed": _allowed(instrument_codes())
        }
        return {}
    if raw["instrument"] not in instrument_codes():
        errors[key] = _("Unknown instrument %(value)s. Allowed values: %(allowed)s.") % {
            "value": raw["instrument"],
            "allowed": _allowed(instrument_codes()),
        }
        return {}
    result = {"instrument": raw["instrument"]}
    for bound in ("min", "max"):
        if raw.get(bound) in (None, ""):
            continue
        try:
            result[bound] = float(raw[bound])
        except (TypeError, ValueError):
            errors[key] = _("The %(bound)s score must be a number.") % {"bound": bound}
            return {}
    if "min" in result and "max" in result and result["min"] > result["max"]:
        errors[key] = _("The lowest score cannot be above the highest.")
        return {}
    return result


def _follow_up(data, errors) -> dict:
    raw = data.get("follow_up") or {}
    if not raw:
        return {}
    labels = timepoint_labels()
    if not isinstance(raw, dict) or raw.get("instrument") not in instrument_codes():
        errors["follow_up"] = _("Name an instrument. Allowed values: %(allowed)s.") % {
            "allowed": _allowed(instrument_codes())
        }
        return {}
    if raw.get("timepoint") not in labels:
        errors["follow_up"] = _("Unknown timepoint %(value)s. Allowed values: %(allowed)s.") % {
            "value": raw.get("timepoint") or "?",
            "allowed": _allowed(labels),
        }
        return {}
    return {"instrument": raw["instrument"], "timepoint": raw["timepoint"]}


def parse(data: dict) -> Criteria:
    """Check ``data``: return :class:`Criteria`, or raise :class:`CriteriaError` naming bad fields."""
    if not isinstance(data, dict):
        raise CriteriaError({"criteria": _("Give the criteria as an object.")})
    errors: dict[str, str] = {}
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        errors["criteria"] = _("Unknown criterion %(value)s. Allowed criteria: %(allowed)s.") % {
            "value": ", ".join(unknown),
            "allowed": _allowed(KEYS),
        }
    complications = data.get("complications") or ""
    if complications not in ("", *ComplicationFilter.values):
        errors["complications"] = _("Unknown value %(value)s. Allowed values: %(allowed)s.") % {
            "value": complications,
            "allowed": _allowed(ComplicationFilter.values),
        }
    criteria = Criteria(
        disease_areas=_choice_list(data, "disease_areas", DiseaseArea.values, errors),
        icd10=_icd10(data, errors),
        procedure_groups=_choice_list(data, "procedure_groups", list(PROCEDURE_GROUPS), errors),
        level_from=_level(data, "level_from", errors),
        level_to=_level(data, "level_to", errors),
        performed_from=_date(data, "performed_from", errors),
        performed_to=_date(data, "performed_to", errors),
        age_min=_age(data, "age_min", errors),
        age_max=_age(data, "age_max", errors),
        baseline=_score_range(data, "baseline", errors),
        follow_up=_follow_up(data, errors),
        complications=complications if "complications" not in errors else "",
        include_revisions=bool(data.get("include_revisions")),
    )
    _check_pairs(criteria, errors)
    if errors:
        raise CriteriaError(errors)
    return criteria


def _check_pairs(criteria: Criteria, errors: dict) -> None:
    if criteria.performed_from and criteria.performed_to and criteria.performed_from > criteria.performed_to:
        errors["performed_to"] = _("The end of the period cannot be before its start.")
    if criteria.age_min is not None and criteria.age_max is not None and criteria.age_min > criteria.age_max:
        errors["age_max"] = _("The highest age cannot be below the lowest.")
    if (
        criteria.level_from is not None
        and criteria.level_to is not None
        and criteria.level_from > criteria.level_to
    ):
        errors["level_to"] = _("The lower level must be at or below the upper level.")


def _age_at_operation():
    """Whole years from birth to the operation date, computed in SQL (SQLite and PostgreSQL)."""
    birthday_not_reached = Case(
        When(
            Q(performed_month__lt=F("birth_month"))
            | Q(performed_month=F("birth_month"), performed_day__lt=F("birth_day")),
            then=Value(1),
        ),
        default=Value(0),
        output_field=IntegerField(),
    )
    return F("performed_year") - F("birth_year") - birthday_not_reached


def with_age(queryset):
    """Annotate ``age_at_index`` (whole years on the day of the operation)."""
    return queryset.annotate(
        performed_year=ExtractYear("performed_on"),
        performed_month=ExtractMonth("performed_on"),
        performed_day=ExtractDay("performed_on"),
        birth_year=ExtractYear("patient__birth_date"),
        birth_month=ExtractMonth("patient__birth_date"),
        birth_day=ExtractDay("patient__birth_date"),
    ).annotate(age_at_index=_age_at_operation())


def research_consent_granted():
    """A condition true when the patient's latest research-use decision is a grant (T-51)."""
    latest = ConsentRecord.objects.filter(
        patient=OuterRef("patient"), kind=ConsentKind.RESEARCH_USE
    ).order_by("-decided_at", "-id")
    return Q(research_consent=True), Subquery(latest.values("granted")[:1])


def compile_criteria(criteria: Criteria, *, department_id: int):
    """Return the query of the cohort's index operations in ``department_id``, ordered by patient."""
    consent_q, consent = research_consent_granted()
    qs = with_age(
        Operation.objects.filter(patient__department_id=department_id, status__in=REGISTRY_STATUSES)
        .annotate(research_consent=consent)
        .filter(consent_q)
    )
    if not criteria.include_revisions:
        qs = qs.filter(kind=OperationKind.INDEX)
    if criteria.disease_areas:
        qs = qs.filter(diagnosis__disease_area__in=criteria.disease_areas)
    if criteria.icd10:
        icd = Q()
        for code in criteria.icd10:
            icd |= Q(diagnosis__icd10__startswith=code)
        qs = qs.filter(icd)
    if criteria.procedure_groups:
        codes = [code for group in criteria.procedure_groups for code in PROCEDURE_GROUPS[group]]
        qs = qs.filter(Exists(OperationProcedure.objects.filter(operation=OuterRef("pk"), code__in=codes)))
    qs = _filter_levels_dates_ages(qs, criteria)
    qs = _filter_scores(qs, criteria)
    if criteria.complications:
        has = Exists(Complication.objects.filter(operation=OuterRef("pk")))
        qs = qs.filter(has if criteria.complications == ComplicationFilter.ANY else ~has)
    return qs.order_by("patient_id", "performed_on", "pk")


def _filter_levels_dates_ages(qs, criteria: Criteria):
    # An operation matches a level range when the levels it treated overlap the range.
    if criteria.level_from is not None:
        qs = qs.filter(level_to__gte=criteria.level_from)
    if criteria.level_to is not None:
        qs = qs.filter(level_from__lte=criteria.level_to)
    if criteria.performed_from:
        qs = qs.filter(performed_on__gte=criteria.performed_from)
    if criteria.performed_to:
        qs = qs.filter(performed_on__lte=criteria.performed_to)
    if criteria.age_min is not None:
        qs = qs.filter(age_at_index__gte=criteria.age_min)
    if criteria.age_max is not None:
        qs = qs.filter(age_at_index__lte=criteria.age_max)
    return qs


def _filter_scores(qs, criteria: Criteria):
    if criteria.baseline:
        responses = QuestionnaireResponse.objects.filter(
            follow_up__operation=OuterRef("pk"),
            follow_up__is_baseline=True,
            instrument=criteria.baseline["instrument"],
            value__isnull=False,
        )
        if "min" in criteria.baseline:
            responses = responses.filter(value__gte=criteria.baseline["min"])
        if "max" in criteria.baseline:
            responses = responses.filter(value__lte=criteria.baseline["max"])
        qs = qs.filter(Exists(responses))
    if criteria.follow_up:
        qs = qs.filter(
            Exists(
                QuestionnaireResponse.objects.filter(
                    follow_up__operation=OuterRef("pk"),
                    follow_up__timepoint=criteria.follow_up["timepoint"],
                    instrument=criteria.follow_up["instrument"],
                    value__isnull=False,
                )
            )
        )
    return qs


def describe(data: dict) -> list[str]:
    """Return the criteria in words, one line per criterion that filters (for pages and the README)."""
    from openspine.research.choices import PROCEDURE_GROUP_LABELS

    areas = dict(DiseaseArea.choices)
    lines = []
    if data.get("disease_areas"):
        lines.append(
            _("Disease areas: %(v)s") % {"v": ", ".join(str(areas.get(a, a)) for a in data["disease_areas"])}
        )
    if data.get("icd10"):
        lines.append(_("ICD-10: %(v)s") % {"v": ", ".join(data["icd10"])})
    if data.get("procedure_groups"):
        groups = ", ".join(str(PROCEDURE_GROUP_LABELS.get(g, g)) for g in data["procedure_groups"])
        lines.append(_("Procedure groups: %(v)s") % {"v": groups})
    if data.get("level_from") or data.get("level_to"):
        lines.append(
            _("Levels: %(low)s to %(high)s")
            % {"low": data.get("level_from") or "…", "high": data.get("level_to") or "…"}
        )
    if data.get("performed_from") or data.get("performed_to"):
        lines.append(
            _("Operated: %(low)s to %(high)s")
            % {"low": data.get("performed_from") or "…", "high": data.get("performed_to") or "…"}
        )
    if data.get("age_min") is not None or data.get("age_max") is not None:
        low, high = data.get("age_min"), data.get("age_max")
        lines.append(
            _("Age: %(low)s to %(high)s")
            % {"low": "…" if low is None else low, "high": "…" if high is None else high}
        )
    if data.get("baseline"):
        b = data["baseline"]
        lines.append(
            _("Baseline %(instrument)s from %(low)s to %(high)s")
            % {"instrument": b["instrument"], "low": b.get("min", "…"), "high": b.get("max", "…")}
        )
    if data.get("follow_up"):
        lines.append(_("Completed %(instrument)s at %(timepoint)s") % data["follow_up"])
    if data.get("complications"):
        lines.append(str(dict(ComplicationFilter.choices)[data["complications"]]))
    if data.get("include_revisions"):
        lines.append(_("Revisions included"))
    return lines

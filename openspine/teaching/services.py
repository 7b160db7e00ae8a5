"""Every change to the case log: derive from a signed operation, confirm, rate; one transaction each.

``derive_case_log_entries`` is a sign-off step (``settings.OPENSPINE_SIGN_OFF_STEPS``): the surgery
sign-off service calls it inside its own transaction, so a refusal here leaves the record unsigned.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openspine import audit
from openspine.core.errors import DomainError
from openspine.surgery.choices import OperationStatus, TeamRole
from openspine.teaching import categories as category_rules
from openspine.teaching import reminders
from openspine.teaching.choices import Category, CreditRole, EntryState, Programme, RaterRole, Zwisch
from openspine.teaching.models import (
    AutonomyRating,
    CaseLogEntry,
    CategoryMap,
    CategoryRule,
    Requirement,
    RequirementSet,
    Trainee,
)

SURGEON_ROLES = (TeamRole.PRIMARY_SURGEON, TeamRole.RESIDENT_OPERATOR)
SCRUBBED_ROLES = (TeamRole.TEACHING_ASSISTANT, TeamRole.ASSISTANT_1, TeamRole.ASSISTANT_2, TeamRole.ASSISTANT)
# When a person holds two roles on one team, the entry keeps the one that did most.
ROLE_WEIGHT = {role: n for n, role in enumerate([*SURGEON_ROLES, *SCRUBBED_ROLES, TeamRole.OBSERVER])}
ASSISTANT_CREDIT = {TeamRole.OBSERVER: CreditRole.OBSERVER}


def trainee_stage_on(user, day) -> str:
    """Return ``"<programme>:<year>"`` for a trainee enrolled on ``day``, else "" (a sign-off hook)."""
    trainee = Trainee.objects.filter(user=user).first()
    year = trainee.year_on(day) if trainee else None
    return f"{trainee.programme}:{year}" if year else ""


def stage_label(stage: str) -> str:
    """Return a frozen stage code as words: "Standardised residency training (规培), year 2"."""
    programme, _sep, year = stage.partition(":")
    if programme not in Programme.values:
        return stage
    return _("%(programme)s, year %(year)s") % {"programme": Programme(programme).label, "year": year}


# --- derivation (teaching.md 2.2) ------------------------------------------------------------------


class _Person:
    def __init__(self, member):
        self.user = member.user
        self.role = member.role
        self.stage = member.trainee_stage
        self.portion = list(member.portion or [])
        self.year = int(self.stage.partition(":")[2] or 0)


def _trainees_on_team(operation) -> list[_Person]:
    people: dict[int, _Person] = {}
    for member in operation.team.select_related("user").order_by("id"):
        if not member.trainee_stage or member.role not in ROLE_WEIGHT:
            continue
        current = people.get(member.user_id)
        if current is None or ROLE_WEIGHT[member.role] < ROLE_WEIGHT[current.role]:
            people[member.user_id] = _Person(member)
    return list(people.values())


def credit_roles(people: list[_Person]) -> dict[int, str]:
    """Return {user id: credit role}; only one trainee takes surgeon credit (teaching.md 2.2 step 2)."""
    surgeons = [p for p in people if p.role in SURGEON_ROLES]
    if len(surgeons) > 1:
        raise DomainError(
            _(
                "Only one trainee can take surgeon credit for an operation, but the team records "
                "%(count)s trainees as operating surgeon (术者). Correct the team before signing."
            )
            % {"count": len(surgeons)}
        )
    credits: dict[int, str] = {}
    surgeon = surgeons[0] if surgeons else None
    if surgeon is not None:
        credits[surgeon.user.pk] = CreditRole.SURGEON
    else:
        scrubbed = [p for p in people if p.role in SCRUBBED_ROLES]
        if scrubbed:
            senior = max(scrubbed, key=lambda p: p.year)
            did_critical = "critical" in senior.portion
            credits[senior.user.pk] = CreditRole.SURGEON if did_critical else CreditRole.FIRST_ASSISTANT
            surgeon = senior if did_critical else None
    for person in people:
        if person.user.pk in credits:
            continue
        teaches = person.role == TeamRole.TEACHING_ASSISTANT and surgeon and person.year > surgeon.year
        if teaches:
            credits[person.user.pk] = CreditRole.TEACHING_ASSISTANT
        else:
            credits[person.user.pk] = ASSISTANT_CREDIT.get(person.role, CreditRole.ASSISTANT)
    return credits


def current_category_map() -> CategoryMap | None:
    """Return the category map in force today (the latest effective one)."""
    return CategoryMap.objects.filter(effective_from__lte=timezone.localdate()).first()


def _categories(operation, category_map) -> list[str]:
    if category_map is None:
        return []
    return category_rules.categories_for(category_rules.facts_of(operation), category_map.rules.all())


@transaction.atomic
def derive_case_log_entries(operation, *, actor) -> list[CaseLogEntry]:
    """Create or update one entry per trainee on the team of a signed ``operation``; idempotent.

    Keyed by (operation, trainee): signing twice changes nothing. After an amendment, an entry
    whose credit or categories changed goes back to pending with the reason, and both versions are
    in the audit trail; a trainee no longer on the team has their entry withdrawn.
    """
    if operation.status != OperationStatus.SIGNED:
        raise DomainError(_("Case-log entries are derived only from a signed operation record."))
    people = _trainees_on_team(operation)
    credits = credit_roles(people)
    category_map = current_category_map()
    found = _categories(operation, category_map)
    existing = {e.trainee_id: e for e in CaseLogEntry.objects.select_for_update().filter(operation=operation)}
    entries, fresh = [], []
    for person in people:
        values = {
            "team_role": person.role,
            "trainee_stage": person.stage,
            "credit_role": credits[person.user.pk],
            "categories": found,
            "category_map": category_map,
            "attending": operation.primary_surgeon,
            "performed_on": operation.performed_on,
        }
        entry = existing.pop(person.user.pk, None)
        if entry is None:
            entry, changed = _create_entry(operation, person.user, values, actor), True
        else:
            entry, changed = _update_entry(entry, values, actor)
        entries.append(entry)
        if changed:
            fresh.append(entry)
    for entry in existing.values():
        _withdraw_entry(entry, actor)
    reminders.notify_after_commit(fresh)
    return entries


def _entry_summary(entry) -> dict:
    return {
        "credit_role": entry.credit_role,
        "team_role": entry.team_role,
        "categories": list(entry.categories),
        "category_map": entry.category_map.version if entry.category_map else None,
        "state": entry.state,
    }


def _create_entry(operation, user, values, actor) -> CaseLogEntry:
    entry = CaseLogEntry.objects.create(
        operation=operation, trainee=user, derived_at=timezone.now(), **values
    )
    audit.record(
        actor, "teaching.caselogentry.derived", entry, after=_entry_summary(entry), patient=operation.patient
    )
    return entry


def _update_entry(entry, values, actor) -> tuple[CaseLogEntry, bool]:
    """Apply re-derived ``values``; return the entry and whether it went back to pending."""
    before = _entry_summary(entry)
    changed = (entry.credit_role, entry.categories) != (values["credit_role"], values["categories"])
    for name, value in values.items():
        setattr(entry, name, value)
    if not changed and entry.state != EntryState.WITHDRAWN:
        entry.save()
        return entry, False
    entry.state = EntryState.PENDING
    entry.state_reason = _("The operation record was amended: credit %(before)s, now %(after)s.") % {
        "before": CreditRole(before["credit_role"]).label,
        "after": entry.get_credit_role_display(),
    }
    entry.confirmed_at = entry.confirmed_by = None
    entry.derived_at = timezone.now()
    entry.reminders_sent = 0
    entry.save()
    audit.record(
        actor,
        "teaching.caselogentry.amended",
        entry,
        before=before,
        after=_entry_summary(entry),
        reason=entry.state_reason,
        patient=entry.operation.patient,
    )
    return entry, True


def _withdraw_entry(entry, actor) -> None:
    if entry.state == EntryState.WITHDRAWN:
        return
    before = _entry_summary(entry)
    entry.state = EntryState.WITHDRAWN
    entry.state_reason = _("The operation record was amended: the trainee is no longer on the team.")
    entry.save()
    audit.record(
        actor,
        "teaching.caselogentry.withdrawn",
        entry,
        before=before,
        after=_entry_summary(entry),
        reason=entry.state_reason,
        patient=entry.operation.patient,
    )


# --- confirmation and autonomy (teaching.md 3, 4.1) ---------------------------------------------


def _clean_zwisch(value, field="zwisch") -> str:
    if value not in Zwisch.values:
        raise ValidationError(
            {
                field: _("%(value)s is not a Zwisch level; allowed: %(allowed)s.")
                % {"value": value or "—", "allowed": ", ".join(Zwisch.values)}
            }
        )
    return value


def refuse_unless_attending(entry, actor) -> None:
    """Refuse, and audit the attempt, when ``actor`` is not the attending of record of ``entry``."""
    if actor.pk == entry.trainee_id:
        message = _("Nobody confirms their own case-log entry.")
    elif actor.pk != entry.attending_id:
        message = _("Only the attending of record of this operation can confirm the entry.")
    else:
        return
    with transaction.atomic():
        audit.record(actor, "teaching.caselogentry.confirm_refused", entry, patient=entry.operation.patient)
    raise DomainError(message)


def confirm_case_log_entry(entry, *, actor, zwisch, credit_role=None) -> CaseLogEntry:
    """Confirm (or correct and confirm) a pending entry with the attending's own Zwisch rating.

    The attending's rating is required to confirm (teaching.md 3). A corrected credit may not give
    the operation a second surgeon credit. The refusal of someone else's entry is checked outside
    the transaction, so its audit event stays.
    """
    refuse_unless_attending(entry, actor)
    return _confirm(entry, actor, zwisch, credit_role)


@transaction.atomic
def _confirm(entry, actor, zwisch, credit_role) -> CaseLogEntry:
    zwisch = _clean_zwisch(zwisch)
    if entry.state not in (EntryState.PENDING, EntryState.DISPUTED):
        raise DomainError(_("Only a pending or disputed entry can be confirmed."))
    before = _entry_summary(entry)
    if credit_role and credit_role != entry.credit_role:
        entry.credit_role = _clean_credit(entry, credit_role)
    entry.state = EntryState.CONFIRMED
    entry.state_reason = ""
    entry.confirmed_at = timezone.now()
    entry.confirmed_by = actor
    entry.save()
    AutonomyRating.objects.create(
        entry=entry, rater=actor, rater_role=RaterRole.ATTENDING, value=zwisch, rated_at=entry.confirmed_at
    )
    after = {**_entry_summary(entry), "zwisch": zwisch}
    audit.record(
        actor,
        "teaching.caselogentry.confirmed",
        entry,
        before=before,
        after=after,
        patient=entry.operation.patient,
    )
    return entry


def _clean_credit(entry, credit_role) -> str:
    if credit_role not in CreditRole.values:
        raise ValidationError(
            {
                "credit_role": _("%(value)s is not a credit role; allowed: %(allowed)s.")
                % {"value": credit_role, "allowed": ", ".join(CreditRole.values)}
            }
        )
    others = CaseLogEntry.objects.filter(operation=entry.operation, credit_role=CreditRole.SURGEON)
    if (
        credit_role == CreditRole.SURGEON
        and others.exclude(pk=entry.pk).exclude(state=EntryState.WITHDRAWN).exists()
    ):
        raise ValidationError(
            {"credit_role": _("Another trainee already has surgeon credit for this operation; only one can.")}
        )
    return credit_role


def confirm_day(entries, ratings: dict, *, actor) -> list[CaseLogEntry]:
    """Confirm each of ``entries`` that has a Zwisch rating in ``ratings`` (keyed by public id).

    All or nothing: one refused entry leaves the whole day unconfirmed. Entries without a rating
    stay pending (a bulk confirm needs a rating for each case, teaching.md 3).
    """
    rated = [e for e in entries if ratings.get(str(e.public_id))]
    if not rated:
        raise ValidationError({"zwisch": _("Rate at least one case before confirming the day.")})
    for entry in rated:
        refuse_unless_attending(entry, actor)
    with transaction.atomic():
        return [_confirm(e, actor, ratings[str(e.public_id)], None) for e in rated]


@transaction.atomic
def rate_own_entry(entry, *, actor, zwisch) -> AutonomyRating:
    """Record the trainee's self-rating of ``entry``; kept apart from the attending's (teaching.md 3)."""
    if actor.pk != entry.trainee_id:
        raise DomainError(_("Only the trainee rates their own case."))
    zwisch = _clean_zwisch(zwisch)
    if entry.ratings.filter(rater_role=RaterRole.SELF).exists():
        raise DomainError(_("You have already rated this case; a rating is not changed afterwards."))
    rating = AutonomyRating.objects.create(
        entry=entry, rater=actor, rater_role=RaterRole.SELF, value=zwisch, rated_at=timezone.now()
    )
    audit.record(
        actor,
        "teaching.autonomyrating.added",
        entry,
        after={"rater_role": "self", "zwisch": zwisch},
        patient=entry.operation.patient,
    )
    return rating


@transaction.atomic
def dispute_case_log_entry(entry, *, actor, reason: str) -> CaseLogEntry:
    """Let the trainee say the derived role or categories are wrong; the attending then resolves it."""
    if actor.pk != entry.trainee_id:
        raise DomainError(_("Only the trainee can dispute their own case-log entry."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with the entry.")})
    if entry.state != EntryState.PENDING:
        raise DomainError(_("Only a pending entry can be disputed."))
    before = _entry_summary(entry)
    entry.state, entry.state_reason = EntryState.DISPUTED, reason
    entry.save(update_fields=["state", "state_reason"])
    audit.record(
        actor,
        "teaching.caselogentry.disputed",
        entry,
        before=before,
        after=_entry_summary(entry),
        reason=reason,
        patient=entry.operation.patient,
    )
    return entry


def visible_ratings(entry, viewer) -> dict[str, str | None]:
    """Return {"self": level, "attending": level} as ``viewer`` may see them.

    Neither the trainee nor the attending sees the other's rating until both are in (teaching.md 0.4).
    """
    ratings = {r.rater_role: r.value for r in entry.ratings.all()}
    both_in = RaterRole.SELF in ratings and RaterRole.ATTENDING in ratings
    shown = {}
    for role in (RaterRole.SELF, RaterRole.ATTENDING):
        own = (role == RaterRole.SELF and viewer.pk == entry.trainee_id) or (
            role == RaterRole.ATTENDING and viewer.pk == entry.attending_id
        )
        shown[role.value] = ratings.get(role) if (both_in or own) else None
    return shown


# --- loading the department's tables (idempotent) -------------------------------------------------


def _clean_categories(codes, field) -> list[str]:
    unknown = [code for code in codes if code not in Category.values]
    if unknown or not codes:
        raise ValidationError(
            {
                field: _("%(value)s is not a case-log category; allowed: %(allowed)s.")
                % {"value": ", ".join(unknown) or "—", "allowed": ", ".join(Category.values)}
            }
        )
    return list(codes)


def _clean_rule(rule: dict) -> dict:
    _clean_categories([rule.get("category")], "category")
    for clause in rule.get("clauses") or [None]:
        if not isinstance(clause, dict) or not clause or set(clause) - category_rules.CLAUSE_KEYS:
            raise ValidationError(
                {
                    "clauses": _("Each clause maps some of %(allowed)s to lists of values.")
                    % {"allowed": ", ".join(sorted(category_rules.CLAUSE_KEYS))}
                }
            )
    return rule


@transaction.atomic
def load_category_map(data: dict, *, actor=None) -> CategoryMap:
    """Load one version of the category map; loading the same version again changes nothing.

    A version is never edited in place: different rules under a loaded version are refused.
    """
    rules = [_clean_rule(rule) for rule in data["rules"]]
    category_map = CategoryMap.objects.filter(version=data["version"]).first()
    if category_map is not None:
        stored = list(category_map.rules.values_list("category", "clauses"))
        if stored != [(r["category"], r["clauses"]) for r in rules]:
            raise ValidationError(
                {
                    "version": _(
                        "Version %(version)s is loaded with other rules; give the change a new version."
                    )
                    % {"version": data["version"]}
                }
            )
        return category_map
    fields = {k: data[k] for k in ("version", "title", "source_citation", "effective_from")}
    category_map = CategoryMap.objects.create(**fields, notes=data.get("notes", ""))
    CategoryRule.objects.bulk_create(
        [
            CategoryRule(
                category_map=category_map,
                category=r["category"],
                clauses=r["clauses"],
                icd9cm3_prefixes=r.get("icd9cm3_prefixes", []),
                notes=r.get("notes", ""),
            )
            for r in rules
        ]
    )
    audit.record(actor, "teaching.categorymap.loaded", category_map, after={"version": category_map.version})
    return category_map


def _clean_requirement(row: dict) -> dict:
    _clean_categories(row.get("categories") or [], "categories")
    roles = row.get("credit_roles") or []
    if not roles or set(roles) - set(CreditRole.values):
        raise ValidationError(
            {
                "credit_roles": _("Credit roles must be some of %(allowed)s.")
                % {"allowed": ", ".join(CreditRole.values)}
            }
        )
    if not isinstance(row.get("minimum"), int) or row["minimum"] < 1:
        raise ValidationError({"minimum": _("A minimum is a whole number of cases, at least 1.")})
    return row


@transaction.atomic
def load_requirement_set(data: dict, *, actor=None) -> RequirementSet:
    """Load (or reload) a requirement set from the department's signed-off file; idempotent by code."""
    rows = [_clean_requirement(row) for row in data["requirements"]]
    if data.get("programme") not in Programme.values:
        raise ValidationError(
            {"programme": _("Choose a programme: %(allowed)s.") % {"allowed": ", ".join(Programme.values)}}
        )
    keys = (
        "title",
        "source_citation",
        "edition",
        "effective_from",
        "effective_to",
        "programme",
        "is_example",
    )
    existing = RequirementSet.objects.filter(code=data["code"]).first()
    if existing is not None and _same_requirements(existing, data, rows, keys):
        return existing
    requirement_set, _created = RequirementSet.objects.update_or_create(
        code=data["code"], defaults={k: data.get(k) for k in keys}
    )
    requirement_set.requirements.all().delete()
    Requirement.objects.bulk_create(
        [
            Requirement(
                requirement_set=requirement_set,
                **{k: row[k] for k in ("code", "label", "categories", "minimum", "credit_roles")},
            )
            for row in rows
        ]
    )
    audit.record(
        actor, "teaching.requirementset.loaded", requirement_set, after={"code": requirement_set.code}
    )
    return requirement_set


def _same_requirements(requirement_set, data, rows, keys) -> bool:
    """Return True when ``requirement_set`` already holds exactly ``data`` (a reload changes nothing)."""
    fields = ("code", "label", "categories", "minimum", "credit_roles")
    stored = [tuple(r[f] for f in fields) for r in requirement_set.requirements.values(*fields)]
    header = {k: str(getattr(requirement_set, k)) for k in keys}
    return header == {k: str(data.get(k)) for k in keys} and stored == [
        tuple(r[f] for f in fields) for r in rows
    ]

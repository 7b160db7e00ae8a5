"""What each role may do: the single table behind every permission check.

A capability is a short dotted string. Views, API endpoints and access functions ask
``can(user, capability)``; nothing else looks at roles directly, so the access matrix test and this
table are the whole story.
"""

from openspine.accounts.choices import Role

CLINICAL_ROLES = frozenset({Role.DIRECTOR, Role.SURGEON, Role.RESIDENT, Role.COORDINATOR})
ATTENDING_ROLES = frozenset({Role.DIRECTOR, Role.SURGEON})

CAPABILITIES: dict[str, frozenset[str]] = {
    # Identified patient data.
    "patient.view": CLINICAL_ROLES,
    "patient.edit": CLINICAL_ROLES,
    # Operations: residents write drafts that wait for an attending's co-signature.
    "operation.edit": frozenset({Role.DIRECTOR, Role.SURGEON, Role.RESIDENT}),
    "operation.sign": ATTENDING_ROLES,
    "complication.edit": CLINICAL_ROLES,
    # Follow-up work.
    "followup.manage": frozenset({Role.DIRECTOR, Role.SURGEON, Role.COORDINATOR}),
    "followup.dashboard": frozenset({Role.DIRECTOR, Role.SURGEON, Role.COORDINATOR}),
    # Spinal cord injury examinations.
    "sci.exam.edit": CLINICAL_ROLES,
    # Quality indicators (outcomes.md): the director and the auditor see every surgeon's figures,
    # an attending sees their own beside the department's.
    "quality.view_all": frozenset({Role.DIRECTOR, Role.AUDITOR}),
    "quality.view_own": frozenset({Role.SURGEON}),
    # Issue 10: the director may refit the department's risk models (a background task).
    "quality.refit_models": frozenset({Role.DIRECTOR}),
    # Issue 10: the annual quality report; who sees every surgeon may generate and download it, only
    # the director signs it off.
    "quality.report_generate": frozenset({Role.DIRECTOR, Role.AUDITOR}),
    "quality.report_sign": frozenset({Role.DIRECTOR}),
    # Oversight.
    "audit.view": frozenset({Role.AUDITOR}),
    "roles.grant": frozenset({Role.SECADMIN}),
    "system.configure": frozenset({Role.SYSADMIN}),
    "api.use": CLINICAL_ROLES,
    # Teaching case logs (issue 11): a trainee reads their own log, the attending of record confirms,
    # the programme director sees the cohort.
    "caselog.view_own": frozenset({Role.RESIDENT}),
    "caselog.confirm": ATTENDING_ROLES,
    "caselog.view_programme": frozenset({Role.DIRECTOR}),
    # Radiographs (issue 14): clinical staff upload films; doctors place landmarks and save readings.
    "imaging.film.add": CLINICAL_ROLES,
    "imaging.measure": frozenset({Role.DIRECTOR, Role.SURGEON, Role.RESIDENT}),
    # Research (issue 12): projects, cohorts, counts and de-identified exports; never identified rows.
    "research.view": frozenset({Role.DIRECTOR, Role.RESEARCHER}),
    "research.edit": frozenset({Role.DIRECTOR, Role.RESEARCHER}),
    "research.export": frozenset({Role.DIRECTOR, Role.RESEARCHER}),
    # The research API takes clinical tokens too, so each endpoint answers 403/404 by itself.
    "research.api": CLINICAL_ROLES | {Role.RESEARCHER},
    # Hospital interfaces (issue 13): the records office (coordinator) and the director import
    # 病案首页 files; the sysadmin watches the HL7 feed and reprocesses its dead letters.
    "interop.import": frozenset({Role.DIRECTOR, Role.COORDINATOR}),
    "interop.hl7.manage": frozenset({Role.SYSADMIN}),
    "interop.merge": frozenset({Role.DIRECTOR, Role.COORDINATOR}),
    "interop.bulk_export": frozenset({Role.DIRECTOR}),  # the registry's FHIR NDJSON export
}


def can(user, capability: str) -> bool:
    """Return True if ``user`` is an active, authenticated staff member whose role grants ``capability``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in CAPABILITIES[capability]

"""FHIR R4 out: one patient's record as a ``collection`` Bundle, built and checked with fhir.resources.

interop.md 5 and 6: base R4 resources (no profile claimed), R4B models (identical to R4 for these
resources), every resource validated by the library **and** by :func:`check_codes`, because the
library does not check coded values. Codes:

* diagnoses: the registry's ICD-10 code under the site's local canonical for its edition (3.2:
  no HL7-registered URI for the Chinese editions), ``OPENSPINE_FHIR_ICD10_SYSTEM``;
* operations: the department's procedure catalogue under our own CodeSystem (the registry holds
  no ICD-9-CM-3 code; SNOMED procedure codes are UNVERIFIED, 5.1);
* body site: levels as text; the SNOMED spine-region codes of 5.1 only where the site turns
  ``OPENSPINE_FHIR_SNOMED`` on (their licence for a mainland deployment is UNVERIFIED);
* PROM scores: LOINC 97909-6 for the ODI total (5.2 [V]; sent as the percent score with a note),
  our instrument CodeSystem for everything else (NDI LOINC codes are UNVERIFIED, EQ-5D has only
  SNOMED codes, JOA/mJOA/SRS-22r/VAS/NRS have none).
"""

import uuid

from django.conf import settings
from fhir.resources.R4B import get_fhir_model_class

from openspine.core import levels

OUR = "https://openspine.org/fhir"
MRN_SYSTEM = f"{OUR}/sid/mrn"
INSTRUMENT_SYSTEM = f"{OUR}/CodeSystem/instrument"
PROCEDURE_SYSTEM = f"{OUR}/CodeSystem/procedure"
QUESTIONNAIRE_BASE = f"{OUR}/Questionnaire"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
# interop.md 5.2 [V]: the only PROM code verified on loinc.org.
LOINC_SCORES = {"odi": ("97909-6", "Oswestry disability index score ODI")}
ODI_NOTE = "Percent score (0-100); LOINC's description also mentions 0-50 bands."
# interop.md 5.1 [S]: spine region body structures, optional per site.
SNOMED_REGIONS = {
    "C": ("122494005", "Cervical spine structure"),
    "T": ("122495006", "Thoracic spine structure"),
    "L": ("122496007", "Lumbar spine structure"),
}

# Required bindings of the elements we emit (FHIR R4 value sets), and Bundle.type (interop.md 5.3).
REQUIRED_CODES = {
    ("Patient", "gender"): {"male", "female", "other", "unknown"},
    ("Encounter", "status"): {
        "planned",
        "arrived",
        "triaged",
        "in-progress",
        "onleave",
        "finished",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    ("Condition", "verificationStatus"): {
        "unconfirmed",
        "provisional",
        "differential",
        "confirmed",
        "refuted",
        "entered-in-error",
    },
    ("Procedure", "status"): {
        "preparation",
        "in-progress",
        "not-done",
        "on-hold",
        "stopped",
        "completed",
        "entered-in-error",
        "unknown",
    },
    ("Observation", "status"): {
        "registered",
        "preliminary",
        "final",
        "amended",
        "corrected",
        "cancelled",
        "entered-in-error",
        "unknown",
    },
    ("QuestionnaireResponse", "status"): {
        "in-progress",
        "completed",
        "amended",
        "entered-in-error",
        "stopped",
    },
    ("Bundle", "type"): {
        "document",
        "message",
        "transaction",
        "transaction-response",
        "batch",
        "batch-response",
        "history",
        "searchset",
        "collection",
    },
}
ENCOUNTER_CLASSES = {"IMP", "AMB", "EMER"}


class FhirCodeError(ValueError):
    """A resource carries a code outside its required value set."""


def _icd10_system() -> str:
    return getattr(settings, "OPENSPINE_FHIR_ICD10_SYSTEM", f"{OUR}/CodeSystem/icd10-cn-clinical-2.0")


def _urn(obj) -> str:
    return f"urn:uuid:{obj.public_id}"


def patient_resource(patient) -> dict:
    """Patient: MRN, name, sex, birth date; never the national ID (the receiver may not be entitled)."""
    return {
        "resourceType": "Patient",
        "identifier": [{"use": "usual", "system": MRN_SYSTEM, "value": patient.mrn}],
        "name": [{"text": patient.name}],
        "gender": patient.sex,
        "birthDate": patient.birth_date.isoformat(),
        **({"deceasedDateTime": patient.deceased_on.isoformat()} if patient.deceased_on else {}),
    }


def encounter_resource(admission, subject: str, diagnoses: list) -> dict:
    period = {"start": admission.admitted_on.isoformat()}
    if admission.discharged_on:
        period["end"] = admission.discharged_on.isoformat()
    resource = {
        "resourceType": "Encounter",
        "identifier": [{"system": f"{OUR}/sid/admission-number", "value": admission.admission_number}],
        "status": "finished" if admission.discharged_on else "in-progress",
        "class": {"system": ACT_CODE, "code": "IMP", "display": "inpatient encounter"},
        "subject": {"reference": subject},
        "period": period,
    }
    if diagnoses:
        resource["diagnosis"] = [
            {"condition": {"reference": _urn(d)}, "rank": rank} for rank, d in enumerate(diagnoses, start=1)
        ]
    if admission.discharge_destination:
        resource["hospitalization"] = {
            "dischargeDisposition": {"text": admission.get_discharge_destination_display()}
        }
    return resource


def condition_resource(diagnosis, subject: str) -> dict:
    resource = {
        "resourceType": "Condition",
        "category": [{"coding": [{"system": CONDITION_CATEGORY, "code": "encounter-diagnosis"}]}],
        "verificationStatus": {"coding": [{"system": CONDITION_VERIFICATION, "code": "confirmed"}]},
        "code": {"coding": [{"system": _icd10_system(), "code": diagnosis.icd10}], "text": diagnosis.icd10},
        "subject": {"reference": subject},
        "recordedDate": diagnosis.diagnosed_on.isoformat(),
    }
    if diagnosis.admission_id:
        resource["encounter"] = {"reference": _urn(diagnosis.admission)}
    if diagnosis.levels_label:
        resource["bodySite"] = [{"text": diagnosis.levels_label}]
    return resource


def _body_site(operation) -> dict:
    text = levels.range_label(operation.level_from, operation.level_to)
    site = {"text": text}
    if getattr(settings, "OPENSPINE_FHIR_SNOMED", False) and operation.level_from is not None:
        regions = dict.fromkeys(
            levels.label(i)[0]
            for i in range(operation.level_from, (operation.level_to or operation.level_from) + 1)
        )
        site["coding"] = [
            {"system": SNOMED, "code": SNOMED_REGIONS[r][0], "display": SNOMED_REGIONS[r][1]}
            for r in regions
            if r in SNOMED_REGIONS
        ]
    return site


def procedure_resource(operation, subject: str) -> dict:
    procedures = list(operation.procedures.all())
    resource = {
        "resourceType": "Procedure",
        "status": "completed",
        "subject": {"reference": subject},
        "code": {
            "coding": [
                {"system": PROCEDURE_SYSTEM, "code": p.code, "display": str(p.get_code_display())}
                for p in procedures
            ],
            "text": "; ".join(str(p.get_code_display()) for p in procedures),
        },
        "performedPeriod": {"start": operation.started_at.isoformat(), "end": operation.ended_at.isoformat()},
        "bodySite": [_body_site(operation)],
        "encounter": {"reference": _urn(operation.admission)},
    }
    if operation.diagnosis_id:
        resource["reasonReference"] = [{"reference": _urn(operation.diagnosis)}]
    if operation.status != "signed":
        resource["note"] = [{"text": "The operation record is not signed."}]
    return resource


def questionnaire_response_resource(response, subject: str) -> dict:
    items = []
    for link_id, answer in sorted(response.answers.items()):
        if isinstance(answer, bool) or answer is None:
            continue
        key = (
            "valueInteger"
            if isinstance(answer, int)
            else "valueDecimal"
            if isinstance(answer, float)
            else "valueString"
        )
        items.append(
            {"linkId": str(link_id), "answer": [{key: answer if key != "valueString" else str(answer)}]}
        )
    resource = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{QUESTIONNAIRE_BASE}/{response.instrument}|{response.instrument_version}",
        "status": "completed",
        "subject": {"reference": subject},
        "authored": response.completed_at.isoformat(),
    }
    if items:
        resource["item"] = items
    return resource


def observation_resource(response, subject: str) -> dict:
    code, display = LOINC_SCORES.get(response.instrument, (None, None))
    coding = [{"system": INSTRUMENT_SYSTEM, "code": response.instrument}]
    if code:
        coding.insert(0, {"system": LOINC, "code": code, "display": display})
    resource = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}],
        "code": {"coding": coding, "text": response.instrument},
        "subject": {"reference": subject},
        "effectiveDateTime": response.completed_at.isoformat(),
        "valueQuantity": {"value": response.value, "unit": "{score}", "system": UCUM, "code": "{score}"},
        "derivedFrom": [{"reference": _urn(response)}],
    }
    if response.instrument == "odi":
        resource["note"] = [{"text": ODI_NOTE}]
    return resource


def check_codes(resource: dict) -> None:
    """Refuse a resource whose coded elements leave their required value sets (the library does not check)."""
    kind = resource.get("resourceType")
    for (resource_type, element), allowed in REQUIRED_CODES.items():
        if resource_type != kind or element not in resource:
            continue
        value = resource[element]
        codes = [c.get("code") for c in value.get("coding", [])] if isinstance(value, dict) else [value]
        for code in codes:
            if code not in allowed:
                raise FhirCodeError(
                    f"{kind}.{element} “{code}” is not allowed; allowed: {', '.join(sorted(allowed))}."
                )
    if kind == "Encounter" and resource.get("class", {}).get("code") not in ENCOUNTER_CLASSES:
        raise FhirCodeError(f"Encounter.class must be one of {', '.join(sorted(ENCOUNTER_CLASSES))}.")


def validated(resource: dict) -> dict:
    """Validate ``resource`` with fhir.resources R4B and our code checks; return its JSON form."""
    check_codes(resource)
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return model.model_dump(mode="json", exclude_none=True)


def patient_resources(patient) -> list[tuple[object, dict]]:
    """Every resource of one patient as (source object, resource dict), references as urn:uuid."""
    subject = _urn(patient)
    admissions = list(patient.admissions.all())
    diagnoses = list(patient.diagnoses.select_related("admission"))
    operations = list(
        patient.operations.select_related("admission", "diagnosis").prefetch_related("procedures")
    )
    responses = [r for f in patient.follow_ups.prefetch_related("responses") for r in f.responses.all()]
    pairs = [(patient, patient_resource(patient))]
    for admission in admissions:
        linked = [d for d in diagnoses if d.admission_id == admission.pk]
        pairs.append((admission, encounter_resource(admission, subject, linked)))
    pairs += [(d, condition_resource(d, subject)) for d in diagnoses]
    pairs += [(o, procedure_resource(o, subject)) for o in operations]
    for response in responses:
        pairs.append((response, questionnaire_response_resource(response, subject)))
        if response.value is not None:
            pairs.append((_ScoreOf(response), observation_resource(response, subject)))
    return pairs


class _ScoreOf:
    """The score of a response as its own entry (its id is derived from the response's)."""

    def __init__(self, response):
        self.public_id = uuid.uuid5(response.public_id, "score")


def patient_bundle(patient) -> dict:
    """Return one patient's record as a validated R4 ``collection`` Bundle (interop.md 5.3)."""
    entries = [
        {"fullUrl": _urn(obj), "resource": validated(resource)}
        for obj, resource in patient_resources(patient)
    ]
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": entries}
    return validated(bundle)

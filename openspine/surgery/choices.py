from django.db import models
from django.utils.translation import gettext_lazy as _


class OperationKind(models.TextChoices):
    INDEX = "index", _("Index operation")
    REVISION = "revision", _("Revision")


class OperationStatus(models.TextChoices):
    """Draft until signed; a resident's record waits for an attending; an amendment voids the signature."""

    DRAFT = "draft", _("Draft")
    AWAITING_COSIGN = "awaiting_cosign", _("Awaiting attending co-signature")
    SIGNED = "signed", _("Signed")
    AMENDED = "amended", _("Amended, signature needed")


class SignatureMeaning(models.TextChoices):
    """What a signature confirms (21 CFR Part 11 asks that the meaning be shown with the signature)."""

    AUTHOR = "author", _("Author: I performed this operation and this record is correct")
    COSIGN = "cosign", _("Co-signature: I supervised this operation and confirm the resident's record")


class TeamRole(models.TextChoices):
    """What a team member did (teaching.md 2.1; the roles of the 病案首页, interop.md 2).

    ``assistant`` and ``resident_operator`` are the roles recorded before the teaching roles existed.
    They stay as recorded: renaming them would change the signed content of every signed record, and
    nobody can tell now which of two assistants was I助. New records use the teaching roles.
    """

    PRIMARY_SURGEON = "primary_surgeon", _("Trainee as operating surgeon (术者)")
    ASSISTANT_1 = "assistant_1", _("First assistant (I助)")
    ASSISTANT_2 = "assistant_2", _("Second assistant (II助)")
    TEACHING_ASSISTANT = "teaching_assistant", _("Teaching assistant")
    OBSERVER = "observer", _("Observer")
    ANAESTHETIST = "anaesthetist", _("Anaesthetist")
    ASSISTANT = "assistant", _("Assistant (recorded before I助/II助)")
    RESIDENT_OPERATOR = "resident_operator", _("Resident operator (recorded before teaching roles)")


# Roles a new record may take; the legacy ones stay readable and editable on records that have them.
LEGACY_TEAM_ROLES = frozenset({TeamRole.ASSISTANT, TeamRole.RESIDENT_OPERATOR})


class Portion(models.TextChoices):
    """The part of the operation a trainee did (teaching.md 1.4, 2.1: the autonomy zones)."""

    OPENING = "opening", _("Opening")
    EXPOSURE = "exposure", _("Exposure")
    CRITICAL = "critical", _("Critical portion")
    CLOSURE = "closure", _("Closure")


class Approach(models.TextChoices):
    ANTERIOR = "anterior", _("Anterior")
    POSTERIOR = "posterior", _("Posterior")
    LATERAL = "lateral", _("Lateral")
    COMBINED = "combined", _("Combined")


class Technique(models.TextChoices):
    OPEN = "open", _("Open")
    MINIMALLY_INVASIVE = "mis", _("Minimally invasive")
    ENDOSCOPIC = "endoscopic", _("Endoscopic")


class AsaGrade(models.IntegerChoices):
    """ASA physical status I-VI (classifications.md 8.1, tagged [U]: stored as assigned, never computed)."""

    I = 1, "ASA I"  # noqa: E741
    II = 2, "ASA II"
    III = 3, "ASA III"
    IV = 4, "ASA IV"
    V = 5, "ASA V"
    VI = 6, "ASA VI"


class Procedure(models.TextChoices):
    """The department's spine procedure catalogue."""

    DECOMPRESSION_LAMINOTOMY = "decompression_laminotomy", _("Decompression: laminotomy / fenestration")
    DECOMPRESSION_LAMINECTOMY = "decompression_laminectomy", _("Decompression: laminectomy")
    DECOMPRESSION_FORAMINOTOMY = "decompression_foraminotomy", _("Decompression: foraminotomy")
    DECOMPRESSION_CORPECTOMY = "decompression_corpectomy", _("Decompression: corpectomy")
    DISCECTOMY_OPEN = "discectomy_open", _("Discectomy: open / microscopic")
    DISCECTOMY_MED = "discectomy_med", _("Discectomy: microendoscopic (MED)")
    DISCECTOMY_FULL_ENDOSCOPIC = "discectomy_full_endoscopic", _("Discectomy: full endoscopic (PELD)")
    FUSION_PLIF = "fusion_plif", _("Fusion: PLIF")
    FUSION_TLIF = "fusion_tlif", _("Fusion: TLIF")
    FUSION_ALIF = "fusion_alif", _("Fusion: ALIF")
    FUSION_OLIF = "fusion_olif", _("Fusion: OLIF")
    FUSION_XLIF = "fusion_xlif", _("Fusion: XLIF")
    FUSION_ACDF = "fusion_acdf", _("Fusion: ACDF")
    FUSION_ACCF = "fusion_accf", _("Fusion: ACCF")
    FUSION_POSTEROLATERAL = "fusion_posterolateral", _("Fusion: posterolateral")
    STABILISATION_RIGID = "stabilisation_rigid", _("Stabilisation: rigid instrumentation")
    STABILISATION_MOTION = "stabilisation_motion", _("Stabilisation: motion-preserving")
    ARTHROPLASTY = "arthroplasty", _("Disc arthroplasty")
    LAMINOPLASTY = "laminoplasty", _("Laminoplasty")
    VERTEBROPLASTY = "vertebroplasty", _("Vertebroplasty")
    KYPHOPLASTY = "kyphoplasty", _("Kyphoplasty")
    OSTEOTOMY_SPO = "osteotomy_spo", _("Osteotomy: SPO")
    OSTEOTOMY_PSO = "osteotomy_pso", _("Osteotomy: PSO")
    OSTEOTOMY_VCR = "osteotomy_vcr", _("Osteotomy: VCR")
    TUMOUR_EN_BLOC = "tumour_en_bloc", _("Tumour resection: en bloc")
    TUMOUR_PIECEMEAL = "tumour_piecemeal", _("Tumour resection: piecemeal")
    TUMOUR_SEPARATION = "tumour_separation", _("Tumour: separation surgery")
    DEBRIDEMENT_INFECTION = "debridement_infection", _("Debridement for infection / tuberculosis")
    DEFORMITY_CORRECTION = "deformity_correction", _("Deformity correction")
    OTHER = "other", _("Other")


PROCEDURE_GROUPS = {
    "decompression": [p for p in Procedure if p.value.startswith("decompression")],
    "discectomy": [p for p in Procedure if p.value.startswith("discectomy")],
    "fusion": [p for p in Procedure if p.value.startswith("fusion")],
    "stabilisation": [Procedure.STABILISATION_RIGID, Procedure.STABILISATION_MOTION],
    "arthroplasty": [Procedure.ARTHROPLASTY],
    "laminoplasty": [Procedure.LAMINOPLASTY],
    "augmentation": [Procedure.VERTEBROPLASTY, Procedure.KYPHOPLASTY],
    "osteotomy": [p for p in Procedure if p.value.startswith("osteotomy")],
    "tumour": [p for p in Procedure if p.value.startswith("tumour")],
    "infection": [Procedure.DEBRIDEMENT_INFECTION],
    "deformity": [Procedure.DEFORMITY_CORRECTION],
    "other": [Procedure.OTHER],
}


def procedure_group(code: str) -> str:
    """Return the group ("fusion", "discectomy", ...) a procedure code belongs to."""
    for group, members in PROCEDURE_GROUPS.items():
        if code in members:
            return group
    return "other"


class ImplantKind(models.TextChoices):
    PEDICLE_SCREW = "pedicle_screw", _("Pedicle screw")
    LATERAL_MASS_SCREW = "lateral_mass_screw", _("Lateral mass screw")
    CAGE = "cage", _("Interbody cage")
    ROD = "rod", _("Rod")
    PLATE = "plate", _("Plate")
    DISC_PROSTHESIS = "disc_prosthesis", _("Disc prosthesis")
    VERTEBRAL_BODY_REPLACEMENT = "vertebral_body_replacement", _("Vertebral body replacement")
    CEMENT = "cement", _("Bone cement")
    OTHER = "other", _("Other")


class ComplicationCategory(models.TextChoices):
    DURAL_TEAR = "dural_tear", _("Dural tear")
    SSI_SUPERFICIAL = "ssi_superficial", _("Surgical site infection, superficial")
    SSI_DEEP = "ssi_deep", _("Surgical site infection, deep")
    NEURO_DEFICIT = "neuro_deficit", _("Neurological deficit, new or worse")
    EPIDURAL_HAEMATOMA = "epidural_haematoma", _("Epidural haematoma")
    IMPLANT_FAILURE = "implant_failure", _("Implant failure or malposition")
    CSF_LEAK = "csf_leak", _("Cerebrospinal fluid leak")
    VTE = "vte", _("Venous thromboembolism")
    PNEUMONIA = "pneumonia", _("Pneumonia")
    UTI = "uti", _("Urinary tract infection")
    DELIRIUM = "delirium", _("Delirium")
    DEATH = "death", _("Death")
    OTHER = "other", _("Other")


class ComplicationTiming(models.TextChoices):
    INTRAOPERATIVE = "intraoperative", _("Intra-operative")
    IN_HOSPITAL = "in_hospital", _("In hospital")
    WITHIN_30_DAYS = "within_30_days", _("Within 30 days")
    WITHIN_90_DAYS = "within_90_days", _("Within 90 days")
    LATER = "later", _("Later than 90 days")


class ClavienDindo(models.TextChoices):
    """Clavien-Dindo grades (classifications.md 8.4)."""

    I = "I", "I"  # noqa: E741
    II = "II", "II"
    IIIA = "IIIa", "IIIa"
    IIIB = "IIIb", "IIIb"
    IVA = "IVa", "IVa"
    IVB = "IVb", "IVb"
    V = "V", "V"


class Reporter(models.TextChoices):
    SURGEON = "surgeon", _("Surgeon")
    COORDINATOR = "coordinator", _("Coordinator")
    PATIENT = "patient", _("Patient")

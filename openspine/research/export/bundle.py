"""Write an export: the long CSV streamed row by row, then the zip with codebook, README and manifest.

:func:`write_long_csv` is the plain function a script calls (the benchmark)::

    from openspine.research.export.bundle import write_long_csv
    with open("long.csv", "w", newline="", encoding="utf-8") as out:
        result = write_long_csv(cohort_version, out, mode="deidentified")
    print(result.rows, result.sha256)

It never holds the rows in a list: each row is formatted, scanned for identifiers (T-45) and
written before the next is read.
"""

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field

from openspine.research import pseudonyms
from openspine.research.criteria import compile_criteria, parse
from openspine.research.export import canary
from openspine.research.export.codebook import CODEBOOK_VERSION, codebook_csv, readme_text
from openspine.research.export.rows import RowStats, columns_for, follow_ups_of, iter_long_rows

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Fixed member timestamps, so the same data and manifest give byte-identical data files (section 9).
ZIP_TIME = (2000, 1, 1, 0, 0, 0)
PROGRESS_EVERY = 5000


class Cancelled(Exception):
    """The requester cancelled the export while it ran."""


class _Line:
    """csv's pseudo-buffer: ``write`` returns the formatted line instead of storing it."""

    def write(self, value):
        return value


def neutralise(value):
    """Return a cell value safe for spreadsheets: text starting with = + - @ tab or CR gets a quote.

    Numbers are left alone (a negative day count stays a number). security.md T-58.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    if value is None:
        return ""
    return value


@dataclass
class CsvResult:
    rows: int
    sha256: str
    stats: RowStats
    counts: dict = field(default_factory=dict)
    identifiers: dict = field(default_factory=dict)


def cohort_plan(cohort_version):
    """Return (operations query, follow-ups query) of a cohort version, pseudonyms ensured."""
    project = cohort_version.cohort.project
    operations = compile_criteria(parse(cohort_version.criteria), department_id=project.department_id)
    pseudonyms.ensure_subject_keys(project, operations.values_list("patient_id", flat=True).distinct())
    return operations, follow_ups_of(operations, project)


def write_long_csv(cohort_version, out, *, mode: str, progress=None) -> CsvResult:
    """Stream the long table of ``cohort_version`` to the text stream ``out``; scan every line.

    ``progress(rows_written)`` is called every :data:`PROGRESS_EVERY` rows; it may raise
    :class:`Cancelled`. Raises :class:`canary.IdentifierFound` when an identifier survives.
    """
    operations, follow_ups = cohort_plan(cohort_version)
    columns = columns_for(mode)
    identifiers = canary.load_canaries(operations.values_list("patient_id", flat=True).distinct())
    digest, line_writer = hashlib.sha256(), csv.writer(_Line(), lineterminator="\r\n")
    stats, counts = RowStats(), dict.fromkeys(columns, 0)

    def emit(text):
        out.write(text)
        digest.update(text.encode("utf-8"))

    emit(line_writer.writerow(columns))
    for patient_id, row in iter_long_rows(follow_ups, mode=mode, stats=stats):
        line = line_writer.writerow([neutralise(value) for value in row])
        canary.check_line(line, identifiers.get(patient_id, ()))
        emit(line)
        for name, value in zip(columns, row, strict=True):
            if value not in (None, ""):
                counts[name] += 1
        if progress and stats.rows % PROGRESS_EVERY == 0:
            progress(stats.rows)
    return CsvResult(
        rows=stats.rows, sha256=digest.hexdigest(), stats=stats, counts=counts, identifiers=identifiers
    )


def _member(archive, name, data: bytes) -> str:
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)
    return hashlib.sha256(data).hexdigest()


def write_bundle(run, out, *, progress=None) -> dict:
    """Write the zip of ``run`` (long.csv, codebook.csv, README.txt, manifest.json) to binary ``out``.

    Returns the manifest. The CSV member is written through a stream, never built in memory.
    """
    version = run.cohort_version
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("long.csv", date_time=ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            text = io.TextIOWrapper(member, encoding="utf-8", newline="")
            result = write_long_csv(version, text, mode=run.mode, progress=progress)
            text.flush()
            text.detach()
        columns = columns_for(run.mode)
        identifiers = result.identifiers
        summary = _summary(run, result)
        texts = {
            "codebook.csv": codebook_csv(columns, result.counts),
            "README.txt": readme_text(run_summary=summary),
        }
        hashes = {"long.csv": result.sha256}
        for name, content in texts.items():
            canary.check_text(content, identifiers)
            hashes[name] = _member(archive, name, content.encode("utf-8"))
        manifest = build_manifest(run, result, hashes)
        body = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
        # Hashes and the export's UUID are ours, not data: hex runs could look like a phone number.
        scanned = {key: value for key, value in manifest.items() if key not in ("sha256", "export_id")}
        canary.check_text(json.dumps(scanned, ensure_ascii=False, indent=2), identifiers)
        _member(archive, "manifest.json", body.encode("utf-8"))
    return manifest


def _summary(run, result) -> dict:
    version = run.cohort_version
    project = version.cohort.project
    return {
        "project": project.short_code,
        "approval": version.approval.number,
        "cohort": version.cohort.name,
        "version": version.number,
        "criteria_text": json.dumps(version.criteria, ensure_ascii=False, sort_keys=True),
        "rows": result.rows,
        "subjects": result.stats.subjects,
        "mode": run.mode,
        "dua": project.dua_reference,
    }


def build_manifest(run, result, hashes: dict) -> dict:
    """The manifest of research-export.md section 9."""
    import spinescores

    version = run.cohort_version
    project = version.cohort.project
    return {
        "export_id": str(run.public_id),
        "project": project.short_code,
        "ethics_approval": version.approval.number,
        "data_use_agreement": project.dua_reference if run.mode == "limited_data_set" else "",
        "requested_by": run.requested_by.username,
        "created_at": run.created_at.isoformat(),
        "mode": run.mode,
        "purpose": run.purpose,
        "cohort_definition": {
            "cohort": version.cohort.name,
            "version": version.number,
            "criteria": version.criteria,
        },
        "index_event_rule": "each signed operation matching the criteria; revisions only if included",
        "layout": run.layout,
        "formats": [run.format],
        "spinescores_version": spinescores.__version__,
        "instrument_versions": sorted(f"{code}:{ver}" for code, ver in result.stats.instrument_versions),
        "codebook_version": CODEBOOK_VERSION,
        "row_counts": {"long.csv": result.rows},
        "subjects": result.stats.subjects,
        "sha256": hashes,
        "suppressed": {
            "free_text": "dropped (notes are never exported)",
            "dates": "shifted per patient"
            if run.mode == "limited_data_set"
            else "reduced to year and days from index",
            "ages": "over 89 grouped as 90+",
            "implant_numbers": "dropped",
        },
    }

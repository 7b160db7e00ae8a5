"""Synthetic HL7 v2 ADT messages for the demo stream and the tests (never real patients)."""


def _segment(name: str, fields: dict[int, str]) -> str:
    """Return ``name|f1|f2...`` with each field at its HL7 position (1-based)."""
    size = max(fields) if fields else 0
    return "|".join([name] + [fields.get(n, "") for n in range(1, size + 1)])


def adt(
    event: str,
    control_id: str,
    *,
    mrn: str = "00012345",
    family: str = "张",
    given: str = "三",
    birth: str = "19600501",
    sex: str = "M",
    visit: str = "ZY0000001",
    ward: str = "SPINE1",
    admitted: str = "20260302101500",
    discharged: str = "",
    charset: str = "UNICODE UTF-8",
    version: str = "2.5",
    prior_mrn: str = "",
) -> str:
    msh = "|".join(
        [
            "MSH",
            "^~\\&",
            "HIS",
            "HOSP",
            "OPENSPINE",
            "SPINE",
            "20260302101500",
            "",
            f"ADT^{event}^ADT_A01",
            control_id,
            "P",
            version,
            "",
            "",
            "",
            "",
            "",
            charset,
        ]
    )
    identifiers = f"123456^^^HIS^PI~{mrn}^^^BA^MR~110101196005011234^^^CHN^NNCHN"
    pid = _segment("PID", {1: "1", 3: identifiers, 5: f"{family}^{given}", 7: birth, 8: sex})
    pv1 = _segment(
        "PV1", {1: "1", 2: "I", 3: f"{ward}^201^3^HOSP", 10: "SPI", 19: visit, 44: admitted, 45: discharged}
    )
    segments = [msh, f"EVN|{event}|20260302101500", pid]
    if prior_mrn:  # A40: the record merged away
        segments.append(f"MRG|{prior_mrn}^^^BA^MR")
    segments += [pv1, "ZXX|local|segment"]
    return "\r".join(segments) + "\r"

"""Hospital interfaces: 病案首页 and HL7 v2 in, FHIR R4 out (issue 13, shared/reference/interop.md)."""

"""Whole-film radiograph measurement from named landmarks (reference/imaging.md §1.2, §2).

``calibration`` turns DICOM spacing attributes or a traced marker into millimetres per pixel
(§2.7); ``protocol`` names every click of the guided protocol (§1.2); ``measure`` computes the
coronal Cobb angles and the sagittal parameters of one film from those clicks (§2.2-2.6).
Pure Python, like the rest of spinescores.
"""

"""The consent texts in use: one current version per kind, identified by version and SHA-256.

The hospital's privacy office owns the wording; these summaries are the defaults a deployment
replaces (a new text means a new ``version`` and so a new hash, which is what makes a change of
purpose visible, PIPL Art. 14). The hash is taken over the source text, so it does not depend on
the language the page is shown in.
"""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from openspine.patients.choices import ConsentKind


@dataclass(frozen=True)
class ConsentText:
    """One version of the text a patient agrees to."""

    kind: str
    version: str
    source: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    @property
    def text(self) -> str:
        """The text in the current language (the hash stays that of the source)."""
        return gettext(self.source)


CURRENT = {
    ConsentKind.TREATMENT_PROCESSING: ConsentText(
        ConsentKind.TREATMENT_PROCESSING,
        "default-1",
        _(
            "The spine surgery department records my identity, diagnoses, operations and outcomes "
            "in its registry to treat me and to check the quality of its care."
        ),
    ),
    ConsentKind.FOLLOW_UP_CONTACT: ConsentText(
        ConsentKind.FOLLOW_UP_CONTACT,
        "default-1",
        _(
            "The department may contact me by text message or phone after my treatment to ask "
            "follow-up questionnaires. I can withdraw this at any time."
        ),
    ),
    ConsentKind.RESEARCH_USE: ConsentText(
        ConsentKind.RESEARCH_USE,
        "default-1",
        _(
            "My de-identified registry data may be used for approved research. I can withdraw this "
            "at any time; it then applies to all later research use."
        ),
    ),
}

"""Every user-visible string has a Chinese translation (the UI is zh-hans first).

Strings are found in the source the way makemessages finds them (``_("...")``, ``gettext*``,
``pgettext``-free code, ``{% translate "..." %}`` and ``{% blocktranslate %}``) and must translate
to something in zh-hans through Django's own catalogues. Strings that are the same in both
languages (codes, abbreviations) are listed in ``SAME_IN_BOTH``.
"""

import re
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent / "openspine"
PY_CALL = re.compile(r"""\b(?:_|gettext|gettext_lazy|ngettext_lazy)\(\s*(["'])((?:\\.|(?!\1).)*)\1\s*[,)]""")
TPL_TRANSLATE = re.compile(r"""{%\s*translate\s+(["'])((?:(?!\1).)*)\1""")
TPL_BLOCK = re.compile(r"{%\s*blocktranslate(?P<args>[^%]*)%}(?P<body>.*?){%\s*endblocktranslate\s*%}", re.S)
TPL_VAR = re.compile(r"{{\s*(\w+)\s*}}")
SAME_IN_BOTH = {"OpenSpine", "Clavien-Dindo", "English", "简体中文"}
SAME_IN_BOTH |= {f"ASA {grade}" for grade in ("I", "II", "III", "IV", "V", "VI")}


def _python_strings():
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for match in PY_CALL.finditer(path.read_text(encoding="utf-8")):
            text = match.group(2)
            yield path, text.encode().decode("unicode_escape") if "\\" in text else text


def _template_strings():
    for path in ROOT.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in TPL_TRANSLATE.finditer(text):
            yield path, match.group(2)
        for match in TPL_BLOCK.finditer(text):
            body = match.group("body")
            if "trimmed" in match.group("args"):
                body = " ".join(line.strip() for line in body.strip().splitlines())
            yield path, TPL_VAR.sub(r"%(\1)s", body)


def _untranslated():
    missing = []
    with translation.override("zh-hans"):
        for path, msgid in [*_python_strings(), *_template_strings()]:
            if not msgid.strip() or msgid in SAME_IN_BOTH or not re.search("[A-Za-z]", msgid):
                continue
            if translation.gettext(msgid) == msgid:
                missing.append(f"{path.relative_to(ROOT.parent)}: {msgid!r}")
    return sorted(set(missing))


def test_string_extraction_finds_strings():
    """Guard the guard: the scanner must see the strings it is meant to check."""
    assert len(list(_python_strings())) > 50
    assert len(list(_template_strings())) > 20


def test_every_user_visible_string_is_translated_to_chinese():
    missing = _untranslated()
    assert not missing, f"{len(missing)} untranslated strings in zh-hans:\n" + "\n".join(missing[:60])


@pytest.mark.django_db
def test_home_page_renders_in_chinese_and_english(client_for, surgeon):
    client = client_for(surgeon)
    zh = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "患者" in zh
    client.cookies["django_language"] = "en"
    en = client.get("/").content.decode()
    assert "Patients" in en

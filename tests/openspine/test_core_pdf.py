"""The shared PDF renderer: Chinese and English text with an embedded CJK font, nothing fetched remotely."""

import io

import pytest
from pypdf import PdfReader

from openspine.core.pdf import LOCAL_BASE_URL, embedded_fonts, offline_fetcher, render_pdf

BILINGUAL = """
<h1>年度质量报告 Annual quality report</h1>
<p>手术部位感染率 Surgical site infection rate: 3 / 120</p>
"""


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_chinese_and_english_text_render_with_an_embedded_cjk_font():
    pdf = render_pdf(BILINGUAL)

    assert pdf.startswith(b"%PDF-")
    fonts = embedded_fonts(pdf)
    assert any("CJK" in name for name in fonts), fonts
    text = _text(pdf)
    assert "年度质量报告" in text
    assert "手术部位感染率" in text
    assert "Surgical site infection rate" in text


def test_inline_svg_and_data_uris_render():
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text y="15">漏斗图</text></svg>'
    pdf = render_pdf(f"<p>chart</p>{svg}<img src='data:image/svg+xml;utf8,{svg}'>")

    assert "漏斗图" in _text(pdf)


@pytest.mark.parametrize("url", ["https://example.org/x.css", "http://10.0.0.1/x.png", "file:///etc/passwd"])
def test_the_fetcher_refuses_network_and_local_files(url):
    with pytest.raises(ValueError, match="refused"):
        offline_fetcher().fetch(url)


def test_the_fetcher_serves_static_files_from_disk():
    response = offline_fetcher().fetch(LOCAL_BASE_URL + "static/css/openspine.css")

    assert response.read()
    assert response.content_type == "text/css"


def test_a_refused_stylesheet_does_not_stop_the_render():
    pdf = render_pdf('<link rel="stylesheet" href="https://cdn.example.org/x.css"><p>离线 offline</p>')

    assert "离线" in _text(pdf)

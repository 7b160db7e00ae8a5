"""The DICOM display pipeline (imaging.md §3.2): LUTs, windows, MONOCHROME1 inverted once, downsampling."""

import io

import numpy as np
import pydicom
import pytest
from PIL import Image

from openspine.imaging import pixels, synthetic


def _ramp(width=64, height=32):
    return Image.fromarray(np.tile(np.linspace(0, 255, width).astype(np.uint8), (height, 1)))


def _dataset(**kwargs):
    return pydicom.dcmread(io.BytesIO(synthetic.dicom_bytes(_ramp(), **kwargs)))


def test_monochrome2_window_keeps_dark_dark():
    read = pixels.read_upload(synthetic.dicom_bytes(_ramp()))
    row = np.asarray(read.display)[0]
    assert row[0] < 10 and row[-1] > 245 and read.source == "dicom"


def test_monochrome1_is_inverted_exactly_once_despite_inverse_shape():
    """MONOCHROME1 stores 4095 - v; shown once inverted it looks like the MONOCHROME2 original."""
    plain = np.asarray(pixels.read_upload(synthetic.dicom_bytes(_ramp())).display)
    inverted = np.asarray(pixels.read_upload(synthetic.dicom_bytes(_ramp(), monochrome1=True)).display)
    assert np.abs(plain.astype(int) - inverted.astype(int)).max() <= 1


def test_window_maps_the_dicom_linear_formula():
    values = pixels.window(np.array([0.0, 1023.5, 2047.5, 4095.0]), 2048, 4096)
    assert values[0] == pytest.approx(0.5 - 2047.5 / 4095) and values[2] == pytest.approx(0.5)
    assert list(pixels.window(np.array([1.0, 5.0]), 3, 1)) == [0.0, 1.0]
    sigmoid = pixels.window(np.array([2048.0]), 2048, 4096, "SIGMOID")
    assert sigmoid[0] == pytest.approx(0.5)


def test_without_window_a_percentile_window_is_used():
    ds = _dataset()
    del ds.WindowCenter
    del ds.WindowWidth
    out = pixels.render_dicom(ds, ds.pixel_array)
    assert out.min() == 0 and out.max() == 255


def test_voi_lut_sequence_wins_over_the_window():
    ds = _dataset()
    item = pydicom.Dataset()
    item.LUTDescriptor = [4096, 0, 12]
    item.LUTData = [v // 2 for v in range(4096)]  # output reaches half of its 12-bit range
    ds.VOILUTSequence = [item]
    out = pixels.render_dicom(ds, ds.pixel_array)
    assert out[0, 0] == 0 and 120 < out[0, -1] < 135  # the window alone would reach 255


def test_multiframe_takes_frame_zero_and_colour_is_refused():
    ds = _dataset()
    frames = np.stack([ds.pixel_array, np.zeros_like(ds.pixel_array)])
    ds.NumberOfFrames = 2
    ds.PixelData = frames.tobytes()
    buffer = io.BytesIO()
    ds.save_as(buffer)
    read = pixels.read_upload(buffer.getvalue())
    assert (read.rows, read.columns) == (32, 64) and np.asarray(read.display)[0, -1] > 245


def test_large_film_is_downsampled_with_its_scale():
    image = Image.new("L", (1000, 4096), 100)
    display, scale = pixels.downsample(image)
    assert scale == 0.5 and display.size == (500, 2048)


def test_spacing_attributes_are_copied():
    ds = _dataset(pixel_spacing=(0.25, 0.26), magnification=1.2, orientation=("P", "F"))
    spacing = pixels.spacing_attributes(ds)
    assert spacing["pixel_spacing"] == [0.25, 0.26] and spacing["magnification"] == pytest.approx(1.2)
    assert spacing["patient_orientation"] == ["P", "F"] and spacing["imager_pixel_spacing"] == [0.3, 0.3]
    bare = _dataset(spacing_mm=None, orientation=())
    assert pixels.spacing_attributes(bare)["imager_pixel_spacing"] is None


# JPEG 2000 lossless and RLE lossless
@pytest.mark.parametrize("syntax", ["1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.5"])
def test_compressed_transfer_syntaxes_are_decoded(syntax):
    ds = _dataset()
    ds.compress(syntax)
    buffer = io.BytesIO()
    ds.save_as(buffer)
    read = pixels.read_upload(buffer.getvalue())
    assert (read.rows, read.columns) == (32, 64) and np.asarray(read.display)[0, -1] > 245

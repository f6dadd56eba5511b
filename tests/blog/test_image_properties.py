"""Whatever bytes arrive, the image check answers with a ValidationError or a clean image."""

import io

from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image as PillowImage

from blog.image_trailers import ACTIVE_MARKERS, trailer
from blog.images import prepare_image
from tests.media import samples

CAP = 1_000_000
SOURCES = {
    "photo": samples.photo(),
    "png": samples.made("PNG", size=(40, 30)),
    "gif": samples.made("GIF", size=(40, 30)),
    "webp": samples.made("WEBP", size=(40, 30)),
}
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(data: bytes, name="upload.jpg"):
    with override_settings(IMAGE_MAX_PIXELS=CAP):
        return prepare_image(io.BytesIO(data), name)


def refusal_code(data: bytes) -> str | None:
    try:
        check(data)
    except ValidationError as refused:
        return refused.code
    return None


@PROPERTY
@given(st.integers(1, 2**31 - 1), st.integers(1, 2**31 - 1))
def test_any_declared_size_over_the_cap_is_refused_before_decoding(width, height):
    assume((width, height) != (1, 1))  # the real size of the pixel data
    code = refusal_code(samples.png_declaring(width, height))

    # Refused unread when over the cap; under it, whatever Pillow makes of one pixel's data.
    assert (code == "too_many_pixels") == (width * height > CAP)


@PROPERTY
@given(st.sampled_from(sorted(SOURCES)), st.floats(0, 1, exclude_max=True))
def test_a_cut_image_is_refused_or_stored_whole(source, fraction):
    data = SOURCES[source]
    cut = data[: int(len(data) * fraction)]
    try:
        prepared = check(cut)
    except ValidationError:
        return
    stored = prepared.content.read()
    reopened = PillowImage.open(io.BytesIO(stored))
    reopened.load()
    assert reopened.size == PillowImage.open(io.BytesIO(data)).size
    assert trailer(stored, prepared.format) == b""


@PROPERTY
@given(
    st.sampled_from(sorted(SOURCES)),
    st.binary(max_size=200),
    st.sampled_from(ACTIVE_MARKERS),
    st.binary(max_size=200),
)
def test_a_page_or_script_after_any_picture_is_refused(source, before, marker, after):
    assert refusal_code(SOURCES[source] + before + marker + after) == "polyglot"


@PROPERTY
@given(st.sampled_from(sorted(SOURCES)), st.binary(min_size=1, max_size=500))
def test_other_bytes_after_the_picture_never_reach_storage(source, tail):
    data = SOURCES[source] + tail
    code = refusal_code(data)
    if code is not None:
        assert code in {"polyglot", "damaged"}
        return
    prepared = check(data)
    stored = prepared.content.read()
    assert trailer(stored, prepared.format) == b""
    assert not stored.endswith(tail) or len(tail) < 4

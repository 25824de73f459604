"""Time to make every rendition of a 40-megapixel JPEG (an upload's longest wait,
under gunicorn's 30 s timeout): this checkout against a baseline commit, same run.

    PYTHONPATH=. DJANGO_SETTINGS_MODULE=mesoguide.settings \
        .venv/bin/python bench/image_renditions_40mp.py [baseline commit, default 93807b0]
"""

import importlib.util
import io
import subprocess
import sys
import tempfile
import time


def _module_at(commit):
    source = subprocess.run(  # noqa: S603 (git, with our own arguments)
        ["git", "show", f"{commit}:images/renditions.py"],  # noqa: S607 (git on the PATH)
        capture_output=True,
        check=True,
    ).stdout
    path = tempfile.NamedTemporaryFile(suffix=".py", delete=False).name
    with open(path, "wb") as file:
        file.write(source)
    spec = importlib.util.spec_from_file_location("images.baseline_renditions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _all_renditions(module, data):
    """Decode, resize and encode as make_renditions does, without storing."""
    picture = module._upright(io.BytesIO(data))
    widths = module.widths_for(picture.width)
    if hasattr(module, "_encode"):  # the baseline: resized per width and format
        for format_ in module.formats_for(picture):
            for width in widths:
                module._encode(picture, format_, width)
        return
    widest = module._resized(picture, widths[-1])
    sized = {width: module._resized(widest, width) for width in widths}
    for format_ in module.formats_for(picture):
        for width in widths:
            module._encoded(sized[width], format_)


def main(baseline="93807b0"):
    import django

    django.setup()
    from PIL import Image

    from images import renditions

    width, height = 7740, 5160  # 39.9 megapixels
    noise = Image.effect_noise((width // 8, height // 8), 80).convert("RGB")
    buffer = io.BytesIO()
    noise.resize((width, height), Image.BICUBIC).save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    old = _module_at(baseline)
    times = {"baseline": [], "this": []}
    for _ in range(2):
        for name, module in (("baseline", old), ("this", renditions)):
            start = time.perf_counter()
            _all_renditions(module, data)
            times[name].append(time.perf_counter() - start)
    best = {name: min(values) for name, values in times.items()}
    print(
        f"{len(data) / 1e6:.1f} MB JPEG, {width} x {height}: baseline {best['baseline']:.1f} s, "
        f"this {best['this']:.1f} s, {best['baseline'] / best['this']:.1f}x faster"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])

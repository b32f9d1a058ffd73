"""`python -m tools.results report`: one self-contained HTML page about a job's output.

The page needs no network to open: CSS inline, charts as inline SVG, images as data URIs (scaled
down to 640 px with Pillow so the page stays small). It shows the numbers of `stats`, a label
distribution chart per label attribute, the workers and agreement tables, and a gallery of the
pulled images with their labels drawn: boxes as an SVG overlay, masks as a semi-transparent
overlay, classes as captions. Every string that comes from the data is HTML-escaped.
"""

from __future__ import annotations

import argparse
import base64
import io
import sys
from collections.abc import Iterator, Sequence
from html import escape
from pathlib import Path

from tools.results import extras
from tools.results.errors import UsageError
from tools.results.export.scan import scan_manifest
from tools.results.model import Item, Kind
from tools.results.read import files
from tools.results.read.jobdir import JobInput, add_input_arguments, resolve_input
from tools.results.read.manifest import ReadOptions, choose_attribute, iter_lines, read_line_item
from tools.results.stats import AttributeSummary, LabelCount, Stats, compute_stats

THUMBNAIL = 640
PALETTE = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c",
    "#008080", "#9a6324", "#800000", "#808000", "#000075", "#e6beff", "#ffe119", "#aaffc3",
)  # fmt: skip

CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0}
td,th{border:1px solid #ccc;padding:.2rem .6rem;text-align:right}
td:first-child,th:first-child{text-align:left}.note{color:#666}
.gallery{display:flex;flex-wrap:wrap;gap:1rem}
figure{margin:0;width:320px}figcaption{font-size:.85rem;overflow-wrap:anywhere}
.frame{position:relative;line-height:0}.frame img{width:100%;height:auto;display:block}
.frame svg,.frame .mask{position:absolute;left:0;top:0;width:100%;height:100%}
.frame .mask{opacity:.55}
blockquote{margin:0;padding:.5rem;background:#f6f6f6;font-size:.85rem;line-height:1.3}
mark{padding:0 .1rem}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _colour(name: str, classes: list[str]) -> str:
    position = classes.index(name) if name in classes else sum(map(ord, name))
    return PALETTE[position % len(PALETTE)]


def _data_uri(image_bytes: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(image_bytes).decode('ascii')}"


def _thumbnail(path: Path) -> tuple[str, int, int] | None:
    """(data URI of a JPEG at most THUMBNAIL px wide, original width, original height)."""
    image_module = extras.require("PIL.Image")
    try:
        with image_module.open(path) as image:
            width, height = image.size
            image.thumbnail((THUMBNAIL, THUMBNAIL))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, format="JPEG", quality=80)
    except (OSError, ValueError):
        return None
    return _data_uri(buffer.getvalue(), "image/jpeg"), width, height


def _mask_overlay(item: Item, path: Path) -> str | None:
    """The mask as an RGBA PNG: class colours, BACKGROUND transparent."""
    np = extras.require("numpy")
    image_module = extras.require("PIL.Image")
    try:
        codes = files.mask_codes(path)
    except files.FileProblem:
        return None
    rgba = np.zeros((*codes.shape, 4), dtype=np.uint8)
    rgba[:, :, 0] = (codes >> 16) & 255
    rgba[:, :, 1] = (codes >> 8) & 255
    rgba[:, :, 2] = codes & 255
    rgba[:, :, 3] = 255
    for name, colour in (item.class_colors or {}).items():
        if name == "BACKGROUND" and len(colour) == 7:
            rgba[codes == int(colour[1:], 16), 3] = 0
    image = image_module.fromarray(rgba, "RGBA")
    image.thumbnail((THUMBNAIL, THUMBNAIL))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return _data_uri(buffer.getvalue(), "image/png")


def _figure(item: Item, job: JobInput, classes: list[str]) -> str | None:
    names = ", ".join(_e(name) for name in sorted({label.name for label in item.labels})) or "(no label)"
    where = _e(item.source_ref or f"line {item.line_no}")
    caption = f"<figcaption>{where}<br><b>{names}</b></figcaption>"
    if item.source is not None and item.source_ref is None:
        return f"<figure>{_highlighted_text(item, classes)}{caption}</figure>"
    source = job.local_source(item.source_ref)
    thumbnail = _thumbnail(source) if source is not None else None
    if thumbnail is None:
        return None
    uri, width, height = thumbnail
    overlay = ""
    if item.kind is Kind.SEGMENTATION and item.label_ref:
        mask_path = job.local_output_file(item.label_ref)
        mask_uri = _mask_overlay(item, mask_path) if mask_path is not None else None
        if mask_uri is not None:
            overlay = f'<img class="mask" src="{mask_uri}" alt="mask">'
    shapes = []
    for label in item.labels:
        if label.box is None:
            continue
        box, colour = label.box, _colour(label.name, classes)
        stroke, font = max(2, width // 200), max(12, width // 40)
        shapes.append(
            f'<rect x="{box.left}" y="{box.top}" width="{box.width}" height="{box.height}" fill="none" '
            f'stroke="{colour}" stroke-width="{stroke}"/>'
            f'<text x="{box.left}" y="{max(box.top - 4, 12)}" fill="{colour}" font-size="{font}">'
            f"{_e(label.name)}</text>"
        )
    svg = (
        f'<svg viewBox="0 0 {width} {height}" preserveAspectRatio="none" xmlns="http://www.w3.org/2000/svg">'
        f"{''.join(shapes)}</svg>"
        if shapes
        else ""
    )
    photo = f'<img src="{uri}" alt="{_e(item.source_ref)}">'
    return f'<figure><div class="frame">{photo}{overlay}{svg}</div>{caption}</figure>'


def _highlighted_text(item: Item, classes: list[str]) -> str:
    text = (item.source or "")[:2000]
    spans = sorted((label.span, label.name) for label in item.labels if label.span is not None)
    parts, position = [], 0
    for (start, end), name in spans:
        if start < position or end > len(text):
            continue
        parts.append(_e(text[position:start]))
        style = f"background:{_colour(name, classes)}55"
        parts.append(f'<mark style="{style}" title="{_e(name)}">{_e(text[start:end])}</mark>')
        position = end
    parts.append(_e(text[position:]))
    return f"<blockquote>{''.join(parts)}</blockquote>"


def _chart(labels: dict[str, LabelCount], classes: list[str]) -> str:
    rows = list(labels.items())[:40]
    if not rows:
        return '<p class="note">No labels to chart.</p>'
    top = max(counts["instances"] for _, counts in rows) or 1
    bar_height, label_width, bar_width = 22, 220, 420
    parts = []
    for position, (name, counts) in enumerate(rows):
        y = position * bar_height
        length = bar_width * counts["instances"] / top
        colour, count_x = _colour(name, classes), label_width + length + 6
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" font-size="13">{_e(name)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{bar_height - 6}" '
            f'fill="{colour}"/>'
            f'<text x="{count_x:.1f}" y="{y + 15}" font-size="13">{counts["instances"]}</text>'
        )
    width, height = label_width + bar_width + 60, len(rows) * bar_height
    return (
        f'<svg role="img" aria-label="label distribution" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def _table(headers: list[str], rows: Sequence[Sequence[object]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _gallery_items(job: JobInput, attribute: str, limit: int) -> Iterator[Item]:
    options = ReadOptions(job=job)
    shown = 0
    for line_no, _, line in iter_lines(job.manifest):
        if shown >= limit:
            return
        item = read_line_item(job.manifest, line, attribute, line_no, options)
        if item is None or item.failure is not None:
            continue
        if job.local_source(item.source_ref) is None and item.source is None:
            continue
        shown += 1
        yield item


def _attribute_section(name: str, summary: AttributeSummary, classes: list[str]) -> list[str]:
    counts = [
        [
            summary["labeled"],
            summary["failed"],
            summary["labeled_without_instances"],
            summary["label_files_missing"],
        ]
    ]
    parts = [
        f"<h2>Label attribute {_e(name)} <span class='note'>({_e(summary['type'])})</span></h2>",
        _table(["labeled", "failed", "labeled with nothing in it", "label files not pulled"], counts),
    ]
    if summary["failure_reasons"]:
        reasons: list[list[object]] = [
            [reason, count] for reason, count in summary["failure_reasons"].items()
        ]
        parts.append(_table(["failure reason", "objects"], reasons))
    parts.append(_chart(summary["labels"], classes))
    labels: list[list[object]] = [
        [label, c["instances"], c["objects"]] for label, c in summary["labels"].items()
    ]
    parts.append(_table(["label", "instances", "objects"], labels))
    if "pixel_share" in summary:
        shares: list[list[object]] = [
            [label, f"{share:.1%}"] for label, share in summary["pixel_share"].items()
        ]
        parts.append(_table(["class", "share of pixels"], shares))
    return parts


def _workers_section(stats: Stats) -> list[str]:
    parts = ["<h2>Workers</h2>"]
    workers = stats["workers"]
    if workers:
        rows: list[list[object]] = [
            [worker, w["tasks"], w["median_seconds"] or "-", w["mean_seconds"] or "-"]
            for worker, w in workers.items()
        ]
        parts.append(_table(["worker", "tasks", "median seconds", "mean seconds"], rows))
    else:
        parts.append(
            "<p class='note'>No worker responses next to this manifest (pull the job to include them).</p>"
        )
    parts.append("<h2>Agreement</h2>")
    agreement = stats["agreement"]
    if agreement is None:
        parts.append("<p class='note'>Agreement needs pulled worker responses of a classification job.</p>")
        return parts
    alpha = agreement["krippendorff_alpha_nominal"]
    share = agreement["split_share"]
    several = agreement["objects_with_several_workers"]
    parts.append(
        f"<p>On <b>{_e(agreement['attribute'])}</b>: {several} objects labeled "
        f"by two or more workers; workers split on {f'{share:.1%}' if share is not None else 'n/a'} of them; "
        f"Krippendorff's alpha (nominal): {alpha if alpha is not None else 'undefined'}.</p>"
    )
    rows = [
        [worker, w["compared"], w["agreed"], f"{w['agreement']:.1%}" if w["agreement"] is not None else "-"]
        for worker, w in agreement["workers"].items()
    ]
    parts.append(_table(["worker", "answers", "agreed with consolidated", "share"], rows))
    return parts


def render(job: JobInput, attribute: str | None = None, max_images: int = 48) -> str:
    stats = compute_stats(job)
    scan = scan_manifest(job.manifest)
    chosen = choose_attribute(job.manifest, scan.found(), attribute)
    classes = scan.attributes[chosen].class_names()
    title = _e(job.job_name or job.manifest.name)
    totals: list[list[object]] = [
        [stats["objects"], stats["objects_with_label"], stats["objects_without_label"]]
    ]
    html = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        '<link rel="icon" href="data:,">',
        f"<title>Labeling results: {title}</title><style>{CSS}</style></head><body>",
        f"<h1>Labeling results: {title}</h1>",
        f"<p class='note'>{_e(stats['manifest'])}</p>",
        _table(["objects", "with a label", "without"], totals),
    ]
    for name, summary in stats["attributes"].items():
        attribute_classes = scan.attributes[name].class_names() if name in scan.attributes else []
        html.extend(_attribute_section(name, summary, attribute_classes))
    html.extend(_workers_section(stats))
    html.append(f"<h2>Gallery: {_e(chosen)}</h2>")
    figures = [
        figure for item in _gallery_items(job, chosen, max_images) if (figure := _figure(item, job, classes))
    ]
    if figures:
        html.append(f"<div class='gallery'>{''.join(figures)}</div>")
    else:
        html.append("<p class='note'>No pulled images to show (pull the job, or give --sources DIR).</p>")
    html.append("</body></html>\n")
    return "".join(html)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="one self-contained HTML page: numbers, label chart, agreement, gallery with labels drawn",
        description=(
            "Writes one HTML file that opens without network: the numbers of stats, a label "
            "distribution chart, the workers and agreement tables and a gallery of the pulled images "
            "with boxes, masks and classes drawn."
        ),
    )
    add_input_arguments(parser, sources=True)
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.html", help="the page to write")
    parser.add_argument("--max-images", type=int, default=48, metavar="N", help="gallery size (default 48)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.max_images < 0:
        raise UsageError(f"--max-images {args.max_images}: must be 0 or more")
    page = render(resolve_input(args), args.attribute, args.max_images)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(page, encoding="utf-8")
    print(f"wrote {args.out} ({len(page.encode()) // 1024} KiB)", file=sys.stderr)
    return 0

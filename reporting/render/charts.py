"""Charts of the report as SVG (matplotlib), embedded in the PDF.

Text is drawn as paths with the Noto Sans CJK font (fonts-noto-cjk) so Chinese labels render
wherever the SVG goes; DejaVu Sans covers what CJK fonts lack. The object-oriented API is used
(no ``pyplot``), so nothing global is left behind between charts or runs.

Arabic: an SVG renderer's text layout (WeasyPrint's among them) printed the chart's Arabic
letters unjoined and some words reversed. Matplotlib (3.11 and later) lays text out itself,
letters joined and lines right to left (libraqm), so in a right-to-left language the labels
are drawn by matplotlib as glyph outlines, leaving nothing for the SVG's reader to lay out
again. The report's own headings and tables are text laid out by WeasyPrint, which extracts in
logical order.
"""

import base64
import io

from django.utils.translation import get_language_bidi

from ..document import Chart

COLOURS = ("#0b5d8f", "#8fb8d6", "#1e7a3d", "#9a5b00")
STYLE = {
    "font.family": ["Noto Sans CJK SC", "DejaVu Sans"],
    "font.size": 8,
    "svg.fonttype": "none",
    # The same chart gives the same file (ids in the SVG are otherwise random).
    "svg.hashsalt": "bali-portal-annual-report",
    "axes.spines.top": False,
    "axes.spines.right": False,
}


# In a right-to-left language: the labels shaped and laid out by matplotlib, drawn as outlines
# (DejaVu Sans has the Arabic letters).
RIGHT_TO_LEFT_STYLE = {"svg.fonttype": "path", "font.family": ["DejaVu Sans", "Noto Sans CJK SC"]}


def render_svg(chart: Chart) -> str:
    # Heavy (half a second, and a font cache): loaded only by the processes that render.
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    style = {**STYLE, **RIGHT_TO_LEFT_STYLE} if get_language_bidi() else STYLE
    with matplotlib.rc_context(style):
        height = 2.6 if not chart.horizontal else max(1.6, 0.32 * len(chart.categories) + 0.8)
        figure = Figure(figsize=(6.4, height), layout="constrained")
        axes = figure.subplots()
        count = len(chart.series)
        width = 0.8 / max(count, 1)
        positions = range(len(chart.categories))
        for index, (name, values) in enumerate(chart.series):
            offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
            draw = axes.barh if chart.horizontal else axes.bar
            bars = draw(offsets, values, width, label=name, color=COLOURS[index % len(COLOURS)])
            axes.bar_label(bars, fmt="{:,.0f}", padding=2, fontsize=7)
        value_axis = axes.xaxis if chart.horizontal else axes.yaxis
        value_axis.set_major_locator(MaxNLocator(integer=True))
        if chart.horizontal:
            axes.set_yticks(list(positions), chart.categories)
            axes.invert_yaxis()
            axes.margins(x=0.15)
        else:
            axes.set_xticks(list(positions), chart.categories)
            axes.margins(y=0.15)
        axes.set_title(chart.title, loc="left", fontsize=9, fontweight="bold")
        if count > 1:
            axes.legend(frameon=False, fontsize=7)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")

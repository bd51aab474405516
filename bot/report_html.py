"""`python -m bot report --html FILE`: the report as one self-contained page (inline CSS and
an inline SVG bar chart of questions per day; no scripts, no external assets)."""

from __future__ import annotations

from html import escape

from .report import Report

BAR_WIDTH, GAP, HEIGHT = 18, 4, 160


def render_page(report: Report) -> str:
    h = report.headline
    since = report.since.replace("T", " ").replace("+00:00", " UTC")
    rows_unanswered = "".join(
        f"<tr><td class=n>{g['count']}</td><td>{escape(g['question'])}</td></tr>" for g in report.unanswered
    )
    rows_down = "".join(
        f"<tr><td class=n>{p['down']}</td><td class=n>{p['up']}</td><td>{escape(p['article_title'])}, "
        f"¶{p['position']}</td><td>{escape(p['answer'])}</td></tr>"
        for p in report.most_downvoted
    )
    rows_comments = "".join(
        f"<tr><td>{escape(c['question'])}</td><td>{escape(c['answer'])}</td><td>{escape(c['comment'])}</td></tr>"
        for c in report.comments
    )
    rows_low = "".join(
        f"<tr><td class=n>{q['confidence']:.2f}</td><td>{escape(q['question'])}</td>"
        f"<td>{escape(q['article_title'])}, ¶{q['position']}</td></tr>"
        for q in report.lowest_confidence
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Questions asked: the last {h.days} day(s)</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222 }}
.figures {{ display: flex; gap: 2rem; flex-wrap: wrap }} .figures div {{ font-size: 1.6rem }}
.figures span {{ display: block; font-size: .8rem; color: #666 }}
table {{ border-collapse: collapse; width: 100% }}
td, th {{ border-bottom: 1px solid #ddd; padding: .3rem; text-align: left }}
td.n {{ text-align: right; width: 3rem }} .empty {{ color: #888 }}
svg text {{ font-size: 10px; fill: #555 }} .asked {{ fill: #c9d6e8 }} .answered {{ fill: #3b6eb5 }}
</style></head><body>
<h1>Questions asked</h1>
<p>The last {h.days} day(s), since {escape(since)}.</p>
<div class="figures">
<div>{h.questions}<span>questions</span></div>
<div>{h.share_answered:.0%}<span>answered ({h.answered})</span></div>
<div>{h.votes_up}<span>👍</span></div>
<div>{h.votes_down}<span>👎</span></div>
</div>
<h2>Per day</h2>
{chart(report)}
<h2>Not answered, grouped by meaning</h2>
{_table(rows_unanswered, "<th>asked</th><th>question</th>")}
<h2>Passages with the most 👎</h2>
{_table(rows_down, "<th>👎</th><th>👍</th><th>passage</th><th>sentence shown</th>")}
<h2>What was wrong (said after a 👎)</h2>
{_table(rows_comments, "<th>question</th><th>sentence shown</th><th>what the voter said</th>")}
<h2>Answers given with the lowest confidence</h2>
{_table(rows_low, "<th>conf.</th><th>question</th><th>passage shown</th>")}
</body></html>
"""


def chart(report: Report) -> str:
    """Bars per day: light, the questions asked; dark, those answered."""
    days = report.per_day
    if not days:
        return '<p class="empty">No questions.</p>'
    top = max(d["questions"] for d in days)
    width = len(days) * (BAR_WIDTH + GAP) + GAP
    bars = []
    for n, d in enumerate(days):
        x = GAP + n * (BAR_WIDTH + GAP)
        asked = round(HEIGHT * d["questions"] / top)
        answered = round(HEIGHT * d["answered"] / top)
        bars.append(
            f'<g><title>{d["day"]}: {d["questions"]} asked, {d["answered"]} answered</title>'
            f'<rect class="asked" x="{x}" y="{HEIGHT - asked + 14}" width="{BAR_WIDTH}" height="{asked}"/>'
            f'<rect class="answered" x="{x}" y="{HEIGHT - answered + 14}" width="{BAR_WIDTH}" height="{answered}"/>'
            f'<text x="{x + BAR_WIDTH / 2}" y="{HEIGHT - asked + 10}" text-anchor="middle">{d["questions"]}</text></g>'
        )
    first, last = days[0]["day"], days[-1]["day"]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{max(width, 200)}" height="{HEIGHT + 30}" role="img" '
        f'aria-label="questions per day">{"".join(bars)}'
        f'<text x="{GAP}" y="{HEIGHT + 27}">{first}</text>'
        f'<text x="{max(width, 200) - GAP}" y="{HEIGHT + 27}" text-anchor="end">{last if last != first else ""}</text>'
        "</svg>"
    )


def _table(rows: str, header: str) -> str:
    return f"<table><tr>{header}</tr>{rows}</table>" if rows else '<p class="empty">None.</p>'

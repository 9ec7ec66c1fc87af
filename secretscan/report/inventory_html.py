"""Inventory as one self-contained HTML page for auditors: status block, charts, sortable tables.

Self-contained: inline CSS and JS, charts drawn here as inline SVG (no chart library), and no
URL anywhere. A Content-Security-Policy admits only this file's own style and script (by hash)
and no network at all, so even a value that slipped past escaping could neither run script nor
fetch anything. Every value from the scanned repository (paths, commit summaries, authors,
locators, certificate names) goes through ``html.escape``; secrets appear only as their
redacted previews, since no inventory record holds more.
"""

from __future__ import annotations

import base64
import hashlib
import html
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from secretscan import __version__
from secretscan.inventory.records import (
    CertificateEntry,
    ExposureState,
    Inventory,
    InventoryItem,
    KeyEntry,
    RiskLevel,
)
from secretscan.inventory.summary import Summary, summarize
from secretscan.model import CommitInfo, Location

LEVELS = tuple(sorted(RiskLevel, reverse=True))  # critical first
LOCATIONS_SHOWN = 4  # per secret, before "+N more"
OVERDUE_SHOWN = 10


def e(value: object) -> str:
    """Escape any value for HTML text and attribute values (quotes included)."""
    return html.escape(str(value), quote=True)


@dataclass(frozen=True, slots=True)
class Cell:
    html: str  # already escaped
    sort: str | None = None  # sort key when the text is not one (dates, scores, empties)


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    initial: str | None = None  # "ascending" | "descending": the order rows are rendered in


# ---------------------------------------------------------------------------- page


def render(inv: Inventory) -> str:
    s = summarize(inv)
    body = "\n".join(
        (
            _header(inv, s),
            _status(s),
            _charts(inv),
            _secrets_section(inv),
            _certificates_section(inv.certificates),
            _keys_section(inv.keys),
            _footer(),
        )
    )
    title = f"Secret inventory: {s.total} secret(s)"
    return _page(title, body)


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _page(title: str, body: str) -> str:
    csp = (
        f"default-src 'none'; style-src {_csp_hash(CSS)}; script-src {_csp_hash(JS)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{e(csp)}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        "<link rel=\"icon\" href=\"data:,\">\n"
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n<script>{JS}</script>\n</body>\n</html>\n"
    )


def _verdict(inv: Inventory) -> tuple[str, str]:
    urgent = sum(1 for i in inv.items if i.risk.level >= RiskLevel.HIGH and i.exposure.state is ExposureState.IN_TIP)
    if urgent:
        return "alert", f"Action required: {urgent} high or critical secret(s) in the tip"
    if inv.items or any(c.status != "valid" for c in inv.certificates):
        return "warn", "Review: secrets or certificates need attention"
    return "ok", "No secrets found"


def _header(inv: Inventory, s: Summary) -> str:
    tone, verdict = _verdict(inv)
    source = "the full git history" if inv.history else "the working tree only (no history)"
    return (
        "<header class=\"page-head\">\n"
        "<div><h1>Secret inventory</h1>\n"
        f"<p class=\"meta\">Generated <time datetime=\"{e(inv.generated_at)}\">{e(inv.generated_at)}</time>"
        f" from {e(source)} by secretscan {e(__version__)}.</p></div>\n"
        f"<p class=\"verdict verdict-{tone}\" id=\"verdict\">{e(verdict)}</p>\n"
        "</header>"
    )


# ---------------------------------------------------------------------------- status block


def _status(s: Summary) -> str:
    cards = (_card_total(s), _card_risk(s), _card_types(s), _card_rotation(s), _card_certs(s))
    parts = [f"<section class=\"cards\" id=\"status\" aria-label=\"Summary\">{''.join(cards)}</section>"]
    parts.append("<div class=\"panels\">" + _actions(s) + _overdue(s) + "</div>")
    return "\n".join(parts)


def _card(title: str, big: str, rest: str, ident: str) -> str:
    return (
        f"<div class=\"card\" id=\"card-{ident}\"><h2>{e(title)}</h2>"
        f"<p class=\"big\">{big}</p>{rest}</div>"
    )


def _card_total(s: Summary) -> str:
    rest = (
        "<ul class=\"plain\">"
        f"<li><b>{s.in_tip}</b> in the tip</li>"
        f"<li><b>{s.history_only}</b> only in history</li>"
        f"<li><b>{s.shared}</b> shared between services</li></ul>"
    )
    return _card("Secrets found", str(s.total), rest, "total")


def _card_risk(s: Summary) -> str:
    rows = "".join(
        f"<li><span class=\"badge risk-{e(k)}\">{e(k)}</span> <b>{v}</b></li>" for k, v in s.by_risk
    )
    worst = next((k for k, v in s.by_risk if v), "none")
    return _card("By risk", f"<span class=\"worst\">worst: {e(worst)}</span>", f"<ul class=\"plain\">{rows}</ul>", "risk")


def _card_types(s: Summary) -> str:
    ordered = sorted(s.by_type, key=lambda kv: (-kv[1], kv[0]))
    rows = "".join(f"<li>{e(_type_label(k))} <b>{v}</b></li>" for k, v in ordered) or "<li>none</li>"
    return _card("By type", str(len(s.by_type)), f"<ul class=\"plain\">{rows}</ul>", "types")


def _card_rotation(s: Summary) -> str:
    if s.within_interval_share is None:
        rest = "<p class=\"note\">No secret in the tip has a known age: ages come from git history.</p>"
        return _card("Rotation compliance", "n/a", rest, "rotation")
    rest = (
        f"<p>within their rotation interval; <b>{len(s.overdue)}</b> overdue</p>"
        f"<div class=\"meter\" role=\"img\" aria-label=\"{s.within_interval_share:.0%} compliant\">"
        f"{_meter(s.within_interval_share)}</div>"
    )
    return _card("Rotation compliance", f"{s.within_interval_share:.0%}", rest, "rotation")


def _meter(share: float) -> str:
    width = round(200 * share, 1)
    return (
        "<svg viewBox=\"0 0 200 8\" class=\"meter-svg\" aria-hidden=\"true\" preserveAspectRatio=\"none\">"
        "<rect class=\"meter-bad\" x=\"0\" y=\"0\" width=\"200\" height=\"8\"></rect>"
        f"<rect class=\"meter-good\" x=\"0\" y=\"0\" width=\"{width}\" height=\"8\"></rect></svg>"
    )


def _card_certs(s: Summary) -> str:
    counts = dict(s.certificates)
    total = sum(counts.values())
    if not total:
        return _card("Certificates", "0", "<p class=\"note\">No certificate found.</p>", "certs")
    rows = "".join(
        f"<li><span class=\"badge cert-{_slug(status)}\">{e(status)}</span> <b>{counts.get(status, 0)}</b></li>"
        for status in ("expired", "expires soon", "valid")
    )
    return _card("Certificates", str(total), f"<ul class=\"plain\">{rows}</ul>", "certs")


def _actions(s: Summary) -> str:
    if not s.actions:
        return "<section class=\"panel\" id=\"actions\"><h2>Top actions</h2><p>Nothing to do.</p></section>"
    items = "".join(f"<li>{e(a)}</li>" for a in s.actions)
    return f"<section class=\"panel\" id=\"actions\"><h2>Top actions</h2><ol>{items}</ol></section>"


def _overdue(s: Summary) -> str:
    if not s.overdue:
        return ""
    rows = "".join(
        f"<li><span class=\"badge risk-{i.risk.level.label}\">{i.risk.level.label}</span> "
        f"{e(_type_label(i.type.value))} <code>{e(i.preview)}</code> in <code>{e(i.paths[0] if i.paths else '')}</code>: "
        f"{i.age_days} days old, rotate every {i.rotation_days} day(s)</li>"
        for i in s.overdue[:OVERDUE_SHOWN]
    )
    more = f"<p class=\"note\">+{len(s.overdue) - OVERDUE_SHOWN} more in the table below.</p>" if len(s.overdue) > OVERDUE_SHOWN else ""
    return f"<section class=\"panel\" id=\"overdue\"><h2>Overdue for rotation ({len(s.overdue)})</h2><ul>{rows}</ul>{more}</section>"


# ---------------------------------------------------------------------------- charts


def _charts(inv: Inventory) -> str:
    return (
        "<section class=\"charts\">"
        f"<figure class=\"chart\" id=\"risk-chart\"><figcaption><h2>Risk by type</h2>{_legend(LEVELS)}</figcaption>"
        f"<div class=\"chart-scroll\">{risk_by_type_svg(inv.items)}</div></figure>"
        f"<figure class=\"chart\" id=\"timeline\"><figcaption><h2>Secrets introduced and removed per month</h2>"
        "<ul class=\"legend\"><li><span class=\"swatch intro\"></span>introduced (first commit)</li>"
        "<li><span class=\"swatch removed\"></span>removed from the tip</li></ul></figcaption>"
        f"<div class=\"chart-scroll\">{timeline(inv)}</div></figure>"
        "</section>"
    )


def _legend(levels: Iterable[RiskLevel]) -> str:
    items = "".join(f"<li><span class=\"swatch risk-{lv.label}\"></span>{lv.label}</li>" for lv in levels)
    return f"<ul class=\"legend\">{items}</ul>"


def risk_by_type_svg(items: Sequence[InventoryItem]) -> str:
    """Horizontal stacked bars: one row per secret type, one segment per risk level present."""
    counts = Counter((i.type.value, i.risk.level) for i in items)
    totals = Counter(i.type.value for i in items)
    if not totals:
        return "<p class=\"empty\">No secrets found.</p>"
    rows = sorted(totals, key=lambda t: (-max(lv for (tt, lv) in counts if tt == t), -totals[t], t))
    label_w, bar_w, row_h, top = 150, 300, 28, 6
    scale = bar_w / max(totals.values())
    height = top + row_h * len(rows) + 4
    out = [
        f"<svg class=\"chart-svg\" viewBox=\"0 0 {label_w + bar_w + 40} {height}\" role=\"img\" aria-label=\"Risk by secret type\">"
    ]
    for n, kind in enumerate(rows):
        y = top + n * row_h
        out.append(f"<text class=\"label\" x=\"{label_w - 8}\" y=\"{y + 15}\" text-anchor=\"end\">{e(_type_label(kind))}</text>")
        x = float(label_w)
        for level in LEVELS:
            count = counts.get((kind, level), 0)
            if count:
                out.append(_segment(kind, level, count, x, y, count * scale))
                x += count * scale
        out.append(f"<text class=\"total\" x=\"{x + 5:.1f}\" y=\"{y + 15}\">{totals[kind]}</text>")
    out.append("</svg>")
    return "".join(out)


def _segment(kind: str, level: RiskLevel, count: int, x: float, y: int, width: float) -> str:
    inner = (
        f"<text class=\"seg-label\" x=\"{x + width / 2:.1f}\" y=\"{y + 15}\" text-anchor=\"middle\">{count}</text>"
        if width >= 18
        else ""
    )
    return (
        f"<g class=\"seg\"><rect class=\"bar risk-{level.label}\" data-type=\"{e(kind)}\" data-risk=\"{level.label}\" "
        f"data-count=\"{count}\" x=\"{x:.1f}\" y=\"{y}\" width=\"{width:.1f}\" height=\"20\">"
        f"<title>{e(_type_label(kind))}: {count} {level.label}</title></rect>{inner}</g>"
    )


def months_of(inv: Inventory) -> tuple[Counter[str], Counter[str]]:
    """Secrets introduced (month of the first commit) and removed (month of the removal) per YYYY-MM."""
    introduced = Counter(i.first_seen.date[:7] for i in inv.items if i.first_seen is not None)
    removed = Counter(
        i.exposure.removed_in.date[:7]
        for i in inv.items
        if i.exposure.state is ExposureState.HISTORY_ONLY and i.exposure.removed_in is not None
    )
    return introduced, removed


def month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def timeline(inv: Inventory) -> str:
    introduced, removed = months_of(inv)
    if not introduced and not removed:
        return _no_history(inv)
    months = month_range(min(introduced | removed), max(introduced | removed))
    undated = sum(1 for i in inv.items if i.first_seen is None)
    note = (
        f"<p class=\"note\">{undated} secret(s) seen only outside git history (working tree, staged) have no date and are not shown.</p>"
        if undated
        else ""
    )
    return timeline_svg(months, introduced, removed) + note


def _no_history(inv: Inventory) -> str:
    if not inv.history:
        why = (
            "No history data: this inventory was built from the working tree, which has no commit dates. "
            "Run <code>secretscan inventory --history</code> to see when each secret was introduced and removed."
        )
    elif inv.items:
        why = "No history data: none of the secrets found carries a commit date."
    else:
        why = "No secrets found in the history."
    return f"<p class=\"empty\" id=\"timeline-empty\">{why}</p>"


def timeline_svg(months: Sequence[str], introduced: Counter[str], removed: Counter[str]) -> str:
    """Diverging bars per month: introduced above the axis, removed below."""
    left, width, half, top = 34, 560, 70, 8
    peak = max([*introduced.values(), *removed.values(), 1])
    slot = width / len(months)
    bar = max(min(slot * 0.7, 28), 1.0)
    axis = top + half
    out = [
        (
            f"<svg class=\"chart-svg\" viewBox=\"0 0 {left + width + 8} {axis + half + 34}\" role=\"img\" "
            "aria-label=\"Secrets introduced and removed per month\">"
        ),
        f"<line class=\"axis\" x1=\"{left}\" x2=\"{left + width}\" y1=\"{axis}\" y2=\"{axis}\"></line>",
        f"<text class=\"tick\" x=\"{left - 4}\" y=\"{top + 8}\" text-anchor=\"end\">{peak}</text>",
        f"<text class=\"tick\" x=\"{left - 4}\" y=\"{axis + 3}\" text-anchor=\"end\">0</text>",
        f"<text class=\"tick\" x=\"{left - 4}\" y=\"{axis + half}\" text-anchor=\"end\">{peak}</text>",
    ]
    for n, month in enumerate(months):
        x = left + n * slot + (slot - bar) / 2
        for kind, count, up in (("intro", introduced.get(month, 0), True), ("removed", removed.get(month, 0), False)):
            if count:
                out.append(_month_bar(kind, month, count, x, bar, axis, half * count / peak, up))
    out.extend(_month_labels(months, left, slot, axis + half + 16))
    out.append("</svg>")
    return "".join(out)


def _month_bar(kind: str, month: str, count: int, x: float, bar: float, axis: int, h: float, up: bool) -> str:
    y = axis - h if up else axis
    verb = "introduced" if up else "removed"
    return (
        f"<rect class=\"bar {kind}\" data-month=\"{month}\" data-count=\"{count}\" x=\"{x:.1f}\" y=\"{y:.1f}\" "
        f"width=\"{bar:.1f}\" height=\"{h:.1f}\"><title>{month}: {count} {verb}</title></rect>"
    )


def _month_labels(months: Sequence[str], left: int, slot: float, y: int) -> list[str]:
    step = max(1, math.ceil(len(months) / 7))
    return [
        f"<text class=\"tick\" x=\"{left + n * slot + slot / 2:.1f}\" y=\"{y}\" text-anchor=\"middle\">{m}</text>"
        for n, m in enumerate(months)
        if n % step == 0
    ]


# ---------------------------------------------------------------------------- tables


def _table(ident: str, columns: Sequence[Column], rows: Iterable[Sequence[Cell]]) -> str:
    head = "".join(_th(c) for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td{_sort_attr(c)}>{c.html}</td>" for c in row) + "</tr>" for row in rows
    )
    return (
        f"<div class=\"table-wrap\"><table class=\"sortable\" id=\"{ident}\">"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _th(c: Column) -> str:
    return (
        f"<th scope=\"col\" aria-sort=\"{c.initial or 'none'}\" data-label=\"{e(c.label)}\">"
        f"<button type=\"button\">{e(c.label)}</button></th>"
    )


def _sort_attr(c: Cell) -> str:
    return "" if c.sort is None else f" data-sort=\"{e(c.sort)}\""


SECRET_COLUMNS = (
    Column("Risk", initial="descending"),
    Column("Type"),
    Column("Provider"),
    Column("Preview"),
    Column("Exposure"),
    Column("First seen"),
    Column("Locations"),
    Column("Services"),
    Column("Rotation"),
    Column("Age"),
    Column("Overdue"),
)


def _secrets_section(inv: Inventory) -> str:
    if not inv.items:
        return "<section id=\"secrets-section\"><h2>Secrets</h2><p class=\"empty\">No secrets found.</p></section>"
    return (
        "<section id=\"secrets-section\"><div class=\"section-head\"><h2>Secrets</h2>"
        "<label class=\"filter\">Filter <input type=\"search\" id=\"secrets-filter\" data-table=\"secrets\" "
        "placeholder=\"path, type, provider, author\" autocomplete=\"off\"></label>"
        f"<span class=\"count\" id=\"secrets-count\" aria-live=\"polite\">{len(inv.items)} of {len(inv.items)}</span></div>"
        "<p class=\"hint\">Click a column header to sort. Previews only: this file holds no secret value.</p>"
        + _table("secrets", SECRET_COLUMNS, (_secret_row(i) for i in inv.items))
        + "</section>"
    )


def _secret_row(i: InventoryItem) -> list[Cell]:
    return [
        _risk_cell(i),
        Cell(f"{e(_type_label(i.type.value))}<br><span class=\"sub\" title=\"{e(i.rule_id)}\">{e(i.rule_name)}</span>", i.type.value),
        Cell(e(i.provider)),
        Cell(f"<code class=\"preview\">{e(i.preview)}</code><br><span class=\"sub\">fp {e(i.fingerprint[:12])}</span>", i.preview),
        _exposure_cell(i),
        _first_seen_cell(i.first_seen),
        _locations_cell(i),
        _services_cell(i),
        Cell(f"{i.rotation_days}&nbsp;d" + (" <span class=\"sub\">or dynamic</span>" if i.dynamic_eligible else ""), str(i.rotation_days)),
        Cell("&mdash;" if i.age_days is None else f"{i.age_days}&nbsp;d", "" if i.age_days is None else str(i.age_days)),
        _overdue_cell(i.overdue),
    ]


def _risk_cell(i: InventoryItem) -> Cell:
    reasons = "".join(f"<li>{e(r)}</li>" for r in i.risk.reasons)
    return Cell(
        f"<span class=\"badge risk-{i.risk.level.label}\">{i.risk.level.label}</span> "
        f"<span class=\"score\">{i.risk.score:g}</span><ul class=\"reasons\">{reasons}</ul>",
        f"{i.risk.score:.2f}",
    )


def _exposure_cell(i: InventoryItem) -> Cell:
    if i.exposure.state is ExposureState.IN_TIP:
        return Cell("<span class=\"badge tip\">in the tip</span>", "1")
    removed = i.exposure.removed_in
    detail = f"<br><span class=\"sub\">removed in {_commit(removed)}</span>" if removed else ""
    return Cell(f"<span class=\"badge history\">history only</span>{detail}", "0 " + (removed.date if removed else ""))


def _commit(c: CommitInfo) -> str:
    return (
        f"<code title=\"{e(c.sha)}\">{e(c.sha[:10])}</code> on {e(c.date[:10])} by {e(c.author)}"
        f"<br><q class=\"summary\">{e(c.summary)}</q>"
    )


def _first_seen_cell(c: CommitInfo | None) -> Cell:
    if c is None:
        return Cell("<span class=\"sub\">working tree</span>", "")
    return Cell(
        f"{e(c.date[:10])}<br><code title=\"{e(c.sha)}\">{e(c.sha[:10])}</code> {e(c.author)}"
        f"<br><q class=\"summary\">{e(c.summary)}</q>",
        c.date,
    )


def _location(loc: Location) -> str:
    prov = loc.provenance
    where = f"<code>{e(prov.path)}</code>:{loc.span.line} <span class=\"tag\">{e(loc.storage.value)}</span>"
    if prov.in_tip is False:
        where += " <span class=\"tag tag-history\">history</span>"
    if loc.locator:
        where += f"<br><span class=\"sub\">{e(loc.locator)}</span>"
    return f"<li>{where}</li>"


def _locations_cell(i: InventoryItem) -> Cell:
    shown = "".join(_location(loc) for loc in i.locations[:LOCATIONS_SHOWN])
    rest = i.locations[LOCATIONS_SHOWN:]
    more = (
        f"<details><summary>+{len(rest)} more</summary><ul class=\"locs\">{''.join(_location(loc) for loc in rest)}</ul></details>"
        if rest
        else ""
    )
    counts = f"<span class=\"sub\">{len(i.paths)} path(s), {i.commits} commit(s)</span>"
    return Cell(f"<ul class=\"locs\">{shown}</ul>{more}{counts}", i.paths[0] if i.paths else "")


def _services_cell(i: InventoryItem) -> Cell:
    names = ", ".join(e(s) for s in i.services)
    flag = " <span class=\"badge shared\">shared</span>" if i.shared else ""
    return Cell(names + flag, f"{len(i.services)} {', '.join(i.services)}")


def _overdue_cell(overdue: bool | None) -> Cell:
    if overdue is None:
        return Cell("<span class=\"sub\">n/a</span>", "0")
    if overdue:
        return Cell("<span class=\"badge overdue\">overdue</span>", "2")
    return Cell("<span class=\"badge okay\">ok</span>", "1")


CERT_COLUMNS = (
    Column("Subject"),
    Column("SANs"),
    Column("Issuer"),
    Column("Not after"),
    Column("Status"),
    Column("Key found"),
    Column("Paths"),
)


def _certificates_section(certs: Sequence[CertificateEntry]) -> str:
    if not certs:
        return "<section id=\"certificates-section\"><h2>Certificates</h2><p class=\"empty\">No certificate found.</p></section>"
    return (
        f"<section id=\"certificates-section\"><h2>Certificates ({len(certs)})</h2>"
        + _table("certificates", CERT_COLUMNS, (_cert_row(c) for c in certs))
        + "</section>"
    )


_CERT_ORDER = {"expired": "0", "expires soon": "1", "valid": "2"}


def _cert_row(c: CertificateEntry) -> list[Cell]:
    return [
        Cell(e(c.subject_cn) or "&mdash;"),
        Cell("<br>".join(e(s) for s in c.sans) or "&mdash;"),
        Cell(e(c.issuer_cn) or "&mdash;"),
        Cell(e(c.not_after[:10]), c.not_after),
        Cell(f"<span class=\"badge cert-{_slug(c.status)}\">{e(c.status)}</span>", _CERT_ORDER.get(c.status, "3")),
        Cell("yes" if c.has_private_key else "no"),
        Cell(_paths(c.paths)),
    ]


KEY_COLUMNS = (
    Column("Algorithm"),
    Column("Size"),
    Column("Encrypted"),
    Column("Pairs with a certificate"),
    Column("Paths"),
    Column("Fingerprint"),
)


def _keys_section(keys: Sequence[KeyEntry]) -> str:
    if not keys:
        return "<section id=\"keys-section\"><h2>Private keys</h2><p class=\"empty\">No private key found.</p></section>"
    return (
        f"<section id=\"keys-section\"><h2>Private keys ({len(keys)})</h2>"
        + _table("keys", KEY_COLUMNS, (_key_row(k) for k in keys))
        + "</section>"
    )


def _key_row(k: KeyEntry) -> list[Cell]:
    return [
        Cell(e(k.algorithm)),
        Cell(str(k.size) if k.size else "&mdash;", str(k.size)),
        Cell("yes" if k.encrypted else "<span class=\"badge overdue\">no</span>", "1" if k.encrypted else "0"),
        Cell("yes" if k.pairs_with_certificate else "no"),
        Cell(_paths(k.paths)),
        Cell(f"<code>{e(k.fingerprint[:12])}</code>"),
    ]


def _paths(paths: Sequence[str]) -> str:
    return "<br>".join(f"<code>{e(p)}</code>" for p in paths)


def _footer() -> str:
    return (
        "<footer><p>This report holds redacted previews and fingerprints only, never a secret value. "
        "Risk levels come from a documented score: each secret lists the reasons that raised or lowered it. "
        "The same data is available as <code>--format json</code> for the remediation planner.</p></footer>"
    )


def _type_label(value: str) -> str:
    return value.replace("_", " ")


def _slug(text: str) -> str:
    return "-".join(text.split())


# ---------------------------------------------------------------------------- assets

CSS = """
:root{--fg:#1b1f24;--muted:#5b6470;--line:#d8dde3;--bg:#f6f7f9;--card:#fff;
--critical:#8e1b1b;--high:#d9480f;--medium:#e8a200;--low:#4a86b8;--ok:#2b8a3e;--intro:#c2410c;--removed:#2b8a3e}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:1600px;margin:0 auto;padding:20px}
h1{font-size:26px;margin:0}
h2{font-size:15px;margin:0 0 8px;text-transform:none}
code,.preview{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px;overflow-wrap:anywhere}
.page-head{display:flex;flex-wrap:wrap;gap:12px;justify-content:space-between;align-items:center;margin-bottom:16px}
.meta{color:var(--muted);margin:4px 0 0}
.verdict{margin:0;padding:8px 14px;border-radius:6px;font-weight:600;border:1px solid}
.verdict-alert{background:#fdecec;color:var(--critical);border-color:#f1b5b5}
.verdict-warn{background:#fff6e0;color:#7a5200;border-color:#f0d48a}
.verdict-ok{background:#e9f7ec;color:var(--ok);border-color:#a9dcb4}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px;margin-bottom:12px}
.card,.panel,.chart,section>.table-wrap{background:var(--card);border:1px solid var(--line);border-radius:8px}
.card{padding:12px 14px}
.card h2{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.big{font-size:30px;font-weight:700;margin:0 0 4px;line-height:1.1}
.worst{font-size:18px}
.plain{list-style:none;margin:0;padding:0}
.plain li{margin:2px 0}
.note,.hint,.sub{color:var(--muted);font-size:12px}
.note{margin:6px 0 0}
.meter-svg{width:100%;height:8px;display:block;margin-top:6px}
.meter-good{fill:var(--ok)}.meter-bad{fill:#f1b5b5}
.panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:12px;margin-bottom:12px}
.panel{padding:12px 16px}
.panel ol,.panel ul{margin:0;padding-left:22px}
.panel li{margin:3px 0}
#actions{border-left:4px solid var(--high)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(360px,1fr));gap:12px;margin-bottom:16px}
.chart{margin:0;padding:12px 16px}
.chart-svg{width:100%;height:auto;display:block}
.chart-scroll{overflow-x:auto}.chart-scroll .chart-svg{min-width:440px}
.chart-svg text{font-size:11px;fill:var(--fg)}
.chart-svg .tick{fill:var(--muted);font-size:10px}
.chart-svg .seg-label{fill:#fff;font-weight:600}
.chart-svg .total{font-weight:600}
.axis{stroke:#8a939e;stroke-width:1}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:12px;padding:0;margin:0 0 8px;font-size:12px;color:var(--muted)}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:-1px}
.badge{display:inline-block;padding:1px 7px;border-radius:10px;font-size:11px;font-weight:600;color:#fff;white-space:nowrap}
.risk-critical{background:var(--critical);fill:var(--critical)}
.risk-high{background:var(--high);fill:var(--high)}
.risk-medium{background:var(--medium);fill:var(--medium);color:#2b2100}
.risk-low{background:var(--low);fill:var(--low)}
.intro{background:var(--intro);fill:var(--intro)}
.removed{background:var(--removed);fill:var(--removed)}
.tip{background:#a61e4d}.history{background:#6b7280}
.shared{background:#7048e8}.overdue{background:var(--critical)}.okay{background:var(--ok)}
.cert-expired{background:var(--critical)}.cert-expires-soon{background:var(--medium);color:#2b2100}.cert-valid{background:var(--ok)}
.tag{display:inline-block;border:1px solid var(--line);border-radius:4px;padding:0 4px;font-size:11px;color:var(--muted);white-space:nowrap}
.tag-history{border-color:#b0b6be;background:#eef0f2}
.empty{color:var(--muted);font-style:italic;margin:8px 0}
section{margin-bottom:20px}
.section-head{display:flex;flex-wrap:wrap;gap:12px;align-items:baseline}
.filter{font-size:13px;color:var(--muted)}
.filter input{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px;min-width:220px}
.count{color:var(--muted);font-size:12px}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:6px 7px;border-bottom:1px solid var(--line)}
thead th{position:sticky;top:0;background:#eef1f4;z-index:1;white-space:nowrap}
tbody tr:hover{background:#fafbfc}
th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;color:inherit}
th button::after{content:"\\2195";color:#a0a7b0;margin-left:3px;font-size:10px}
th[aria-sort=ascending] button::after{content:"\\25B2";color:var(--fg)}
th[aria-sort=descending] button::after{content:"\\25BC";color:var(--fg)}
th button:focus-visible{outline:2px solid #1c7ed6;outline-offset:2px}
.reasons{margin:4px 0 0;padding-left:14px;font-size:11px;color:var(--muted);min-width:165px}
.locs{list-style:none;margin:0;padding:0;min-width:200px}
.locs li{margin:0 0 4px}
.score{color:var(--muted);font-size:11px}
q.summary{color:var(--muted);font-size:12px;quotes:"\\201C" "\\201D"}
details summary{cursor:pointer;color:#1c7ed6;font-size:12px}
footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line);padding-top:8px}
tr.hidden{display:none}
@media (max-width:640px){main{padding:10px}h1{font-size:21px}.big{font-size:24px}.cards{grid-template-columns:1fr 1fr}
.charts,.panels{grid-template-columns:1fr}.filter input{min-width:0;width:100%}.filter{width:100%}}
@page{size:A4 landscape;margin:10mm}
@media print{body{background:#fff;font-size:10pt}main{max-width:none;padding:0}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.filter,.count,.hint,th button::after{display:none}
.table-wrap{overflow:visible;border:0}thead th{position:static}
thead{display:table-header-group}tr,.card,.panel,.chart{break-inside:avoid}
.cards{grid-template-columns:repeat(5,1fr)}.charts{grid-template-columns:1fr 1fr}
table{font-size:8.5pt}th,td{padding:3px 5px}.reasons{min-width:150px}.locs{min-width:0}
th button{display:none}th[data-label]::before{content:attr(data-label)}}
"""

JS = """
(function () {
  "use strict";
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: "base"});
  var number = /^-?\\d+(\\.\\d+)?$/;
  function key(cell) {
    var k = cell.getAttribute("data-sort");
    return (k === null ? cell.textContent : k).trim();
  }
  function compare(a, b) {
    if (number.test(a) && number.test(b)) { return parseFloat(a) - parseFloat(b); }
    return collator.compare(a, b);
  }
  function sortBy(table, index, ascending) {
    var body = table.tBodies[0];
    var rows = Array.prototype.map.call(body.rows, function (r) { return {row: r, key: key(r.cells[index])}; });
    rows.sort(function (r1, r2) {
      var a = r1.key, b = r2.key;
      if (a === "" || b === "") { return (a === "") - (b === ""); }
      var c = compare(a, b);
      return ascending ? c : -c;
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (r) { frag.appendChild(r.row); });
    body.appendChild(frag);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, index) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (other) {
          if (other.hasAttribute("aria-sort")) { other.setAttribute("aria-sort", "none"); }
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sortBy(table, index, ascending);
      });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("input[data-table]"), function (input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    var count = document.getElementById(input.getAttribute("data-table") + "-count");
    input.addEventListener("input", function () {
      var q = input.value.trim().toLowerCase(), shown = 0, rows = table.tBodies[0].rows;
      Array.prototype.forEach.call(rows, function (r) {
        var hit = q === "" || r.textContent.toLowerCase().indexOf(q) !== -1;
        r.classList.toggle("hidden", !hit);
        if (hit) { shown += 1; }
      });
      if (count) { count.textContent = shown + " of " + rows.length; }
    });
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
})();
"""

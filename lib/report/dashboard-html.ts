// The rollout dashboard as ONE static HTML file: inline CSS, inline script, inline data, inline SVG; no network, so it
// opens from disk and from any static host (GitHub Pages). The page is drawn here, on the server side; the script only
// filters (suite, verdict) and fills the detail panel of the cell a link points at (#<target>/<cell>).
import { VERDICTS, type Verdict } from '../verdicts.ts';
import type { Cell, DashboardModel, GapRow, RunPoint, TargetModel } from './dashboard-model.ts';
import { escapeHtml } from './text.ts';

export const VERDICT_COLOURS: Record<Verdict, string> = {
  pass: '#2e8540', fail: '#d83933', error: '#8b1a8b', blocked: '#e07b00', 'expected-gap': '#e5b700', 'gap-closed': '#1f78b4', 'not-run': '#b0b7bf',
};
const VERDICT_MEANING: Record<Verdict, string> = {
  pass: 'works as the spec says', fail: 'the server does it wrong', error: 'no usable answer (timeout, HTML, not JSON)',
  blocked: 'not judged: a prerequisite failed', 'expected-gap': 'a known gap of the target, reproducing as documented',
  'gap-closed': 'a known gap that no longer reproduces', 'not-run': 'not judged in this run (with the reason)',
};

const esc = escapeHtml;
const day = (iso: string) => iso.slice(0, 10);
const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function legend(): string {
  return `<ul class="legend">${VERDICTS.map((v) => `<li><span class="sw v-${v}"></span><b>${v}</b> ${esc(VERDICT_MEANING[v])}</li>`).join('')}</ul>`;
}

function cellHtml(t: number, c: Cell, label: string): string {
  const judged = Object.entries(c.counts).filter(([v]) => v !== 'not-run').reduce((n, [, k]) => n + k!, 0);
  const works = (c.counts.pass ?? 0) + (c.counts['gap-closed'] ?? 0);
  const text = c.ids.length === 1 ? '' : judged ? `${works}/${judged}` : '–';
  const tip = `${c.row} ${c.kind}: ${Object.entries(c.counts).map(([v, n]) => `${n} ${v}`).join(', ')}`;
  return `<a class="cell v-${c.verdict}" href="#t${t}/${encodeURIComponent(c.key)}" title="${esc(tip)}" aria-label="${esc(label)}" data-suites="${esc(c.suites.join(' '))}" data-verdicts="${esc(Object.keys(c.counts).join(' '))}">${esc(text)}</a>`;
}

function grid(t: number, m: TargetModel): [string, string] {
  const byKey = new Map(m.cells.map((c) => [c.key, c]));
  const head = `<tr><th>resource type</th>${m.kinds.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>`;
  const rows = m.rows.map((r) => `<tr data-row="${esc(r)}"><th>${esc(r)}</th>${m.kinds.map((k) => {
    const c = byKey.get(`${r}|${k}`);
    return `<td>${c ? cellHtml(t, c, `${r} ${k}`) : ''}</td>`;
  }).join('')}</tr>`).join('\n');
  const protocol = [...new Set(m.protocol.map((c) => c.row))].map((row) =>
    `<tr><th>${esc(row)}</th><td class="chips">${m.protocol.filter((c) => c.row === row).map((c) => `<span class="chip">${cellHtml(t, c, c.kind)}<code>${esc(c.kind.replace(`${row}:`, ''))}</code></span>`).join('')}</td></tr>`).join('\n');
  return [`<table class="grid" data-grid="t${t}"><thead>${head}</thead><tbody>${rows}</tbody></table>`,
    `<h4>Capabilities not tied to a resource type</h4><table class="grid protocol"><tbody>${protocol}</tbody></table>`];
}

function chart(runs: RunPoint[]): string {
  const W = 360, H = 90, P = 22;
  const x = (i: number) => P + (runs.length > 1 ? (i * (W - 2 * P)) / (runs.length - 1) : (W - 2 * P) / 2);
  const y = (pct: number) => H - P + 4 - (pct * (H - P - 8)) / 100;
  const line = (vals: (number | null | undefined)[], cls: string) => {
    const pts = vals.map((v, i) => (v === null || v === undefined ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean);
    return pts.length ? `<polyline class="${cls}" points="${pts.join(' ')}"/>${vals.map((v, i) => (v === null || v === undefined ? '' : `<circle class="${cls}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5"><title>${esc(`${minute(runs[i]!.startedAt)}: ${v} %`)}</title></circle>`)).join('')}` : '';
  };
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="coverage over time">
<line x1="${P}" y1="${y(0)}" x2="${W - P}" y2="${y(0)}" class="axis"/><line x1="${P}" y1="${y(100)}" x2="${W - P}" y2="${y(100)}" class="grid100"/>
<text x="2" y="${y(100) + 3}">100</text><text x="8" y="${y(0) + 3}">0</text>
${line(runs.map((r) => r.passPercent), 'pass')}${line(runs.map((r) => r.coverage), 'cov')}
<text x="${P}" y="${H - 2}">${esc(day(runs[0]?.startedAt ?? ''))}</text><text x="${W - P}" y="${H - 2}" text-anchor="end">${esc(day(runs.at(-1)?.startedAt ?? ''))}</text>
</svg><p class="note"><span class="key pass"></span> capabilities working, % of those judged &nbsp; <span class="key cov"></span> search parameters judged, % of the matrix</p>`;
}

function timeline(t: number, m: TargetModel): string {
  if (!m.gaps.length) return '<p>No gap or failure in the runs shown.</p>';
  const n = m.runs.length, W = Math.max(120, Math.min(360, n * 24)), step = W / n;
  const head = `<tr><th>gap</th><th>runs (oldest → latest)</th><th>from open to closed</th></tr>`;
  const row = (g: GapRow) => {
    const bars = g.states.map((s, i) => `<rect class="s-${s}" x="${(i * step + 1).toFixed(1)}" y="3" width="${Math.max(2, step - 2).toFixed(1)}" height="12"><title>${esc(`${minute(m.runs[i]!.startedAt)} ${m.runs[i]!.runId}: ${s}`)}</title></rect>`).join('');
    const text = g.periods.map((p) => `opened ${esc(day(m.runs[p.open]!.startedAt))}${p.close !== undefined ? ` → closed ${esc(day(m.runs[p.close]!.startedAt))} <span class="muted">(${p.close - p.open} run${p.close - p.open > 1 ? 's' : ''})</span>` : ' → <b>open</b>'}`).join('; ');
    const others = g.ids.filter((id) => id !== g.key);
    return `<tr class="gap ${g.open ? 'open' : 'closed'}" data-suites="${esc(g.suites.join(' '))}" data-verdicts="${esc([...new Set(g.ids.map((id) => m.caps[id]?.verdict ?? 'not-run'))].join(' '))}"><td><a href="#t${t}/${encodeURIComponent(`gap|${g.key}`)}"><code>${esc(g.key)}</code></a>${others.length ? ` <span class="muted">+${others.length}</span>` : ''}</td><td><svg width="${W}" height="18" class="tl">${bars}</svg></td><td>${text}</td></tr>`;
  };
  return `<table class="timeline">${head}${m.gaps.map(row).join('\n')}</table>${m.gapsNotShown ? `<p class="note">${m.gapsNotShown} more gaps not drawn.</p>` : ''}`;
}

function availability(m: TargetModel, asOf: string): string {
  if (!m.availability.length) return '';
  const rows = m.availability.map((r) => `<tr class="av-${r.now.status.replace(' ', '-')}"><td>${esc(r.id)}</td><td>${esc(r.about)}</td><td>${esc(r.page)}</td><td><b>${esc(r.now.text)}</b><br>${r.perItem.map((i) => `<span class="mini v-${i.verdict ?? 'not-run'}" title="${esc(`${i.capability}: ${i.verdict ?? 'not-run'}`)}"></span>`).join('')}</td><td>${r.lastChanged ? `${esc(day(r.lastChanged.at))}${r.lastChanged.from ? `<br><span class="muted">was ${esc(r.lastChanged.from)}</span>` : '<br><span class="muted">first measured</span>'}` : '—'}</td></tr>`).join('\n');
  return `<table class="availability"><thead><tr><th>row</th><th>capability</th><th>the page says (as of ${esc(asOf)})</th><th>measured now</th><th>last changed</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function idList(t: number, m: TargetModel, ids: string[], empty: string): string {
  if (!ids.length) return `<p class="muted">${esc(empty)}</p>`;
  const li = (id: string) => `<li><a href="#t${t}/${encodeURIComponent(`cap|${id}`)}"><code>${esc(id)}</code></a> <span class="tag v-${m.caps[id]?.verdict ?? 'not-run'}">${esc(m.caps[id]?.verdict ?? '')}</span></li>`;
  return `<ul class="ids">${ids.slice(0, 30).map(li).join('')}</ul>${ids.length > 30 ? `<details><summary>${ids.length - 30} more</summary><ul class="ids">${ids.slice(30).map(li).join('')}</ul></details>` : ''}`;
}

function target(t: number, m: TargetModel, asOf: string): string {
  const last = m.runs.at(-1)!;
  const [types, protocol] = grid(t, m);
  return `<section class="target" id="t${t}" data-target="${esc(m.name)}">
<h2>${esc(m.name)} <span class="muted">${esc(m.profile ?? '')} · ${esc(m.baseUrl)}</span></h2>
<p>Latest run <code>${esc(last.runId)}</code> at ${esc(minute(last.startedAt))}: <b>${esc(last.outcome)}</b>${last.faults?.length ? ` (faults ${esc(last.faults.join(', '))})` : ''} · ${m.runs.length} run${m.runs.length > 1 ? 's' : ''} shown${m.details ? '' : ' · <span class="muted">the latest run folder is not here: reasons and evidence are in its artifact</span>'}</p>
<div class="row"><div><h3>Coverage over time</h3>${chart(m.runs)}</div>
<div><h3>Newly failing since the previous run</h3>${idList(t, m, m.newlyFailing, m.previousRunId ? 'nothing' : 'no previous run')}</div>
<div><h3>Newly passing since the previous run</h3>${idList(t, m, m.newlyPassing, m.previousRunId ? 'nothing' : 'no previous run')}</div></div>
<h3>Capability grid</h3>
<div class="row"><div class="gridwrap">${types}</div><aside class="detail" id="t${t}-detail"><p class="muted">Pick a cell: its capabilities, with the reason and the evidence of every one that does not pass.</p></aside></div>
${protocol}
<h3>Platform availability, as measured</h3>${availability(m, asOf)}
<h3>Gaps, from open to closed</h3>${timeline(t, m)}
</section>`;
}

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1f23;background:#fafbfc}
header{background:#0b3d5c;color:#fff;padding:12px 20px}
header h1{font-size:18px;margin:0 0 6px} header a{color:#cfe8ff} header label{margin-right:14px}
main{padding:8px 20px 40px} section.target{border-top:3px solid #0b3d5c;margin-top:18px}
h2{font-size:18px} h3{font-size:15px;margin:18px 0 6px} h4{font-size:13px;margin:10px 0 4px}
.muted{color:#6a737d;font-weight:normal} code{font-size:12px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;list-style:none;padding:0;margin:6px 0 0;font-size:12px}
.sw,.mini,.key{display:inline-block;width:11px;height:11px;border-radius:2px;vertical-align:-1px;margin-right:4px}
.key.pass{background:#2e8540}.key.cov{background:#1f78b4}
${VERDICTS.map((v) => `.v-${v}{background:${VERDICT_COLOURS[v]}}`).join('')}
.row{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start} .gridwrap{flex:0 0 auto}
table{border-collapse:collapse} th{text-align:left;font-weight:600}
.grid th,.grid td{padding:1px 3px;font-size:12px} .grid thead th{position:sticky;top:0;background:#fafbfc}
.cell{display:block;min-width:44px;height:18px;border-radius:3px;color:#fff;text-align:center;text-decoration:none;font-size:11px;line-height:18px}
.chip{display:inline-flex;align-items:center;gap:3px;margin:1px 8px 1px 0} .chip .cell{min-width:14px;width:14px;height:14px}
.dim{opacity:.12} tr.hidden{display:none}
.detail{flex:1;min-width:320px;max-width:640px;background:#fff;border:1px solid #d1d5da;border-radius:4px;padding:8px 12px;position:sticky;top:8px;max-height:92vh;overflow:auto}
.detail li{margin:4px 0} .detail .reason{white-space:pre-wrap;font-size:12px;color:#24292e}
.tag{color:#fff;border-radius:3px;padding:0 4px;font-size:11px}
.timeline td,.timeline th,.availability td,.availability th{border-bottom:1px solid #e1e4e8;padding:3px 8px;vertical-align:top}
.tl .s-gap{fill:#d83933}.tl .s-closed{fill:#2e8540}.tl .s-unknown{fill:#e1e4e8}
.chart polyline{fill:none;stroke-width:2}.chart polyline.pass{stroke:#2e8540}.chart polyline.cov{stroke:#1f78b4}
.chart circle.pass{fill:#2e8540}.chart circle.cov{fill:#1f78b4}.chart .axis{stroke:#999}.chart .grid100{stroke:#ddd;stroke-dasharray:3}.chart text{font-size:9px;fill:#666}
.note{font-size:12px;color:#586069} .ids{margin:0;padding-left:18px}
.av-live td:nth-child(4) b{color:#2e8540}.av-gap td:nth-child(4) b{color:#d83933}.av-partly-live td:nth-child(4) b{color:#e07b00}
`;

// The script: filters and the detail panel. Plain DOM, no library.
const JS = `
const D = JSON.parse(document.getElementById('dashboard-data').textContent);
const S = (i) => (i < 0 ? undefined : D.strings[i]);
const cap = (t, id) => { const c = t.caps[id]; return c && { id, verdict: S(c[0]), suite: S(c[1]), title: S(c[2]), reason: S(c[3]), evidence: c[4].map(S) }; };
const $ = (s, r = document) => [...r.querySelectorAll(s)];
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
function applyFilters() {
  const suite = document.getElementById('f-suite').value, verdict = document.getElementById('f-verdict').value;
  for (const el of $('[data-suites]')) {
    const ok = (!suite || el.dataset.suites.split(' ').includes(suite)) && (!verdict || el.dataset.verdicts.split(' ').includes(verdict));
    if (el.tagName === 'TR') el.classList.toggle('hidden', !ok); else el.classList.toggle('dim', !ok);
  }
  for (const tr of $('table.grid:not(.protocol) tbody tr')) tr.classList.toggle('hidden', !tr.querySelector('.cell:not(.dim)'));
  showDetail();
}
function capHtml(c) {
  const ev = c.evidence.map((e) => '<a href="' + encodeURI(e) + '">' + esc(e.split('/').pop()) + '</a>').join(' ');
  return '<li><code>' + esc(c.id) + '</code> <span class="tag v-' + c.verdict + '">' + c.verdict + '</span>' + (c.title ? '<br><span class="muted">' + esc(c.title) + '</span>' : '') +
    (c.reason ? '<div class="reason">' + esc(c.reason) + '</div>' : '') + (ev ? '<div>evidence: ' + ev + '</div>' : '') + '</li>';
}
function showDetail() {
  const m = /^#t(\\d+)\\/(.+)$/.exec(location.hash);
  if (!m) return;
  const t = D.targets[+m[1]], key = decodeURIComponent(m[2]), panel = document.getElementById('t' + m[1] + '-detail');
  if (!t || !panel) return;
  let ids, title;
  if (key.startsWith('gap|')) { const g = t.gaps.find((x) => x.key === key.slice(4)); ids = g ? g.ids : []; title = 'gap ' + key.slice(4); }
  else if (key.startsWith('cap|')) { ids = [key.slice(4)]; title = key.slice(4); }
  else { const c = t.cells.concat(t.protocol).find((x) => x.key === key); ids = c ? c.ids : []; title = c ? c.row + ' · ' + c.kind : key; }
  const suite = document.getElementById('f-suite').value, verdict = document.getElementById('f-verdict').value;
  const caps = ids.map((id) => cap(t, id)).filter((c) => c && (!suite || c.suite === suite) && (!verdict || c.verdict === verdict));
  const bad = caps.filter((c) => c.verdict !== 'pass'), good = caps.filter((c) => c.verdict === 'pass');
  panel.innerHTML = '<h4>' + esc(title) + '</h4>' + (t.details ? '' : '<p class="muted">Reasons and evidence are in the run folder of ' + esc(t.runs[t.runs.length - 1].runId) + ' (not found here).</p>') +
    '<ul>' + bad.map(capHtml).join('') + '</ul>' + (good.length ? '<p><b>' + good.length + ' pass:</b> ' + good.map((c) => '<code>' + esc(c.id) + '</code>').join(', ') + '</p>' : '') +
    (caps.length ? '' : '<p class="muted">Nothing here matches the filters.</p>');
  panel.dataset.shown = key;
}
document.getElementById('f-suite').addEventListener('change', applyFilters);
document.getElementById('f-verdict').addEventListener('change', applyFilters);
window.addEventListener('hashchange', showDetail);
applyFilters();
`;

/**
 * The data the script needs (cells, capabilities with reasons and evidence, gaps), packed: a capability is
 * `[verdict, suite, title, reason, evidence]` with every string an index into one table (reasons repeat a lot), and
 * titles only where the verdict is not pass or not-run. `<` is escaped so nothing in it can close the script.
 */
function dataJson(model: DashboardModel): string {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const str = (x: string | undefined) => {
    if (x === undefined) return -1;
    if (!index.has(x)) index.set(x, strings.push(x) - 1);
    return index.get(x)!;
  };
  const slim = {
    targets: model.targets.map((t) => ({
      name: t.name, details: t.details, runs: t.runs.map((r) => ({ runId: r.runId })),
      caps: Object.fromEntries(Object.values(t.caps).map((c) => [c.id, [
        str(c.verdict), str(c.suite), c.verdict === 'not-run' ? -1 : str(c.title), str(c.reason), c.evidence.map(str),
      ]])),
      cells: t.cells.map((c) => ({ key: c.key, row: c.row, kind: c.kind, ids: c.ids })),
      protocol: t.protocol.map((c) => ({ key: c.key, row: c.row, kind: c.kind, ids: c.ids })),
      gaps: t.gaps.map((g) => ({ key: g.key, ids: g.ids })),
    })),
    strings,
  };
  return JSON.stringify(slim).replace(/</g, '\\u003c');
}

export function renderDashboard(model: DashboardModel): string {
  const nav = model.targets.map((t, i) => `<a href="#t${i}">${esc(t.name)}</a>`).join(' · ');
  const suites = model.suites.map((s) => `<option>${esc(s)}</option>`).join('');
  const verdicts = VERDICTS.map((v) => `<option>${esc(v)}</option>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>DHP rollout dashboard</title><style>${CSS}</style></head>
<body><header><h1>DHP rollout dashboard</h1>
<div>${nav} &nbsp; <label>suite <select id="f-suite"><option value="">all</option>${suites}</select></label><label>verdict <select id="f-verdict"><option value="">all</option>${verdicts}</select></label><span class="muted" style="color:#cfe8ff">generated ${esc(minute(model.generatedAt))} UTC</span></div>
${legend()}</header>
<main>${model.targets.length ? model.targets.map((t, i) => target(i, t, model.pageAsOf)).join('\n') : '<p>The history is empty: run <code>npm start</code> or <code>dhp-conformance history import &lt;dir&gt;</code>.</p>'}</main>
<script type="application/json" id="dashboard-data">${dataJson(model)}</script>
<script>${JS}</script></body></html>
`;
}

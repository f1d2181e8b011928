import type { Incarnation } from '../check/identity.ts';
import type { Call } from '../history/operation.ts';
import { shortJson } from '../check/format.ts';
import { byOrdinal, clientCalls, countsByF, faultSpans, runEnd, type FaultSpan, type RunRecord } from './run-record.ts';

/**
 * A self-contained HTML page for one run (no scripts, fonts or images from
 * anywhere): checker verdicts, operation counts, the fault list, a timeline with
 * a lane per pod and per client process (operations coloured ok / fail / info,
 * fault bands across every lane), and latency over time, as Jepsen's timeline and
 * latency graphs show them. Hover shows details (SVG titles).
 */
const MAX_DRAWN = 20_000;
const LEFT = 110;
const WIDTH = 1100;
const LANE = 14;
const GAP = 4;
const TOP = 24;
const FAULT_COLOUR: Record<string, string> = { 'pod-delete': '#8c564b', 'pod-kill': '#d62728', 'container-kill': '#e377c2', pause: '#9467bd', partition: '#1f77b4', netem: '#17becf' };
const colour = (fault: string) => FAULT_COLOUR[fault] ?? '#7f7f7f';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const sec = (ns: number) => `${(ns / 1e9).toFixed(3)} s`;
const ms = (ns: number) => `${(ns / 1e6).toFixed(3)} ms`;

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.meta { color: #666; margin: 0 0 16px; }
table { border-collapse: collapse; } td, th { padding: 2px 10px; text-align: right; border-bottom: 1px solid #eee; } td:first-child, th:first-child { text-align: left; }
.verdict { margin: 4px 0; } .verdict ul { margin: 2px 0 6px; color: #444; font-size: 13px; }
.valid .mark { color: #2e9e44; } .invalid .mark { color: #d62728; } .unknown .mark { color: #ff9f1a; }
svg { display: block; background: #fff; } svg text { font: 11px system-ui, sans-serif; fill: #333; }
.op.ok, .pt.ok { fill: #2e9e44; } .op.fail, .pt.fail { fill: #d62728; } .op.info, .pt.info { fill: #ff9f1a; }
.incarnation { fill: #c7c7c7; } .axis { stroke: #ccc; } .fault-band { opacity: 0.14; } .pod-fault { opacity: 0.85; }
.legend span { display: inline-block; margin-right: 14px; } .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: -2px; }
`;

export function timelineHtml(run: RunRecord): string {
  const spans = faultSpans(run.history);
  const calls = clientCalls(run.history);
  const end = Math.max(runEnd(run), 1);
  const drawn = calls.slice(0, MAX_DRAWN);
  const shown = drawn.length < calls.length ? `<p class="meta">Showing the first ${drawn.length} of ${calls.length} operations.</p>` : '';
  const meta = [run.seed === undefined ? '' : `seed ${run.seed}`, `${sec(end)}`, `${calls.length} operations`, `${spans.length} faults`].filter(Boolean).join(' · ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(run.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escape(run.title)}</h1>
<p class="meta">${escape(meta)}</p>
${checksSection(run)}
${countsSection(run)}
${faultsSection(spans)}
<section id="timeline"><h2>Timeline</h2>${legend(spans)}${shown}${timelineSvg(run, drawn, spans, end)}</section>
<section id="latency"><h2>Latency</h2>${latencySvg(drawn, spans, end)}</section>
</body></html>
`;
}

function checksSection(run: RunRecord): string {
  const mark = { valid: '✓', invalid: '✗', unknown: '?' };
  const items = run.results.map((r) => `<li class="verdict ${r.verdict}" data-checker="${escape(r.checker)}"><span class="mark">${mark[r.verdict]}</span> <b>${escape(r.checker)}</b>: ${r.verdict} — ${escape(r.summary)}${r.problems.length ? `<ul>${r.problems.map((p) => `<li>${escape(p)}</li>`).join('')}</ul>` : ''}</li>`);
  return `<section id="checks"><h2>Checks</h2><ul>${items.join('\n') || '<li>no checks</li>'}</ul></section>`;
}

function countsSection(run: RunRecord): string {
  const rows = [...countsByF(run.history)].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, c]) => `<tr data-f="${escape(f)}"><td>${escape(f)}</td><td class="ok">${c.ok}</td><td class="fail">${c.fail}</td><td class="info">${c.info}</td></tr>`);
  return `<section id="counts"><h2>Operations</h2><table><tr><th>f</th><th>ok</th><th>fail</th><th>info</th></tr>${rows.join('')}</table></section>`;
}

function faultsSection(spans: FaultSpan[]): string {
  const rows = spans.map((s) => `<tr data-fault="${escape(s.fault)}"><td>${escape(s.fault)}${s.params?.netem ? ` (${escape(String(s.params.netem))})` : ''}</td><td>${escape(s.targets.join(', '))}</td><td>${sec(s.start)}</td><td>${!s.lasting ? 'at once' : s.end === null ? '<b>not healed</b>' : sec(s.end)}</td></tr>`);
  return `<section id="faults"><h2>Faults</h2><table><tr><th>fault</th><th>targets</th><th>start</th><th>healed</th></tr>${rows.join('')}</table></section>`;
}

function legend(spans: FaultSpan[]): string {
  const item = (cls: string, fill: string, label: string) => `<span class="${cls}"><i style="background:${fill}"></i>${escape(label)}</span>`;
  const faults = [...new Set(spans.map((s) => s.fault))].map((f) => item('legend-fault', colour(f), f));
  return `<p class="legend">${item('', '#2e9e44', 'ok')}${item('', '#d62728', 'fail')}${item('', '#ff9f1a', 'info (unknown)')}${item('', '#c7c7c7', 'pod alive')}${faults.join('')}</p>`;
}

/** Nice tick positions (1, 2 or 5 × a power of ten seconds, about ten across the run), with their labels. */
function ticks(end: number): { at: number; label: string }[] {
  const raw = end / 1e9 / 10;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const out: { at: number; label: string }[] = [];
  for (let k = 0; k * step * 1e9 <= end; k++) out.push({ at: k * step * 1e9, label: `${(k * step).toFixed(decimals)} s` });
  return out;
}

function bands(spans: FaultSpan[], x: (t: number) => number, end: number, top: number, height: number): string {
  return spans
    .map((s) => {
      const from = x(s.start);
      const to = s.lasting ? x(s.end ?? end) : from + 2;
      const title = `${s.fault} on ${s.targets.join(', ')}: ${sec(s.start)} → ${s.lasting ? (s.end === null ? 'not healed' : sec(s.end)) : 'at once'}`;
      return `<rect class="fault-band" data-fault="${escape(s.fault)}" x="${from.toFixed(1)}" y="${top}" width="${Math.max(2, to - from).toFixed(1)}" height="${height}" fill="${colour(s.fault)}"><title>${escape(title)}</title></rect>`;
    })
    .join('');
}

function axis(end: number, x: (t: number) => number, top: number, bottom: number): string {
  return ticks(end)
    .map(({ at, label }) => `<line class="axis" x1="${x(at).toFixed(1)}" x2="${x(at).toFixed(1)}" y1="${top}" y2="${bottom}"/><text x="${x(at).toFixed(1)}" y="${top - 6}" text-anchor="middle">${label}</text>`)
    .join('');
}

function timelineSvg(run: RunRecord, calls: Call[], spans: FaultSpan[], end: number): string {
  const x = (t: number) => LEFT + (t / end) * WIDTH;
  const pods = [...new Set([...(run.incarnations ?? []).map((i) => podName(i)), ...spans.flatMap((s) => s.targets)])].sort(byOrdinal);
  const processes = [...new Set(calls.map((c) => c.process))].sort((a, b) => Number(a) - Number(b));
  const lanes = [...pods.map((p) => `pod ${p}`), ...processes.map((p) => `process ${p}`)];
  const y = (lane: number) => TOP + lane * (LANE + GAP);
  const height = y(lanes.length) + 4;
  const out: string[] = [axis(end, x, TOP, height), bands(spans, x, end, TOP, height - TOP)];
  lanes.forEach((lane, i) => out.push(`<g class="lane" data-lane="${escape(lane)}"><text x="${LEFT - 8}" y="${y(i) + LANE - 3}" text-anchor="end">${escape(lane.replace(/^process /, 'p'))}</text>`, laneBody(lane, i), '</g>'));
  return `<svg id="timeline-svg" width="${LEFT + WIDTH + 20}" height="${height}" xmlns="http://www.w3.org/2000/svg">${out.join('')}</svg>`;

  function laneBody(lane: string, i: number): string {
    const top = y(i);
    if (lane.startsWith('pod ')) {
      const pod = lane.slice(4);
      const lives = (run.incarnations ?? []).filter((inc) => podName(inc) === pod).map((inc) => rect('incarnation', inc.start, inc.end ?? end, top + 3, LANE - 6, `${pod} uid ${inc.uid}: ${sec(inc.start)} → ${inc.end === null ? 'still running' : sec(inc.end)}`));
      const hits = spans.filter((s) => s.targets.includes(pod)).map((s) => rect('pod-fault', s.start, s.lasting ? (s.end ?? end) : s.start, top, LANE, `${s.fault} at ${sec(s.start)}`, colour(s.fault)));
      return lives.join('') + hits.join('');
    }
    return calls
      .filter((c) => `process ${c.process}` === lane)
      .map((c) => rect(`op ${c.type}`, c.invoke.time, c.completion?.time ?? end, top, LANE, callTitle(c)))
      .join('');
  }

  function rect(cls: string, from: number, to: number, top: number, h: number, title: string, fill?: string): string {
    const w = Math.max(1.5, x(to) - x(from));
    return `<rect class="${cls}" x="${x(from).toFixed(1)}" y="${top}" width="${w.toFixed(1)}" height="${h}"${fill ? ` fill="${fill}"` : ''}><title>${escape(title)}</title></rect>`;
  }
}

function podName(inc: Incarnation): string {
  return inc.identity.replace(/^[^/]*\//, '');
}

function callTitle(c: Call): string {
  const value = c.f === 'read' ? (c.completion ? shortJson(c.completion.value, 40) : '') : shortJson(c.invoke.value, 40);
  const took = c.completion ? `, ${ms(c.completion.time - c.invoke.time)}` : ', no answer';
  return `p${c.process} ${c.f}${c.key === undefined ? '' : ` [${String(c.key)}]`} ${value} → ${c.type}${took}, at ${sec(c.invoke.time)}`;
}

/** Latency (log scale) of every completed operation against the time it began, with the fault bands behind. */
function latencySvg(calls: Call[], spans: FaultSpan[], end: number): string {
  const height = 260;
  const plotTop = TOP;
  const plotBottom = height - 20;
  const x = (t: number) => LEFT + (t / end) * WIDTH;
  const done = calls.filter((c) => c.completion);
  const latencies = done.map((c) => Math.max(1e3, c.completion!.time - c.invoke.time));
  const lo = Math.floor(Math.log10(Math.min(...latencies, 1e6)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...latencies, 1e6))));
  const y = (ns: number) => plotBottom - ((Math.log10(ns) - lo) / (hi - lo)) * (plotBottom - plotTop);
  const grid: string[] = [];
  for (let p = lo; p <= hi; p++) grid.push(`<line class="axis" x1="${LEFT}" x2="${LEFT + WIDTH}" y1="${y(10 ** p).toFixed(1)}" y2="${y(10 ** p).toFixed(1)}"/><text x="${LEFT - 8}" y="${(y(10 ** p) + 4).toFixed(1)}" text-anchor="end">${ms(10 ** p).replace(/\.?0+ ms$/, ' ms')}</text>`);
  const points = done.map((c, i) => `<circle class="pt ${c.type}" cx="${x(c.invoke.time).toFixed(1)}" cy="${y(latencies[i]).toFixed(1)}" r="2"><title>${escape(callTitle(c))}</title></circle>`);
  return `<svg id="latency-svg" width="${LEFT + WIDTH + 20}" height="${height}" xmlns="http://www.w3.org/2000/svg">${axis(end, x, plotTop, plotBottom)}${bands(spans, x, end, plotTop, plotBottom - plotTop)}${grid.join('')}${points.join('')}</svg>`;
}

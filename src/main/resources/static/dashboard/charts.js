// The charts view, drawn as SVG by this page (no library): runs finished per pipeline over time,
// their p50/p95 duration, attempts' durations per task type and failed attempts by reason, all
// from GET /api/v1/stats.

import {el, duration} from './format.js';
import {svg} from './graph.js';

const W = 720;
const H = 180;
const M = {top: 10, right: 12, bottom: 24, left: 48};
const BAR_H = 18;
const LABEL_W = 190;
const PALETTE = ['#2f6fdf', '#d9822b', '#3d9a50', '#a347ba', '#c23b3b', '#198a8a', '#8a6d1f', '#5a5a5a'];

const colourOf = names => Object.fromEntries(names.map((name, i) => [name, PALETTE[i % PALETTE.length]]));

function legend(colours) {
  return el('ul', {class: 'legend chart-legend'}, Object.entries(colours).map(([name, colour]) =>
      el('li', {'data-series': name}, el('span', {class: 'swatch', style: {background: colour}}), name)));
}

function axisTime(stats, x) {
  const from = Date.parse(stats.from);
  const to = Date.parse(stats.to);
  const ticks = [];
  for (let i = 0; i <= 4; i++) {
    const t = from + (to - from) * i / 4;
    const d = new Date(t);
    ticks.push(svg('text', {x: x(i * 15), y: H - 6, 'text-anchor': i === 0 ? 'start' : i === 4 ? 'end' : 'middle',
      class: 'ctick'}, String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0')));
  }
  return ticks;
}

function yAxis(max, format, y) {
  return [0, 0.5, 1].map(f => [
    svg('line', {x1: M.left, x2: W - M.right, y1: y(max * f), y2: y(max * f), class: 'grid'}),
    svg('text', {x: M.left - 6, y: y(max * f) + 4, 'text-anchor': 'end', class: 'ctick'}, format(max * f))]);
}

/** Runs finished per bucket, stacked by pipeline. */
function throughputChart(stats, colours) {
  const buckets = 60;
  const totals = new Array(buckets).fill(0);
  stats.buckets.filter(b => b.bucket >= 0 && b.bucket < buckets).forEach(b => { totals[b.bucket] += b.runs; });
  const max = Math.max(1, ...totals);
  const bw = (W - M.left - M.right) / buckets;
  const x = i => M.left + i * (W - M.left - M.right) / 60;
  const y = v => H - M.bottom - v / max * (H - M.top - M.bottom);
  const stacked = new Array(buckets).fill(0);
  const bars = stats.buckets.filter(b => b.bucket >= 0 && b.bucket < buckets).map(b => {
    const y0 = stacked[b.bucket];
    stacked[b.bucket] += b.runs;
    return svg('rect', {x: x(b.bucket) + 1, width: Math.max(1, bw - 2), y: y(y0 + b.runs), height: y(y0) - y(y0 + b.runs),
      fill: colours[b.pipeline], class: 'bar', 'data-pipeline': b.pipeline, 'data-runs': b.runs},
    svg('title', {}, `${b.pipeline}: ${b.runs} run(s) finished, ${b.failed} failed`));
  });
  return svg('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', id: 'chart-throughput', role: 'img',
    'aria-label': 'Runs finished per pipeline over time'},
  yAxis(max, v => String(Math.round(v)), y), axisTime(stats, x), bars);
}

/** p50 (solid) and p95 (dashed) of each pipeline's run durations per bucket. */
function durationChart(stats, colours) {
  const values = stats.buckets.flatMap(b => [b.p50_seconds, b.p95_seconds]).filter(v => v !== null && v !== undefined);
  const max = Math.max(0.001, ...values);
  const x = i => M.left + (i + 0.5) * (W - M.left - M.right) / 60;
  const y = v => H - M.bottom - v / max * (H - M.top - M.bottom);
  const lines = [];
  for (const pipeline of Object.keys(colours)) {
    const points = stats.buckets.filter(b => b.pipeline === pipeline && b.p50_seconds !== null);
    for (const [key, dash] of [['p50_seconds', null], ['p95_seconds', '5 4']]) {
      const d = points.map((b, i) => (i ? 'L' : 'M') + x(b.bucket).toFixed(1) + ' ' + y(b[key]).toFixed(1)).join(' ');
      lines.push(svg('path', {d, class: 'line', stroke: colours[pipeline], 'stroke-dasharray': dash,
        'data-pipeline': pipeline, 'data-quantile': key.slice(0, 3)}));
      points.forEach(b => lines.push(svg('circle', {cx: x(b.bucket), cy: y(b[key]), r: 2.5, fill: colours[pipeline]},
          svg('title', {}, `${pipeline} ${key.slice(0, 3)}: ${duration(b[key] * 1000)}`))));
    }
  }
  return svg('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', id: 'chart-durations', role: 'img',
    'aria-label': 'p50 and p95 run duration per pipeline over time'},
  yAxis(max, v => duration(v * 1000), y), axisTime(stats, i => M.left + i * (W - M.left - M.right) / 60), lines);
}

/** Horizontal bars, one row per item, one or more series side by side or stacked. */
function barRows(id, label, rows, series, format, stacked) {
  const width = W - LABEL_W - M.right - 60;
  const max = Math.max(1e-9, ...rows.map(r => stacked ? series.reduce((sum, s) => sum + (r[s.key] || 0), 0)
      : Math.max(...series.map(s => r[s.key] || 0))));
  const rowH = stacked ? BAR_H + 6 : series.length * BAR_H + 6;
  const height = Math.max(rowH, rows.length * rowH) + 4;
  const children = rows.map((r, i) => {
    const top = i * rowH + 2;
    let offset = 0;
    const bars = series.map((s, n) => {
      const value = r[s.key] || 0;
      const w = value / max * width;
      const bar = svg('rect', {x: LABEL_W + offset, y: top + (stacked ? 0 : n * BAR_H), width: Math.max(value ? 1 : 0, w),
        height: BAR_H - 3, fill: s.colour, class: 'bar', 'data-series': s.key, 'data-value': value},
      svg('title', {}, `${r.label} · ${s.label}: ${format(value)}`));
      const text = !stacked ? svg('text', {x: LABEL_W + w + 4, y: top + n * BAR_H + BAR_H - 7, class: 'ctick'}, format(value)) : null;
      if (stacked) {
        offset += w;
      }
      return [bar, text];
    });
    const total = stacked ? svg('text', {x: LABEL_W + offset + 4, y: top + BAR_H - 7, class: 'ctick'},
        series.map(s => format(r[s.key] || 0)).join(' + ')) : null;
    return svg('g', {class: 'row', 'data-label': r.label},
        svg('text', {x: LABEL_W - 8, y: top + BAR_H - 7, 'text-anchor': 'end', class: 'label'}, r.label), bars, total);
  });
  return svg('svg', {viewBox: `0 0 ${W} ${height}`, class: 'chart bars', id, role: 'img', 'aria-label': label}, children);
}

function card(title, hint, ...content) {
  return el('section', {class: 'chart-card'}, el('h3', {}, title), hint ? el('p', {class: 'hint'}, hint) : '', content);
}

/** Replaces box's content with the charts of stats (GET /api/v1/stats). */
export function renderCharts(box, stats) {
  const colours = colourOf(stats.pipelines.map(p => p.pipeline));
  const seconds = v => duration(v * 1000);
  const empty = text => el('p', {class: 'empty'}, text);
  const bucket = duration(stats.bucket_seconds * 1000);
  box.replaceChildren(
      card('Throughput', `Runs finished per ${bucket}, by pipeline.`,
          stats.pipelines.length ? [throughputChart(stats, colours), legend(colours)] : empty('No run finished in this window.')),
      card('Run duration', `p50 (solid) and p95 (dashed) per ${bucket}, by pipeline; over the whole window:`,
          stats.pipelines.length ? [durationChart(stats, colours), legend(colours),
            barRows('chart-pipeline-durations', 'p50 and p95 run duration per pipeline over the window',
                stats.pipelines.map(p => ({label: `${p.pipeline} (${p.runs})`, p50: p.p50_seconds, p95: p.p95_seconds})),
                [{key: 'p50', label: 'p50', colour: '#2f6fdf'}, {key: 'p95', label: 'p95', colour: '#9db9ef'}], seconds, false)]
            : empty('No run finished in this window.')),
      card('Task durations by type', 'Every finished attempt: p50, p95 and the longest.',
          stats.tasks.length ? barRows('chart-tasks', 'Attempt durations per task type',
              stats.tasks.map(t => ({label: `${t.task} (${t.attempts})`, p50: t.p50_seconds, p95: t.p95_seconds,
                max: t.max_seconds})),
              [{key: 'p50', label: 'p50', colour: '#3d9a50'}, {key: 'p95', label: 'p95', colour: '#9ccfa6'},
                {key: 'max', label: 'longest', colour: '#d9d9d9'}], seconds, false) : empty('No attempt finished in this window.')),
      card('Failures by reason', 'Failed attempts: failed for good (dark) and retried (light).',
          stats.failures.length ? barRows('chart-failures', 'Failed attempts by reason',
              stats.failures.map(f => ({label: f.reason, final: f.failed_for_good, retried: f.retried})),
              [{key: 'final', label: 'failed for good', colour: '#c23b3b'}, {key: 'retried', label: 'retried', colour: '#eba3a3'}],
              v => String(v), true) : empty('No attempt failed in this window.')));
}

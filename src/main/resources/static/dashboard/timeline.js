// The tasks of one pipeline on a shared time axis: one row per task, one segment per attempt
// (so a retry shows as a failed segment, a wait, then the next attempt), queued and backoff time
// lighter, a running attempt growing to now.

import {parseTime} from './api.js';
import {badge, clock, duration, el, TERMINAL_TASK} from './format.js';

const OUTCOME_WORDS = {
  SUCCESS: 'succeeded', FAILURE: 'failed', RETRY: 'failed, retried', RUNNING: 'running', REVOKED: 'revoked',
};
const TICK_STEPS_MS = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000,
  120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000];
const MAX_TICKS = 8;
const MIN_SPAN_MS = 100;

/**
 * A task's segments in time order: {kind: 'queued' | 'backoff' | 'attempt', from, to, open, attempt,
 * outcome, error, worker}. Finished attempts come from task.attempts; the current attempt, which has
 * no attempt record until it ends, from the task's own times (queued_at and started_at describe the
 * latest dispatch; started_at may still be the previous attempt's until the new one reports).
 */
export function segmentsOf(task, now) {
  const recorded = (task.attempts || [])
      .map(a => ({
        attempt: a.attempt, outcome: a.outcome, from: parseTime(a.started_at) ?? parseTime(a.finished_at),
        to: parseTime(a.finished_at), error: a.error, worker: a.worker,
      }))
      .sort((a, b) => a.attempt - b.attempt);
  const queuedAt = parseTime(task.queued_at);
  const startedAt = parseTime(task.started_at);
  const finishedAt = parseTime(task.finished_at);
  const lastEnd = recorded.length ? recorded[recorded.length - 1].to : null;
  const currentDispatched = task.attempt > 0 && queuedAt !== null && (lastEnd === null || queuedAt >= lastEnd)
      && !recorded.some(a => a.attempt === task.attempt);
  const stoppedAt = task.state === 'REVOKED' ? (finishedAt ?? now) : null;

  const runs = [...recorded];
  if (currentDispatched) {
    const running = task.state === 'STARTED'
        || (task.state === 'REVOKED' && startedAt !== null && startedAt >= queuedAt);
    runs.push(running
        ? {attempt: task.attempt, outcome: stoppedAt !== null ? 'REVOKED' : 'RUNNING', from: startedAt,
          to: stoppedAt ?? now, open: stoppedAt === null}
        : {attempt: task.attempt, waiting: true});
  }

  const segments = [];
  let previousEnd = null;
  for (const run of runs) {
    const queuedForThis = run.attempt === task.attempt && queuedAt !== null
        && (previousEnd === null || queuedAt >= previousEnd);
    const runStart = run.waiting ? null : run.from;
    if (queuedForThis) {
      if (previousEnd !== null && queuedAt > previousEnd) {
        segments.push({kind: 'backoff', from: previousEnd, to: queuedAt, attempt: run.attempt});
      }
      const queuedUntil = runStart ?? stoppedAt ?? now;
      segments.push({kind: 'queued', from: queuedAt, to: queuedUntil, open: runStart === null && stoppedAt === null,
        attempt: run.attempt});
    } else if (previousEnd !== null && runStart !== null && runStart > previousEnd) {
      segments.push({kind: 'backoff', from: previousEnd, to: runStart, attempt: run.attempt});
    }
    if (!run.waiting) {
      segments.push({kind: 'attempt', ...run});
      previousEnd = run.to;
    }
  }
  if (task.state === 'RETRY' && !currentDispatched && previousEnd !== null) {
    segments.push({kind: 'backoff', from: previousEnd, to: now, open: true, attempt: task.attempt + 1});
  }
  return segments.filter(s => s.from !== null && s.to !== null);
}

/** Orders nodes as the canvas reads: 0, 1, 1.h0, 1.h1, 1.body, 2, 2.0, 2.10 (numbers as numbers). */
export function compareNodes(a, b) {
  const pa = String(a).split('.');
  const pb = String(b).split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i] === undefined) return -1;
    if (pb[i] === undefined) return 1;
    const d = nodeRank(pa[i]) - nodeRank(pb[i]);
    if (d !== 0) return d;
  }
  return 0;
}

function nodeRank(part) {
  if (/^\d+$/.test(part)) return Number(part);
  if (/^h\d+$/.test(part)) return Number(part.slice(1));
  return Number.MAX_SAFE_INTEGER; // body: after the header
}

function segmentClass(segment) {
  return segment.kind === 'attempt' ? 'seg-' + segment.outcome.toLowerCase() : 'seg-' + segment.kind;
}

function segmentTitle(task, segment) {
  const span = clock(segment.from, true) + ' → ' + (segment.open ? 'now' : clock(segment.to, true))
      + ' (' + duration(segment.to - segment.from) + ')';
  const lines = [];
  if (segment.kind === 'queued') {
    lines.push(`${task.name} · queued for attempt ${segment.attempt}`, span);
  } else if (segment.kind === 'backoff') {
    lines.push(`${task.name} · waiting before attempt ${segment.attempt}`, span);
  } else {
    lines.push(`${task.name} · attempt ${segment.attempt} of ${task.max_attempts}: ${OUTCOME_WORDS[segment.outcome] || segment.outcome}`,
        span);
    if (segment.worker) lines.push('worker: ' + segment.worker);
    if (segment.error) lines.push('error: ' + segment.error);
  }
  return lines.join('\n');
}

function niceStep(spanMs) {
  return TICK_STEPS_MS.find(step => spanMs / step <= MAX_TICKS) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1];
}

function tickLabel(ms) {
  if (ms === 0) return '0';
  return '+' + (ms < 1000 ? ms + ' ms' : ms < 60_000 ? ms / 1000 + ' s' : duration(ms));
}

/**
 * Draws the timeline into container. pipeline: the pipeline record; tasks: its tasks; now: server
 * time in ms; selectedNode and onSelect: the task whose details are shown, and how to choose one.
 */
export function renderTimeline(container, pipeline, tasks, now, selectedNode, onSelect) {
  const rows = [...tasks].sort((a, b) => compareNodes(a.node, b.node))
      .map(task => ({task, segments: segmentsOf(task, now)}));
  const times = rows.flatMap(r => r.segments.flatMap(s => [s.from, s.to]));
  const pipelineStart = parseTime(pipeline.created_at);
  const start = Math.min(pipelineStart ?? now, ...times);
  const end = Math.max(parseTime(pipeline.finished_at) ?? now, ...times);
  const span = Math.max(end - start, MIN_SPAN_MS);
  const step = niceStep(span);
  const percent = t => ((t - start) / span) * 100;
  const gridSize = (step / span) * 100 + '% 100%';

  const ticks = [];
  for (let t = 0; t <= span; t += step) {
    ticks.push(el('span', {class: 'tick', style: {left: percent(start + t) + '%'}}, tickLabel(t)));
  }

  const body = rows.map(({task, segments}) => {
    const selected = task.node === selectedNode;
    const bars = segments.map(s => el('div', {
      class: 'seg ' + segmentClass(s) + (s.open ? ' open' : ''),
      'data-kind': s.kind,
      'data-outcome': s.kind === 'attempt' ? s.outcome : null,
      'data-attempt': s.attempt,
      title: segmentTitle(task, s),
      style: {left: percent(s.from) + '%', width: Math.max(percent(s.to) - percent(s.from), 0) + '%'},
    }));
    const spoken = segments.filter(s => s.kind === 'attempt')
        .map(s => `attempt ${s.attempt} ${OUTCOME_WORDS[s.outcome] || s.outcome}, ${duration(s.to - s.from)}`)
        .join('; ') || (TERMINAL_TASK.has(task.state) ? 'did not run' : 'not started');
    const attempts = task.attempt > 1 || task.state === 'RETRY' ? `attempt ${task.attempt}/${task.max_attempts}` : '';
    const startedAt = parseTime(task.started_at);
    const took = task.duration_ms != null ? duration(task.duration_ms)
        : task.state === 'STARTED' && startedAt !== null ? duration(now - startedAt) + ' so far' : '';
    return el('tr', {class: selected ? 'selected' : null, 'data-node': task.node, 'data-state': task.state},
        el('th', {scope: 'row', class: 'tl-label'},
            el('button', {type: 'button', class: 'task-link', 'aria-pressed': String(selected),
                  onclick: () => onSelect(selected ? null : task.node)},
                el('span', {class: 'node'}, task.node), ' ', el('span', {class: 'task-name'}, task.name)),
            el('span', {class: 'tl-meta'}, badge(task.state), attempts ? ' ' + attempts : '', took ? ' · ' + took : '')),
        el('td', {class: 'tl-track', style: {backgroundSize: gridSize}},
            bars, el('span', {class: 'sr-only'}, spoken)));
  });

  const table = el('table', {class: 'tl'},
      el('caption', {class: 'sr-only'}, 'Tasks on a time axis from the pipeline start'),
      el('thead', {}, el('tr', {},
          el('th', {scope: 'col', class: 'tl-label'}, 'Task'),
          el('th', {scope: 'col', class: 'tl-axis', 'aria-label': 'Time since start'}, ticks))),
      el('tbody', {}, body));
  container.replaceChildren(rows.length ? table : el('p', {class: 'empty'}, 'No tasks recorded yet.'));
}

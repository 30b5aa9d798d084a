// The workers' processes (what each runs now, what it did lately) and the dead letters with their
// replay; both read through the REST API.

import {parseTime} from './api.js';
import {clock, el, shortId, timeElement} from './format.js';

const RUNS_HASH = '#/pipelines/';

function runLink(chainId) {
  return chainId ? el('a', {href: RUNS_HASH + encodeURIComponent(chainId), title: chainId}, el('code', {}, shortId(chainId))) : '';
}

/** Seconds ago, as a person reads it. */
function ago(ms, now) {
  if (ms === null) {
    return '—';
  }
  const s = Math.max(0, Math.round((now - ms) / 1000));
  return s < 2 ? 'now' : s < 120 ? s + ' s ago' : Math.round(s / 60) + ' min ago';
}

/** Rows of the processes table from GET /api/v1/workers' processes. */
export function processRows(processes, now) {
  return processes.map(p => el('tr', {'data-worker': p.worker, 'data-running': p.running.length, 'data-done': p.done,
        'data-failed': p.failed},
      el('td', {class: 'pipeline-name'}, p.worker),
      el('td', {title: p.last_seen}, ago(parseTime(p.last_seen), now)),
      el('td', {class: 'running'}, p.running.length ? el('ul', {class: 'plain'}, p.running.map(t => el('li', {'data-node': t.node, 'data-chain-id': t.chain_id},
          el('span', {class: 'tag'}, t.task || '?'), ' ', el('span', {class: 'node'}, t.node), ' of ', runLink(t.chain_id),
          t.started_at ? ' since ' + clock(parseTime(t.started_at)) : '')))
          : el('span', {class: 'none'}, 'idle')),
      el('td', {class: 'num', title: p.done + ' in the last 5 minutes'}, p.done_per_minute.toFixed(1)),
      el('td', {class: 'num' + (p.failed ? ' lagging' : ''), title: p.failed + ' in the last 5 minutes'},
          p.failed_per_minute.toFixed(1))));
}

/** Rows of the dead letters table; replay(letter) is called by each row's button. */
export function deadLetterRows(letters, replay) {
  return letters.map(d => el('tr', {'data-topic': d.topic, 'data-offset': d.offset, 'data-chain-id': d.chain_id || null,
        'data-reason': d.reason || ''},
      el('td', {}, timeElement(parseTime(d.at))),
      el('td', {}, el('code', {}, d.topic), el('span', {class: 'source'}, `${d.partition}/${d.offset}`)),
      el('td', {}, el('span', {class: 'tag'}, d.reason || '?'), ' ', el('span', {class: 'error-text'}, d.message || '')),
      el('td', {}, d.task ? [el('span', {class: 'pipeline-name'}, d.task), ' ', el('span', {class: 'node'}, d.node),
        d.attempt ? ` attempt ${d.attempt}` : ''] : '', ' ', runLink(d.chain_id)),
      el('td', {}, el('details', {class: 'payload'}, el('summary', {}, `${d.payload_chars.toLocaleString()} chars`),
          el('pre', {}, d.payload_head + (d.payload_chars > d.payload_head.length ? ' …' : '')))),
      el('td', {}, d.replay_to ? el('button', {type: 'button', class: 'replay', title: 'Send it to ' + d.replay_to + ' again',
        onclick: event => replay(d, event.target)}, 'Replay') : el('span', {class: 'none'}, 'nothing to replay'))));
}

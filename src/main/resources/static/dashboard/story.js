// A task's full story in the run's detail panel: what the canvas gave it (arguments), what it was
// given (input, its start only until asked for all), its result and every finished attempt; and
// what can be done to it: revoke it while it has not ended, retry the failed run from it.

import {call, parseTime} from './api.js';
import {badge, duration, el, prettyJson, TERMINAL_PIPELINE, TERMINAL_TASK, timeElement} from './format.js';

/**
 * Fills box with the story of task (a row of …/tasks) read from GET …/tasks/{node}; reads again
 * only when the task changed (state or attempt), so the live refreshes cost nothing.
 */
export function taskStory(reportError, act) {
  let shown = '';
  let runStatus = '';
  let story = null;
  let full = false;

  async function load(chainId, task, box, fullInput) {
    const path = '/pipelines/' + encodeURIComponent(chainId) + '/tasks/' + encodeURIComponent(task.node)
        + (fullInput ? '?full_input=true' : '');
    try {
      story = await call('GET', path);
      full = fullInput;
      render(box, task);
    } catch (error) {
      reportError(error, 'Reading task ' + task.node + ' failed');
    }
  }

  function render(box, task) {
    const s = story && story.node === task.node ? story : null;
    const attempts = (task.attempts || []).map(a => el('tr', {},
        el('td', {class: 'num'}, a.attempt), el('td', {}, badge(a.outcome)),
        el('td', {}, timeElement(parseTime(a.started_at), true)), el('td', {}, timeElement(parseTime(a.finished_at), true)),
        el('td', {class: 'num'}, duration(a.duration_ms)), el('td', {class: 'worker'}, a.worker || ''),
        el('td', {class: 'error-text'}, a.error || '')));
    const input = s && s.input;
    const node = encodeURIComponent(task.node);
    const ended = TERMINAL_TASK.has(task.state) || TERMINAL_PIPELINE.has(runStatus);
    box.replaceChildren(
        el('h4', {}, el('span', {class: 'node'}, task.node), ' ', task.name, ' ', badge(task.state)),
        el('p', {class: 'task-actions'},
            el('button', {type: 'button', class: 'revoke-task', disabled: ended,
              title: 'Skip this task, or stop it if it runs; the run goes on as after a failed task',
              onclick: () => act('POST', '/tasks/' + node + '/revoke', 'Revoking task ' + task.node + ' failed',
                  'Revoked task ' + task.node + ' of')}, 'Revoke task'),
            ' ',
            el('button', {type: 'button', class: 'retry-from', disabled: runStatus !== 'FAILURE',
              title: 'Retry the failed run from this task: it and the steps after it run again',
              onclick: () => act('POST', '/retry?from=' + node, 'Retrying from ' + task.node + ' failed',
                  'Retrying from ' + task.node + ':')}, 'Retry from here')),
        el('p', {}, `Attempt ${task.attempt} of ${task.max_attempts}`,
            task.duration_ms != null ? ' · ' + duration(task.duration_ms) : '', ' · task id ', el('code', {}, task.task_id)),
        task.error ? el('p', {class: 'error-text'}, task.error) : '',
        el('div', {class: 'story'},
            el('section', {class: 'story-args'}, el('h5', {}, 'Arguments'),
                el('pre', {'aria-label': 'Task arguments'}, s ? prettyJson(s.args) : '…')),
            el('section', {class: 'story-input'}, el('h5', {}, 'Input'),
                !s ? el('pre', {}, '…')
                    : s.immutable ? el('p', {class: 'empty'}, 'None: the canvas marks this task immutable.')
                        : !input ? el('p', {class: 'empty'}, 'Not yet: the task has not been dispatched.')
                            : [el('pre', {'aria-label': 'Task input', 'data-abbreviated': String(input.abbreviated)},
                                input.abbreviated ? input.preview + ' …' : prettyJson(input.value)),
                              input.abbreviated ? el('button', {type: 'button', class: 'show-all',
                                onclick: () => load(s.chain_id, task, box, true)},
                              `Show all (${input.chars.toLocaleString()} characters)`) : '']),
            el('section', {class: 'story-result'}, el('h5', {}, 'Result'),
                el('pre', {'aria-label': 'Task result'}, task.result !== undefined ? prettyJson(task.result) : '—'))),
        attempts.length ? el('table', {class: 'attempts'},
            el('caption', {}, 'Finished attempts'),
            el('thead', {}, el('tr', {}, ['#', 'Outcome', 'Started', 'Finished', 'Duration', 'Worker', 'Error']
                .map(h => el('th', {scope: 'col'}, h)))),
            el('tbody', {}, attempts)) : el('p', {class: 'empty'}, 'No finished attempt yet.'));
  }

  return function show(box, chainId, task, status) {
    runStatus = status;
    box.hidden = !task;
    if (!task) {
      box.replaceChildren();
      shown = '';
      return;
    }
    const key = [chainId, task.node, task.state, task.attempt].join('|');
    render(box, task);
    if (key !== shown) {
      shown = key;
      load(chainId, task, box, full && story && story.node === task.node);
    }
  };
}

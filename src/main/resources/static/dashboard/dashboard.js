// The dashboard page: the pipeline list (filters, pages), one pipeline's details and task timeline,
// cancel and retry, starting a canvas, and the optional API key. Everything goes through the REST API.

import {ApiError, apiKey, call, parseTime, queryString, serverNow, setApiKey} from './api.js';
import {badge, clock, duration, el, prettyJson, shortId, TERMINAL_PIPELINE, timeElement} from './format.js';
import {renderCharts} from './charts.js';
import {renderGraph} from './graph.js';
import {connectLive} from './live.js';
import {deadLetterRows, processRows} from './monitor.js';
import {taskStory} from './story.js';
import {renderTimeline} from './timeline.js';

// Pushed, not polled: the live feed says when to read the list or the shown run again.
const LIST_COALESCE_MS = 250;    // one read of the list for a burst of events
const DETAIL_COALESCE_MS = 100;
const TICK_MS = 1000;            // a running run's clock and bars grow without asking the server
const ERROR_RETRY_MS = 3000;
const FILTER_DEBOUNCE_MS = 300;
const HASH_PREFIX = '#/pipelines/';
const DEFINITIONS_HASH = '#/definitions';
const WORKERS_HASH = '#/workers';
const DEAD_LETTERS_HASH = '#/dead-letters';
const CHARTS_HASH = '#/charts';
const WORKERS_COALESCE_MS = 2000; // lag changes with every task: read Kafka at most this often

const $ = id => document.getElementById(id);

const state = {
  page: 0,
  total: 0,
  listSignature: '',
  pipelineNames: new Set(),
  selected: null,      // chain id shown in the detail panel
  selectedNode: null,  // task whose details are open
  pipeline: null,
  tasks: [],
  canvas: null,
  stages: [],
  definitionsLoaded: false,
  workersSignature: '',
  deadLettersSignature: '',
};

/**
 * Runs an async step again after the delay it answers (null: stop). now() runs it at once and
 * drops whatever was scheduled or in flight, so a stale answer never overwrites a newer one.
 */
function poller(step) {
  let timer = null;
  let generation = 0;
  const run = async () => {
    const mine = ++generation;
    clearTimeout(timer);
    const isCurrent = () => mine === generation;
    const next = document.hidden ? ERROR_RETRY_MS : await step(isCurrent);
    if (isCurrent() && next) {
      timer = setTimeout(run, next);
    }
  };
  return {now: run, stop: () => { generation++; clearTimeout(timer); }};
}

// ---- messages ------------------------------------------------------------------------------------

function showMessage(text, kind = 'error') {
  const box = $('message');
  box.className = 'message ' + kind;
  box.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  box.replaceChildren(el('span', {}, text),
      el('button', {type: 'button', class: 'dismiss', 'aria-label': 'Dismiss message', onclick: clearMessage}, '×'));
  box.hidden = false;
}

function clearMessage() {
  $('message').hidden = true;
}

function reportError(error, doing) {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    showMessage(`${doing}: the server refused the request (${error.status}, ${error.message}). `
        + 'Enter an API key under “API key”.');
    $('api-key').open = true;
    return;
  }
  const status = error instanceof ApiError && error.status ? ` (${error.status} ${error.code})` : '';
  showMessage(`${doing}: ${error.message}${status}`);
}

// ---- list ----------------------------------------------------------------------------------------

/** The search as the API takes it; statuses comma-separated, times as ISO instants. */
function filters() {
  return {
    chain_id: $('filter-chain').value.trim(),
    request_id: $('filter-request').value.trim(),
    pipeline: $('filter-pipeline').value.trim(),
    source: $('filter-source').value,
    status: [...document.querySelectorAll('#filter-statuses input:checked')].map(box => box.value).join(','),
    created_from: instantOf($('filter-from').value),
    created_to: instantOf($('filter-to').value),
    size: Number($('filter-size').value),
  };
}

/** A datetime-local value (the browser's time zone) as an ISO instant; '' stays ''. */
function instantOf(local) {
  const ms = local ? new Date(local).getTime() : NaN;
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

/** An ISO instant as a datetime-local value in the browser's time zone. */
function localOf(iso) {
  const ms = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) {
    return '';
  }
  const d = new Date(ms);
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The search lives in the address (?status=FAILURE,CANCELLED&source=kafka…), so it can be shared. */
function writeSearchToUrl() {
  const search = {...filters(), page: state.page || ''};
  if (search.size === 20) {
    search.size = '';
  }
  const query = queryString(search);
  if (query !== location.search && !(query === '' && location.search === '?')) {
    history.replaceState(null, '', location.pathname + query + location.hash);
  }
}

function readSearchFromUrl() {
  const query = new URLSearchParams(location.search);
  $('filter-chain').value = query.get('chain_id') || '';
  $('filter-request').value = query.get('request_id') || '';
  $('filter-pipeline').value = query.get('pipeline') || '';
  $('filter-source').value = query.get('source') || '';
  const statuses = new Set(query.getAll('status').flatMap(s => s.split(',')).map(s => s.trim().toUpperCase()));
  document.querySelectorAll('#filter-statuses input').forEach(box => { box.checked = statuses.has(box.value); });
  $('filter-from').value = localOf(query.get('created_from'));
  $('filter-to').value = localOf(query.get('created_to'));
  const size = query.get('size');
  if (size && [...$('filter-size').options].some(o => o.value === size)) {
    $('filter-size').value = size;
  }
  state.page = Math.max(0, Number(query.get('page')) || 0);
}

const listPoller = poller(async isCurrent => {
  writeSearchToUrl();
  try {
    const page = await call('GET', '/pipelines/history' + queryString({...filters(), page: state.page}));
    if (!isCurrent()) {
      return null;
    }
    renderList(page);
    $('refreshed').textContent = 'Updated ' + clock(Date.now());
    return null;
  } catch (error) {
    if (isCurrent()) {
      reportError(error, 'Loading the pipelines failed');
    }
    return ERROR_RETRY_MS;
  }
});

function renderList(page) {
  state.total = page.total;
  const from = page.total === 0 ? 0 : page.page * page.size + 1;
  const to = Math.min((page.page + 1) * page.size, page.total);
  $('page-info').textContent = page.total === 0 ? '' : `${from}–${to} of ${page.total}`;
  $('page-prev').disabled = page.page === 0;
  $('page-next').disabled = to >= page.total;
  rememberNames(page.items.map(p => p.pipeline));

  // re-render only on change, so keyboard focus and hover survive the polling
  const signature = JSON.stringify([page.items, state.selected]);
  if (signature === state.listSignature) {
    return;
  }
  state.listSignature = signature;
  $('list-empty').hidden = page.items.length > 0;
  $('pipeline-rows').replaceChildren(...page.items.map(listRow));
}

function listRow(p) {
  const selected = p.chain_id === state.selected;
  const running = !TERMINAL_PIPELINE.has(p.status);
  return el('tr', {
        'data-chain-id': p.chain_id, 'data-status': p.status, class: selected ? 'selected' : null,
        'aria-current': selected ? 'true' : null, onclick: () => select(p.chain_id),
      },
      el('td', {}, badge(p.status)),
      el('td', {class: 'pipeline-name'}, p.pipeline, el('span', {class: 'source', title: 'came through'}, p.source)),
      el('td', {}, el('a', {href: HASH_PREFIX + encodeURIComponent(p.chain_id), title: p.chain_id},
          el('code', {}, shortId(p.chain_id)))),
      el('td', {}, timeElement(parseTime(p.created_at))),
      el('td', {class: 'num'}, running ? el('em', {}, p.status === 'PENDING' ? 'waiting' : p.status === 'SCHEDULED' ? 'scheduled' : 'running')
          : duration(p.duration_ms)),
      el('td', {class: 'failed', title: p.error || null}, p.failed_node ?? ''));
}

function rememberNames(names) {
  const before = state.pipelineNames.size;
  names.forEach(name => state.pipelineNames.add(name));
  if (state.pipelineNames.size !== before) {
    $('pipeline-names').replaceChildren(...[...state.pipelineNames].sort().map(name => el('option', {value: name})));
  }
}

// ---- one pipeline --------------------------------------------------------------------------------

const detailPoller = poller(async isCurrent => {
  const id = state.selected;
  if (!id) {
    return null;
  }
  const path = '/pipelines/' + encodeURIComponent(id);
  try {
    // the record first: once it is terminal, the tasks read after it are final too
    const pipeline = await call('GET', path);
    const tasks = await call('GET', path + '/tasks');
    if (!isCurrent() || state.selected !== id) {
      return null;
    }
    state.pipeline = pipeline;
    state.tasks = tasks.tasks;
    state.canvas = tasks.canvas;
    state.stages = tasks.stages || [];
    renderDetail();
    return null;
  } catch (error) {
    if (!isCurrent()) {
      return null;
    }
    reportError(error, 'Loading pipeline ' + shortId(id) + ' failed');
    return error instanceof ApiError && error.status === 404 ? null : ERROR_RETRY_MS;
  }
});

function select(chainId) {
  const hash = chainId ? HASH_PREFIX + encodeURIComponent(chainId) : '';
  if (location.hash !== hash) {
    location.hash = hash; // hashchange calls showSelected
  } else {
    showSelected();
  }
}

// ---- the named pipelines' definitions ---------------------------------------------------------------

async function showDefinitions() {
  if (state.definitionsLoaded) {
    return;
  }
  try {
    const list = await call('GET', '/pipelines');
    state.definitionsLoaded = true;
    $('definitions').replaceChildren(...list.items.map(definitionCard));
  } catch (error) {
    reportError(error, 'Loading the named pipelines failed');
  }
}

function definitionCard(d) {
  const graph = el('div', {class: 'graph-box'});
  renderGraph(graph, d.canvas, {stages: d.stages, definition: true});
  return el('article', {class: 'definition', id: 'definition-' + d.name, 'data-pipeline': d.name},
      el('h3', {}, d.name),
      el('p', {}, d.description),
      el('dl', {class: 'facts'},
          el('div', {}, el('dt', {}, 'Start'), el('dd', {}, el('code', {}, 'POST ' + d.endpoint))),
          el('div', {}, el('dt', {}, 'Input (one of)'), el('dd', {}, d.inputs.flatMap((i, n) => [n ? ', ' : '',
            el('code', {}, i.key), ' (' + i.accepts + ')']))),
          el('div', {}, el('dt', {}, 'Drop folder'), el('dd', {}, el('code', {}, 'inbox/' + d.name + '/'))),
          el('div', {}, el('dt', {}, 'Runs'), el('dd', {}, el('a', {href: '?pipeline=' + encodeURIComponent(d.name)},
              'history of ' + d.name)))),
      graph,
      el('details', {class: 'payload'}, el('summary', {}, 'Canvas (JSON)'), el('pre', {}, prettyJson(d.canvas))));
}

// ---- workers and queues ---------------------------------------------------------------------------

async function loadWorkers() {
  try {
    const [queues, workers] = await Promise.all([call('GET', '/queues'), call('GET', '/workers')]);
    $('workers-updated').textContent = 'Read at ' + clock(Date.now()) + '.';
    // re-render only on change, so hover and selection survive the refreshes
    const signature = JSON.stringify([queues.items, workers]);
    if (signature === state.workersSignature) {
      return;
    }
    state.workersSignature = signature;
    $('queue-rows').replaceChildren(...queues.items.map(q => el('tr', {'data-topic': q.topic, 'data-task': q.task,
          'data-lag': q.lag, 'data-consumers': q.consumers},
        el('td', {class: 'pipeline-name'}, q.task), el('td', {}, el('code', {}, q.topic)), el('td', {}, q.consumer_group),
        el('td', {class: 'num'}, q.partitions), el('td', {class: 'num'}, q.records),
        el('td', {class: 'num' + (q.lag > 0 ? ' lagging' : '')}, q.lag),
        el('td', {class: 'num' + (q.consumers === 0 && q.lag > 0 ? ' stalled' : ''),
          title: q.consumers === 0 ? 'no consumer is assigned this topic' : null}, q.consumers))));
    const tags = values => el('span', {class: 'tags'}, values.map(v => el('span', {class: 'tag'}, v)));
    $('worker-rows').replaceChildren(...workers.items.map(w => el('tr', {'data-host': w.host},
        el('td', {class: 'pipeline-name'}, w.host), el('td', {}, tags(w.roles)), el('td', {}, tags(w.task_types)),
        el('td', {class: 'num', title: w.client_ids.join(', ')}, w.consumers))));
    $('process-rows').replaceChildren(...processRows(workers.processes, serverNow()));
    $('processes-empty').hidden = workers.processes.length > 0;
  } catch (error) {
    reportError(error, 'Reading the queues failed');
  }
}

// ---- dead letters and charts ------------------------------------------------------------------------

async function loadDeadLetters() {
  try {
    const topic = $('dead-letter-topic').value;
    const letters = await call('GET', '/dead-letters' + queryString({topic, limit: 100}));
    $('dead-letters-updated').textContent = 'Read at ' + clock(Date.now()) + '.';
    // re-render only on change, so an open payload and a pressed Replay survive a refresh
    const signature = JSON.stringify(letters.items);
    if (signature === state.deadLettersSignature) {
      return;
    }
    state.deadLettersSignature = signature;
    $('dead-letter-rows').replaceChildren(...deadLetterRows(letters.items, replayDeadLetter));
    $('dead-letters-empty').hidden = letters.items.length > 0;
  } catch (error) {
    reportError(error, 'Reading the dead letters failed');
  }
}

async function replayDeadLetter(letter, button) {
  button.disabled = true;
  try {
    const replayed = await call('POST', `/dead-letters/${encodeURIComponent(letter.topic)}/${letter.partition}/${letter.offset}/replay`);
    button.textContent = 'Replayed';
    button.closest('tr').dataset.replayed = 'true';
    showMessage(`Replayed ${letter.topic} ${letter.partition}/${letter.offset} to ${replayed.replayed_to}.`, 'info');
  } catch (error) {
    button.disabled = false;
    reportError(error, 'Replaying the dead letter failed');
  }
}

async function loadCharts() {
  try {
    const stats = await call('GET', '/stats' + queryString({window: $('chart-window').value}));
    renderCharts($('charts'), stats);
    $('charts-updated').textContent = 'Read at ' + clock(Date.now()) + '.';
  } catch (error) {
    reportError(error, 'Reading the statistics failed');
  }
}

const VIEWS = {runs: 'runs-view', definitions: 'definitions-view', workers: 'workers-view',
  'dead-letters': 'dead-letters-view', charts: 'charts-view'};
const VIEW_HASHES = {definitions: DEFINITIONS_HASH, workers: WORKERS_HASH, 'dead-letters': DEAD_LETTERS_HASH,
  charts: CHARTS_HASH};
const VIEW_LOADERS = {definitions: showDefinitions, workers: loadWorkers, 'dead-letters': loadDeadLetters,
  charts: loadCharts};

function currentView() {
  const view = Object.keys(VIEW_HASHES).find(name => location.hash.startsWith(VIEW_HASHES[name]));
  return view || 'runs';
}

function showView() {
  const view = currentView();
  for (const [name, id] of Object.entries(VIEWS)) {
    $(id).hidden = name !== view;
    const link = $('nav-' + name);
    if (name === view) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  (VIEW_LOADERS[view] || showSelected)();
}

function showSelected() {
  const id = location.hash.startsWith(HASH_PREFIX) ? decodeURIComponent(location.hash.slice(HASH_PREFIX.length)) : null;
  if (id !== state.selected) {
    state.selected = id;
    state.selectedNode = null;
    state.pipeline = null;
    state.listSignature = ''; // the highlighted row changes
    $('detail-body').hidden = true;
    $('detail-placeholder').hidden = !!id;
    listPoller.now();
  }
  if (id) {
    detailPoller.now();
  } else {
    detailPoller.stop();
    $('detail-placeholder').hidden = false;
  }
}

function renderDetail() {
  const p = state.pipeline;
  const now = serverNow();
  const terminal = TERMINAL_PIPELINE.has(p.status);
  const started = parseTime(p.started_at);
  const detail = $('detail');
  detail.dataset.chainId = p.chain_id;
  detail.dataset.status = p.status;
  $('detail-placeholder').hidden = true;
  $('detail-body').hidden = false;

  $('detail-pipeline').textContent = p.pipeline;
  $('detail-status').replaceWith(Object.assign(badge(p.status), {id: 'detail-status'}));
  $('detail-chain').textContent = p.chain_id;
  $('detail-source').textContent = p.source || '—';
  $('detail-created').replaceChildren(timeElement(parseTime(p.created_at), true));
  $('detail-started').replaceChildren(timeElement(started, true));
  $('detail-finished').replaceChildren(timeElement(parseTime(p.finished_at), true));
  $('detail-duration').textContent = terminal ? duration(p.duration_ms)
      : started !== null ? duration(now - started) + ' so far' : 'not started';
  const error = p.error ? (p.failed_node ? `Failed at node ${p.failed_node}: ${p.error}` : p.error) : '';
  $('detail-error').textContent = error;
  $('detail-error').hidden = !error;
  $('detail-error').classList.toggle('cancelled', p.status === 'CANCELLED');
  $('cancel').disabled = terminal;
  $('retry').disabled = p.status !== 'FAILURE';
  $('rerun').disabled = !terminal;

  const chooseTask = node => {
    state.selectedNode = node;
    renderDetail();
  };
  renderGraph($('graph'), state.canvas, {tasks: state.tasks, stages: state.stages, failedNode: p.failed_node,
    selectedNode: state.selectedNode, onSelect: chooseTask});
  renderTimeline($('timeline'), p, state.tasks, now, state.selectedNode, chooseTask);
  showTaskStory($('task-detail'), p.chain_id, state.tasks.find(t => t.node === state.selectedNode), p.status);
  $('detail-input').textContent = prettyJson(p.input);
  $('detail-result').textContent = prettyJson(p.result);
}

async function act(method, suffix, doing, done) {
  const id = state.selected;
  const buttons = [$('cancel'), $('retry'), $('rerun')];
  buttons.forEach(b => { b.disabled = true; });
  try {
    const answer = await call(method, '/pipelines/' + encodeURIComponent(id) + suffix);
    if (suffix === '/rerun') {
      // the re-run is a new run: show it
      showMessage(`${done} ${shortId(id)} as ${shortId(answer.chain_id)}.`, 'info');
      select(answer.chain_id);
      return;
    }
    showMessage(done + ' ' + shortId(id) + '.', 'info');
  } catch (error) {
    reportError(error, doing);
  } finally {
    detailPoller.now();
    listPoller.now();
  }
}

const showTaskStory = taskStory(reportError, act);

// ---- start a canvas, API key, wiring --------------------------------------------------------------

async function startCanvas(event) {
  event.preventDefault();
  let canvas;
  let input;
  try {
    canvas = JSON.parse($('start-canvas').value);
    input = $('start-input').value.trim() ? JSON.parse($('start-input').value) : null;
  } catch (error) {
    showMessage('The canvas or the input is not valid JSON: ' + error.message);
    return;
  }
  try {
    const started = await call('POST', '/workflows', {canvas, input});
    showMessage('Started ' + shortId(started.chain_id) + '.', 'info');
    select(started.chain_id);
  } catch (error) {
    reportError(error, 'Starting the canvas failed');
  }
}

function showKeyState() {
  $('api-key-state').textContent = apiKey() ? 'set' : 'not set';
}

// ---- live feed -----------------------------------------------------------------------------------

/** fn at most once per ms, however often it is asked for meanwhile. */
function coalesced(fn, ms) {
  let timer = null;
  return () => {
    if (timer === null) {
      timer = setTimeout(() => { timer = null; fn(); }, ms);
    }
  };
}

const refreshList = coalesced(() => listPoller.now(), LIST_COALESCE_MS);
const refreshDetail = coalesced(() => detailPoller.now(), DETAIL_COALESCE_MS);
const refreshWorkers = coalesced(() => {
  if (currentView() === 'workers') {
    loadWorkers();
  } else if (currentView() === 'charts') {
    loadCharts();
  }
}, WORKERS_COALESCE_MS);

function onLiveEvent(name, data) {
  refreshWorkers();
  if (name === 'ready' || name === 'resync') {
    // connected again, or this page missed events: read everything once
    refreshList();
    refreshDetail();
    return;
  }
  if (name === 'pipeline') {
    refreshList();
  }
  if (data && data.chain_id && data.chain_id === state.selected) {
    refreshDetail();
  }
}

function showLiveState(liveState, detail) {
  const box = $('live');
  if (liveState === 'disconnected') {
    box.dataset.disconnects = String(Number(box.dataset.disconnects || 0) + 1);
  }
  box.dataset.state = liveState;
  box.textContent = liveState === 'connected' ? 'live'
      : liveState === 'connecting' ? 'connecting…'
          : `disconnected: ${detail.why}; reconnecting in ${Math.round(detail.retryInMs / 1000)} s`;
  box.title = liveState === 'connected' ? 'Updates are pushed by the server as runs change' : box.textContent;
}

function wire() {
  let debounce = null;
  const refilter = () => {
    state.page = 0;
    listPoller.now();
  };
  $('filters').addEventListener('submit', e => { e.preventDefault(); refilter(); });
  ['filter-source', 'filter-size', 'filter-from', 'filter-to'].forEach(id => $(id).addEventListener('change', refilter));
  $('filter-statuses').addEventListener('change', refilter);
  ['filter-chain', 'filter-request', 'filter-pipeline'].forEach(id => $(id).addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(refilter, FILTER_DEBOUNCE_MS);
  }));
  $('filter-clear').addEventListener('click', () => {
    $('filters').reset();
    refilter();
  });
  $('page-prev').addEventListener('click', () => { state.page = Math.max(0, state.page - 1); listPoller.now(); });
  $('page-next').addEventListener('click', () => { state.page++; listPoller.now(); });
  $('cancel').addEventListener('click', () => act('DELETE', '/cancel', 'Cancelling failed', 'Cancelled'));
  $('retry').addEventListener('click', () => act('POST', '/retry', 'Retrying failed', 'Retrying'));
  $('rerun').addEventListener('click', () => act('POST', '/rerun', 'Re-running failed', 'Re-running'));
  $('start-form').addEventListener('submit', startCanvas);
  $('workers-refresh').addEventListener('click', loadWorkers);
  $('dead-letters-refresh').addEventListener('click', loadDeadLetters);
  $('dead-letter-topic').addEventListener('change', loadDeadLetters);
  $('charts-refresh').addEventListener('click', loadCharts);
  $('chart-window').addEventListener('change', loadCharts);
  $('api-key-form').addEventListener('submit', e => {
    e.preventDefault();
    setApiKey($('api-key-input').value.trim());
    $('api-key-input').value = '';
    $('api-key').open = false;
    showKeyState();
    clearMessage();
    live.reconnect();
    listPoller.now();
    detailPoller.now();
  });
  $('api-key-forget').addEventListener('click', () => {
    setApiKey('');
    showKeyState();
  });
  window.addEventListener('hashchange', showView);
  document.addEventListener('visibilitychange', () => {
    if (!document.hidden) {
      listPoller.now();
      detailPoller.now();
    }
  });
}

const live = connectLive({onEvent: onLiveEvent, onState: showLiveState});
setInterval(() => {
  if (state.pipeline && !TERMINAL_PIPELINE.has(state.pipeline.status) && !$('detail-body').hidden) {
    renderDetail();
  }
}, TICK_MS);
readSearchFromUrl();
wire();
showKeyState();
listPoller.now();
showView();

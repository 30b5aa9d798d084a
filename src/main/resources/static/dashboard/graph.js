// A canvas drawn as a graph (SVG, left to right): chain steps in a row, group and chord members in
// a column between a fork and a join, a chord's body after its join, a map folded into one box
// with its member count. Tasks are coloured by state when a run's tasks are given; without them
// (a pipeline's definition) every node is drawn as not run. Node paths are the engine's (Plan.java):
// the root is a chain ("" + step index), group members and chain steps are numbered, chord header
// members are h0, h1, …, a chord's body is "body", a map's items are numbered below the map; an
// on-failure canvas is a second chain, "on_failure", drawn below.

import {duration} from './format.js';

const SVG = 'http://www.w3.org/2000/svg';
const TASK_W = 184;
const TASK_H = 46;
const GAP_X = 34;
const GAP_Y = 14;
const JOIN_R = 8;
const PAD = 12;
const STAGE_H = 26;
const NAME_CHARS = 24;
const INFO_CHARS = 27; // what fits a node's second line at 11px monospace

/** svg('rect', {x: 1}, child…): an SVG element; text children become text nodes. */
export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) {
      if (name.startsWith('on') && typeof value === 'function') {
        node.addEventListener(name.slice(2), value);
      } else {
        node.setAttribute(name, String(value));
      }
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

function childPath(parent, segment) {
  return parent === '' ? String(segment) : parent + '.' + segment;
}

/** The canvas as a tree of sized boxes: {kind, path, w, h, …children}. */
function measure(canvas, path) {
  if (canvas.chain) {
    const steps = canvas.chain.map((step, i) => measure(step, childPath(path, i)));
    return {kind: 'chain', path, steps,
      w: steps.reduce((sum, s) => sum + s.w, 0) + GAP_X * (steps.length - 1),
      h: Math.max(...steps.map(s => s.h))};
  }
  if (canvas.group || canvas.chord) {
    const chord = canvas.chord;
    const members = (chord ? chord.header : canvas.group)
        .map((m, i) => measure(m, childPath(path, chord ? 'h' + i : i)));
    const column = {
      w: Math.max(...members.map(m => m.w)),
      h: members.reduce((sum, m) => sum + m.h, 0) + GAP_Y * (members.length - 1),
    };
    const joinW = 2 * JOIN_R + GAP_X + column.w + GAP_X + 2 * JOIN_R;
    const body = chord ? measure(chord.body, childPath(path, 'body')) : null;
    return {kind: chord ? 'chord' : 'group', path, members, column, body, joinW,
      policy: chord ? (chord.policy || 'fail_fast') : null,
      w: joinW + (body ? GAP_X + body.w : 0), h: Math.max(column.h, body ? body.h : 0)};
  }
  if (canvas.map) {
    return {kind: 'map', path, task: canvas.map.task.task, items: canvas.map.items,
      w: 2 * JOIN_R + GAP_X + TASK_W + GAP_X + 2 * JOIN_R, h: TASK_H + 10};
  }
  return {kind: 'task', path, name: canvas.task, w: TASK_W, h: TASK_H};
}

/** The state a set of task states adds up to, for joins and folded maps. */
function combined(states) {
  if (states.length === 0) {
    return 'NOT_RUN';
  }
  for (const state of ['FAILURE', 'REVOKED']) {
    if (states.includes(state)) {
      return state;
    }
  }
  if (states.every(s => s === 'SUCCESS')) {
    return 'SUCCESS';
  }
  if (states.includes('RETRY')) {
    return 'RETRY';
  }
  if (states.some(s => s === 'STARTED' || s === 'SUCCESS')) {
    return 'STARTED';
  }
  return states.includes('PENDING') ? 'PENDING' : 'NOT_RUN';
}

const STATE_WORDS = {
  NOT_RUN: 'not run', PENDING: 'pending', STARTED: 'running', RETRY: 'retrying', SUCCESS: 'succeeded',
  FAILURE: 'failed', REVOKED: 'revoked',
};

function shortName(name, chars = NAME_CHARS) {
  return name.length > chars ? name.slice(0, chars - 1) + '…' : name;
}

/** Draws the tree; every item's ports are at its vertical middle. */
class Drawing {
  constructor(tasks, failedNode, selectedNode, onSelect, definition) {
    this.definition = definition;
    this.byNode = new Map(tasks.map(t => [t.node, t]));
    this.tasks = tasks;
    this.failedNode = failedNode;
    this.selectedNode = selectedNode;
    this.onSelect = onSelect;
    this.edges = svg('g', {class: 'edges'});
    this.nodes = svg('g', {class: 'nodes'});
  }

  /** Places the item with its left edge at x and its middle at y; answers the states of its tasks. */
  place(item, x, y) {
    switch (item.kind) {
      case 'chain': {
        let left = x;
        let states = [];
        item.steps.forEach((step, i) => {
          if (i > 0) {
            this.edge(left - GAP_X, y, left, y);
          }
          states = states.concat(this.place(step, left, y));
          left += step.w + GAP_X;
        });
        return states;
      }
      case 'group':
      case 'chord':
        return this.placeJoin(item, x, y);
      case 'map':
        return this.placeMap(item, x, y);
      default:
        return [this.placeTask(item, x, y)];
    }
  }

  placeTask(item, x, y) {
    const task = this.byNode.get(item.path);
    const state = task ? task.state : 'NOT_RUN';
    // the run's failed node may be a join (a chord that failed because a member did): mark both
    const failed = this.failedNode === item.path || (state === 'FAILURE' && this.failedNode != null
        && item.path.startsWith(this.failedNode + '.'));
    const detail = !task ? 'not run'
        : STATE_WORDS[state] + (task.attempt > 1 ? ` · attempt ${task.attempt}/${task.max_attempts}` : '')
        + (task.duration_ms != null ? ' · ' + duration(task.duration_ms) : '');
    const label = `${item.name} (node ${item.path}): ${detail}${failed ? ', the run failed here' : ''}`;
    const clickable = task && this.onSelect;
    const group = svg('g', {
      class: 'gnode task' + (failed ? ' failed-node' : '') + (this.selectedNode === item.path ? ' selected' : ''),
      'data-node': item.path, 'data-kind': 'task', 'data-state': state, 'data-failed': failed ? 'true' : null,
      transform: `translate(${x},${y - TASK_H / 2})`,
      role: clickable ? 'button' : 'img', tabindex: clickable ? 0 : null, 'aria-label': label,
      onclick: clickable ? () => this.onSelect(item.path) : null,
      onkeydown: clickable ? e => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          this.onSelect(item.path);
        }
      } : null,
    },
    svg('title', {}, label),
    svg('rect', {class: 'box', width: TASK_W, height: TASK_H, rx: 7}),
    svg('text', {class: 'name', x: 10, y: 18}, shortName(item.name)),
    svg('text', {class: 'info', x: 10, y: 36}, shortName(`${item.path} · ${detail}`, INFO_CHARS)),
    failed ? svg('text', {class: 'failed-mark', x: TASK_W - 8, y: 17, 'text-anchor': 'end'}, '✗') : null);
    this.nodes.append(group);
    return state;
  }

  placeJoin(item, x, y) {
    const forkX = x + JOIN_R;
    const joinX = x + item.joinW - JOIN_R;
    const columnX = x + 2 * JOIN_R + GAP_X;
    let top = y - item.column.h / 2;
    let states = [];
    for (const member of item.members) {
      const middle = top + member.h / 2;
      this.edge(forkX + JOIN_R, y, columnX, middle);
      states = states.concat(this.place(member, columnX, middle));
      this.edge(columnX + member.w, middle, joinX - JOIN_R, y);
      top += member.h + GAP_Y;
    }
    const joined = combined(states);
    this.joinMark(item, 'fork', forkX, y, joined);
    this.joinMark(item, 'join', joinX, y, joined);
    if (item.body) {
      this.edge(joinX + JOIN_R, y, x + item.joinW + GAP_X, y);
      states = states.concat(this.place(item.body, x + item.joinW + GAP_X, y));
    }
    return states;
  }

  placeMap(item, x, y) {
    const prefix = item.path + '.';
    const members = this.tasks.filter(t => t.node.startsWith(prefix) && !t.node.slice(prefix.length).includes('.'));
    const states = members.map(t => t.state);
    const state = members.length ? combined(states) : 'NOT_RUN';
    const counts = {};
    states.forEach(s => { counts[s] = (counts[s] || 0) + 1; });
    const forkX = x + JOIN_R;
    const boxX = x + 2 * JOIN_R + GAP_X;
    const joinX = boxX + TASK_W + GAP_X + JOIN_R;
    const failed = this.failedNode !== null && this.failedNode !== undefined
        && (this.failedNode === item.path || this.failedNode.startsWith(prefix));
    const summary = members.length === 0 ? `one per item of ${item.items}`
        : ['SUCCESS', 'FAILURE', 'STARTED', 'RETRY', 'PENDING', 'REVOKED'].filter(s => counts[s])
            .map(s => `${counts[s]} ${STATE_WORDS[s]}`).join(' · ');
    const label = `map over ${item.items}: ${item.task} × ${members.length} (node ${item.path}): ${summary}`;
    const firstOfInterest = members.find(t => t.state === 'FAILURE') || members[0];
    const clickable = firstOfInterest && this.onSelect;
    this.edge(forkX + JOIN_R, y, boxX, y);
    this.edge(boxX + TASK_W, y, joinX - JOIN_R, y);
    const h = TASK_H + 10;
    this.nodes.append(svg('g', {
      class: 'gnode map' + (failed ? ' failed-node' : ''), 'data-node': item.path, 'data-kind': 'map',
      'data-state': state, 'data-members': members.length, 'data-failed': failed ? 'true' : null,
      transform: `translate(${boxX},${y - h / 2})`, role: clickable ? 'button' : 'img',
      tabindex: clickable ? 0 : null, 'aria-label': label,
      onclick: clickable ? () => this.onSelect(firstOfInterest.node) : null,
    },
    svg('title', {}, label),
    // two shadow boxes behind: several members folded into one
    svg('rect', {class: 'box shadow', x: 6, y: -6, width: TASK_W, height: h, rx: 7}),
    svg('rect', {class: 'box shadow', x: 3, y: -3, width: TASK_W, height: h, rx: 7}),
    svg('rect', {class: 'box', width: TASK_W, height: h, rx: 7}),
    svg('text', {class: 'name', x: 10, y: 18}, shortName(item.task)),
    svg('text', {class: 'count', x: TASK_W - 8, y: 18, 'text-anchor': 'end'}, this.definition ? '× n' : '× ' + members.length),
    svg('text', {class: 'info', x: 10, y: 36}, `map · ${item.items}`),
    svg('text', {class: 'info', x: 10, y: 50}, shortName(summary, INFO_CHARS))));
    this.joinMark(item, 'fork', forkX, y, state);
    this.joinMark(item, 'join', joinX, y, state);
    return members.length ? states : ['NOT_RUN'];
  }

  joinMark(item, role, x, y, state) {
    const kind = item.kind;
    const failed = role === 'join' && this.failedNode === item.path;
    const what = role === 'fork' ? `${kind} ${item.path}: members start` : `${kind} ${item.path} join`
        + (item.policy ? ` (${item.policy})` : '') + `: ${STATE_WORDS[state]}`;
    this.nodes.append(svg('g', {
      class: 'gnode ' + role + (failed ? ' failed-node' : ''), 'data-node': item.path, 'data-kind': role,
      'data-join': kind, 'data-state': state, 'data-failed': failed ? 'true' : null, role: 'img',
      'aria-label': what + (failed ? ', the run failed here' : ''),
    },
    svg('title', {}, what),
    role === 'join'
        ? svg('rect', {class: 'box', x: x - JOIN_R, y: y - JOIN_R, width: 2 * JOIN_R, height: 2 * JOIN_R,
          transform: `rotate(45 ${x} ${y})`})
        : svg('circle', {class: 'box', cx: x, cy: y, r: JOIN_R - 2}),
    role === 'join' && kind === 'chord'
        ? svg('text', {class: 'join-label', x, y: y - JOIN_R - 6, 'text-anchor': 'middle'}, 'chord') : null));
  }

  edge(x1, y1, x2, y2) {
    const bend = Math.max(10, (x2 - x1) / 2);
    this.edges.append(svg('path', {
      class: 'edge', d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
    }));
  }
}

/**
 * Draws canvas (the JSON POST /api/v1/workflows takes) into container. tasks: a run's tasks (from
 * GET …/tasks), empty for a definition (definition: true, a map then counts "× n"); stages: [{name, node}]
 * labels over top-level steps.
 */
export function renderGraph(container, canvas, {tasks = [], stages = [], failedNode = null, selectedNode = null,
  onSelect = null, definition = false} = {}) {
  if (!canvas) {
    container.replaceChildren();
    return;
  }
  const root = measure(canvas.chain ? canvas : {chain: [canvas]}, '');
  // the on-failure canvas (run only if the canvas fails) is drawn below it, as its own chain "on_failure"
  const handler = canvas.on_failure
    ? measure(canvas.on_failure.chain ? canvas.on_failure : {chain: [canvas.on_failure]}, 'on_failure') : null;
  const top = PAD + (stages.length ? STAGE_H : 0);
  const handlerTop = top + root.h + GAP_Y + STAGE_H;
  const width = Math.max(root.w, handler ? handler.w : 0) + 2 * PAD + 8;
  const height = (handler ? handlerTop + handler.h : top + root.h) + PAD + 8;
  const drawing = new Drawing(tasks, failedNode, selectedNode, onSelect, definition);
  drawing.place(root, PAD, top + root.h / 2);
  if (handler) {
    drawing.nodes.append(svg('text', {class: 'on-failure-label', x: PAD, y: handlerTop - 8}, 'on failure'));
    drawing.place(handler, PAD, handlerTop + handler.h / 2);
  }

  const stageLayer = svg('g', {class: 'stages'});
  let left = PAD;
  for (const step of root.steps) {
    const stage = stages.find(s => s.node === step.path);
    if (stage) {
      stageLayer.append(svg('g', {class: 'stage', 'data-stage': stage.name, 'data-node': step.path},
          svg('rect', {x: left - 6, y: PAD - 4, width: step.w + 12, height: root.h + STAGE_H + 6, rx: 9}),
          svg('text', {x: left, y: PAD + 12}, stage.name)));
    }
    left += step.w + GAP_X;
  }
  container.replaceChildren(svg('svg', {
    class: 'graph', width, height, style: `min-width: ${Math.round(width * 0.7)}px`, viewBox: `0 0 ${width} ${height}`, role: 'group',
    'aria-label': 'The canvas as a graph: tasks coloured by state, joins as diamonds',
  }, stageLayer, drawing.edges, drawing.nodes));
}

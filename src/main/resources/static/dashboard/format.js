// Small helpers shared by the list and the timeline: DOM building (text only, never HTML strings)
// and how times and durations read.

/** el('td', {class: 'x', title: 't'}, 'text', childNode): attributes set as given, children as text or nodes. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name === 'style' && typeof value === 'object') {
      Object.assign(node.style, value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

export const TERMINAL_PIPELINE = new Set(['SUCCESS', 'FAILURE', 'CANCELLED']);
export const TERMINAL_TASK = new Set(['SUCCESS', 'FAILURE', 'REVOKED']);

/** A status or state as a badge: the word itself, its colour from the stylesheet. */
export function badge(status) {
  return el('span', {class: 'badge status-' + String(status).toLowerCase()}, status);
}

/** 850 ms · 1.25 s · 12.3 s · 2 min 05 s · 1 h 02 min */
export function duration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) {
    return '';
  }
  const value = Math.max(0, ms);
  if (value < 1000) {
    return Math.round(value) + ' ms';
  }
  if (value < 10_000) {
    return (value / 1000).toFixed(2) + ' s';
  }
  if (value < 60_000) {
    return (value / 1000).toFixed(1) + ' s';
  }
  const seconds = Math.floor(value / 1000);
  if (seconds < 3600) {
    return Math.floor(seconds / 60) + ' min ' + String(seconds % 60).padStart(2, '0') + ' s';
  }
  return Math.floor(seconds / 3600) + ' h ' + String(Math.floor(seconds / 60) % 60).padStart(2, '0') + ' min';
}

function pad(n, width = 2) {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time; the date too when it is not today. */
export function clock(ms, withMillis = false) {
  if (ms === null || ms === undefined) {
    return '';
  }
  const d = new Date(ms);
  const time = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds())
      + (withMillis ? '.' + pad(d.getMilliseconds(), 3) : '');
  const today = new Date();
  if (d.toDateString() === today.toDateString()) {
    return time;
  }
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + time;
}

/** A time element: readable text, the exact instant for machines and on hover. */
export function timeElement(ms, withMillis = false) {
  if (ms === null || ms === undefined) {
    return el('span', {class: 'none'}, '—');
  }
  const iso = new Date(ms).toISOString();
  return el('time', {datetime: iso, title: iso}, clock(ms, withMillis));
}

export function shortId(id) {
  return id ? id.slice(0, 8) : '';
}

export function prettyJson(value) {
  return value === null || value === undefined ? '—' : JSON.stringify(value, null, 2);
}

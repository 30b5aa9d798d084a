// The live feed: GET /api/v1/events/stream (server-sent events) read with fetch rather than
// EventSource, so the API key travels in its header and never in a URL. Reconnects with a growing
// delay; a stream silent for longer than two server heartbeats counts as dropped.

import {API_BASE, apiKey} from './api.js';

const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 15_000;
const SILENCE_MS = 35_000; // the server sends a comment every 15 s

/**
 * Connects and stays connected. onEvent(name, data) for each event ('ready', 'pipeline', 'task',
 * 'resync'); onState(state, detail) with 'connecting', 'connected' or 'disconnected' (detail: why,
 * and when the next attempt is). Answers {reconnect()} to start over at once (a new API key).
 */
export function connectLive({onEvent, onState}) {
  let delay = FIRST_DELAY_MS;
  let controller = null;
  let retryTimer = null;
  let generation = 0;

  async function run() {
    const mine = ++generation;
    clearTimeout(retryTimer);
    controller = new AbortController();
    const aborter = controller;
    let silence = null;
    const watch = () => {
      clearTimeout(silence);
      silence = setTimeout(() => aborter.abort(), SILENCE_MS);
    };
    onState('connecting');
    let why = 'the stream ended';
    try {
      const headers = {Accept: 'text/event-stream, application/json'};
      const key = apiKey();
      if (key) {
        headers['X-API-Key'] = key;
      }
      watch();
      const response = await fetch(API_BASE + '/events/stream', {headers, cache: 'no-store', signal: aborter.signal});
      if (!response.ok) {
        let message = `${response.status} ${response.statusText}`.trim();
        try {
          message = (await response.json()).error.message + ` (${response.status})`;
        } catch (e) {
          // not the envelope: the status says enough
        }
        throw new Error(message);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (done) {
          break;
        }
        watch();
        buffer += value.replace(/\r\n?/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = parseBlock(block);
          if (event && mine === generation) {
            if (event.name === 'ready') {
              delay = FIRST_DELAY_MS;
              onState('connected');
            }
            onEvent(event.name, event.data);
          }
        }
      }
    } catch (error) {
      why = aborter.signal.aborted ? 'no news from the server' : error.message;
    } finally {
      clearTimeout(silence);
    }
    if (mine !== generation) {
      return; // replaced by reconnect()
    }
    onState('disconnected', {why, retryInMs: delay});
    retryTimer = setTimeout(run, delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }

  function stop() {
    generation++;
    clearTimeout(retryTimer);
    if (controller) {
      controller.abort();
    }
  }

  // a page being left closes its stream at once: an open one holds one of the browser's few
  // connections to this host (6 over HTTP/1.1), which the next page's calls would wait for
  window.addEventListener('pagehide', stop);
  window.addEventListener('pageshow', event => {
    if (event.persisted) {   // back from the back/forward cache
      delay = FIRST_DELAY_MS;
      run();
    }
  });
  run();
  return {
    reconnect() {
      stop();
      delay = FIRST_DELAY_MS;
      run();
    },
  };
}

/** One SSE block: 'event:' names it, 'data:' lines are joined; comments (':') are heartbeats. */
function parseBlock(block) {
  let name = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') {
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') {
      name = value;
    } else if (field === 'data') {
      data.push(value);
    }
  }
  if (data.length === 0) {
    return null;
  }
  let parsed = null;
  try {
    parsed = JSON.parse(data.join('\n'));
  } catch (e) {
    parsed = data.join('\n');
  }
  return {name, data: parsed};
}

// Calls to the application's REST API: the envelope {"success", "data" | "error", "timestamp"},
// the optional API key, and the server's clock (timelines are drawn against server time).

const KEY_STORAGE = 'ai-pipeline.api-key';
export const API_BASE = '../api/v1'; // relative to /dashboard/, so the page also works under a context path

/** A failed call: the HTTP status (0 when the server could not be reached) and the API's error. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let clockOffsetMs = 0;

/** Now on the server's clock, as far as the last answer's timestamp tells. */
export function serverNow() {
  return Date.now() + clockOffsetMs;
}

export function apiKey() {
  try {
    return localStorage.getItem(KEY_STORAGE) || '';
  } catch (e) {
    return ''; // storage disabled: no key
  }
}

export function setApiKey(key) {
  if (key) {
    localStorage.setItem(KEY_STORAGE, key);
  } else {
    localStorage.removeItem(KEY_STORAGE);
  }
}

/** Instants from the API (ISO-8601, possibly with nanoseconds) as epoch milliseconds; null stays null. */
export function parseTime(value) {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === 'number') {
    return value > 1e11 ? value : value * 1000; // epoch seconds or milliseconds
  }
  const ms = Date.parse(String(value).replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? null : ms;
}

/** Sends one request and answers the envelope's data, or throws an ApiError with the API's message. */
export async function call(method, path, body) {
  const headers = {Accept: 'application/json'};
  const key = apiKey();
  if (key) {
    headers['X-API-Key'] = key;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  let response;
  try {
    response = await fetch(API_BASE + path, {
      method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'unreachable', 'Cannot reach the server: ' + e.message);
  }
  let envelope = null;
  try {
    envelope = await response.json();
  } catch (e) {
    envelope = null; // not JSON (a proxy's error page, for instance): reported by status below
  }
  const serverTime = envelope ? parseTime(envelope.timestamp) : null;
  if (serverTime !== null) {
    clockOffsetMs = serverTime - Date.now();
  }
  if (!response.ok || !envelope || envelope.success === false) {
    const error = envelope && envelope.error ? envelope.error : {};
    throw new ApiError(response.status, error.code || 'http_' + response.status,
        error.message || `${response.status} ${response.statusText}`.trim());
  }
  return envelope.data;
}

export function queryString(params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== '' && value !== null && value !== undefined) {
      query.set(name, String(value));
    }
  }
  const text = query.toString();
  return text ? '?' + text : '';
}

// The REST client: tokens in localStorage, refreshed before they expire, and the API's error shape.

const KEY = "pulseguard.tokens";
const REFRESH_MARGIN_S = 60;
let refreshing = null;
let timer = null;
let clockOffsetMs = 0; // server clock minus this browser's, from the Date header

/** The server's current time (to the second), whatever this browser's clock says. */
export function serverNow() {
  return new Date(Date.now() + clockOffsetMs);
}

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
  /** Field errors as {field: "message"}, flattened from {"errors": {"json": {...}}}. */
  /** {field: message}, nested fields as dotted paths ("dns.record_type", "assertions.0.path"). */
  fieldErrors() {
    const out = {};
    const json = (this.body.errors && (this.body.errors.json || this.body.errors.query)) || {};
    const walk = (value, path) => {
      if (value && typeof value === "object" && !Array.isArray(value)) {
        for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
      } else {
        out[path] = flatten(value).join(" ");
      }
    };
    walk(json, "");
    return out;
  }
}

function flatten(value) {
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (value && typeof value === "object") return Object.values(value).flatMap(flatten);
  return [String(value)];
}

export function getTokens() {
  try {
    return JSON.parse(localStorage.getItem(KEY)) || null;
  } catch {
    return null;
  }
}

export function setTokens(tokens) {
  localStorage.setItem(KEY, JSON.stringify(tokens));
  scheduleRefresh();
}

export function clearTokens() {
  localStorage.removeItem(KEY);
  clearTimeout(timer);
}

/** Seconds since 1970 at which a JWT expires (0 when unreadable). */
export function expiry(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(part)).exp || 0;
  } catch {
    return 0;
  }
}

function secondsLeft(token) {
  return expiry(token) - Date.now() / 1000;
}

/** Exchange the refresh token for a new access token (one request at a time). */
export function refresh() {
  if (refreshing) return refreshing;
  const tokens = getTokens();
  if (!tokens || !tokens.refresh) return Promise.reject(new ApiError(401, {}));
  refreshing = fetch("/api/auth/token/refresh/", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh: tokens.refresh }),
  })
    .then(async (response) => {
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new ApiError(response.status, body);
      setTokens({ access: body.access, refresh: body.refresh || tokens.refresh });
      return body.access;
    })
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** Refresh the access token a minute before it expires (sooner for short-lived tokens). */
export function scheduleRefresh() {
  clearTimeout(timer);
  const tokens = getTokens();
  if (!tokens) return;
  const left = secondsLeft(tokens.access);
  const lifetime = Math.max(1, left);
  const margin = Math.min(REFRESH_MARGIN_S, lifetime / 4);
  timer = setTimeout(() => refresh().catch(signedOut), Math.max(0, (left - margin) * 1000));
}

/** Return a usable access token, refreshing it first when it is (nearly) expired. */
export async function accessToken() {
  const tokens = getTokens();
  if (!tokens) throw new ApiError(401, { message: "Not signed in." });
  if (secondsLeft(tokens.access) < 10) return refresh();
  return tokens.access;
}

function signedOut() {
  clearTokens();
  const next = location.pathname + location.search;
  location.assign(`/login?next=${encodeURIComponent(next)}`);
}

/** Call the API; answers the parsed body with the X-Pagination header when present. */
export async function api(method, url, body, { retry = true, auth = true } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (auth) headers.Authorization = `Bearer ${await accessToken().catch(signedOutAndThrow)}`;
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const date = Date.parse(response.headers.get("Date"));
  if (!Number.isNaN(date)) clockOffsetMs = date - Date.now();
  if (response.status === 401 && auth && retry) {
    await refresh().catch(signedOutAndThrow);
    return api(method, url, body, { retry: false, auth });
  }
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    if (response.status === 401 && auth) signedOut();
    throw new ApiError(response.status, data);
  }
  const pagination = response.headers.get("X-Pagination");
  return pagination ? { data, pagination: JSON.parse(pagination) } : data;
}

function signedOutAndThrow(error) {
  signedOut();
  throw error;
}

/** Sign in with a username and password; stores the tokens. */
export async function login(username, password) {
  const tokens = await api("POST", "/api/auth/token/", { username, password }, { auth: false });
  setTokens(tokens);
  return tokens;
}

/** Revoke both tokens on the server, forget them here, and go to the sign-in page. */
export async function logout() {
  const tokens = getTokens();
  if (tokens) {
    try {
      await api("POST", "/api/auth/logout/", { refresh: tokens.refresh }, { retry: false });
    } catch {
      // Already expired or revoked: nothing left to revoke.
    }
  }
  clearTokens();
  location.assign("/login");
}

/** Require a signed-in user on this page: returns /api/auth/me/, or goes to the sign-in page. */
export async function requireUser() {
  if (!getTokens()) {
    signedOut();
    return new Promise(() => {});
  }
  scheduleRefresh();
  window.addEventListener("storage", (event) => {
    if (event.key === KEY && !event.newValue) location.assign("/login");
  });
  return api("GET", "/api/auth/me/");
}

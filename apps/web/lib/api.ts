/**
 * The one way the web UI talks to the server: same-origin fetches under `/api`.
 *
 * - Every request sends the session cookie (`credentials: 'same-origin'`).
 * - A request with a body is JSON (`Content-Type: application/json`).
 * - A non-2xx answer becomes an `ApiError` carrying the server's `{ error: { code, message } }`.
 * - A 401 from any call sends the browser to the login page.
 */

// TODO(issue 6): derive from @glacier/server/api schemas
export interface AuthState {
  setupRequired: boolean;
  authenticated: boolean;
}

// TODO(issue 6): derive from @glacier/server/api schemas
export interface Health {
  status: 'ok';
  version: string;
}

// TODO(issue 6): derive from @glacier/server/api schemas
export interface MediaRoot {
  id: number;
  label: string;
  path: string;
  online: boolean;
  fileCount: number;
  bytes: number;
  missingCount: number;
  /** Milliseconds since the epoch, or null before the first scan. */
  lastScanAt: number | null;
}

// TODO(issue 6): derive from @glacier/server/api schemas
export const JOB_STATES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

// TODO(issue 6): derive from @glacier/server/api schemas
export interface Job {
  id: number;
  kind: string;
  state: JobState;
  params: Record<string, unknown>;
  progress: Record<string, unknown> | null;
  summary: Record<string, unknown> | null;
  error: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

/** An answer of the API that was not a success. `status` is 0 when the server was not reached. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const LOGIN_PATH = '/login/';
export const SETUP_PATH = '/setup/';

/** Pages that must never bounce to the login page on a 401 (they are where a 401 leads). */
const PUBLIC_PATHS = new Set([LOGIN_PATH, SETUP_PATH]);

function redirectToLogin(): void {
  if (typeof window === 'undefined') return;
  if (PUBLIC_PATHS.has(window.location.pathname)) return;
  window.location.assign(LOGIN_PATH);
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
}

/** Calls `/api{path}` and returns its JSON (or `undefined` for 204). Throws `ApiError`. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = options.body === undefined ? 'GET' : 'POST', body, signal } = options;
  const headers: Record<string, string> = { Accept: 'application/json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (signal) init.signal = signal;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response: Response;
  try {
    response = await fetch(`/api${path}`, init);
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network_error', 'The server could not be reached. Is it running?');
  }

  if (response.status === 401) redirectToLogin();
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

async function toApiError(response: Response): Promise<ApiError> {
  let code = `http_${response.status}`;
  let message = response.statusText || `The server answered ${response.status}.`;
  try {
    const payload: unknown = await response.json();
    const error = (payload as { error?: unknown } | null)?.error;
    const topMessage = (payload as { message?: unknown } | null)?.message;
    if (typeof topMessage === 'string' && topMessage) message = topMessage;
    if (error && typeof error === 'object') {
      const e = error as { code?: unknown; message?: unknown };
      if (typeof e.code === 'string') code = e.code;
      if (typeof e.message === 'string' && e.message) message = e.message;
    }
  } catch {
    // Not JSON (a proxy's error page, say): keep the status text.
  }
  if (response.status === 429 && code === 'http_429') {
    code = 'too_many_requests';
    message = `Too many attempts. ${message.endsWith('.') ? message : `${message}.`}`;
  }
  return new ApiError(response.status, code, message);
}

export const getAuthState = (signal?: AbortSignal) =>
  api<AuthState>('/auth/state', signal ? { signal } : {});
export const setupPassword = (password: string) =>
  api<void>('/auth/setup', { method: 'POST', body: { password } });
export const login = (password: string) =>
  api<void>('/auth/login', { method: 'POST', body: { password } });
export const logout = () => api<void>('/auth/logout', { method: 'POST' });
export const getHealth = () => api<Health>('/health');
export const getRoots = () => api<{ roots: MediaRoot[] }>('/roots').then((r) => r.roots);
export const getJobs = () => api<{ jobs: Job[] }>('/jobs').then((r) => r.jobs);

/** Query keys, in one place so that invalidations cannot drift from the queries. */
export const queryKeys = {
  authState: ['auth', 'state'] as const,
  health: ['health'] as const,
  roots: ['roots'] as const,
  jobs: ['jobs'] as const,
};

/** The minimum length of the admin password, as the server enforces it. */
export const MIN_PASSWORD_LENGTH = 8;

/**
 * The one way the web UI talks to the server: same-origin fetches under `/api`.
 *
 * - Every request sends the session cookie (`credentials: 'same-origin'`).
 * - A request with a body is JSON (`Content-Type: application/json`).
 * - A non-2xx answer becomes an `ApiError` carrying the server's `{ error: { code, message } }`.
 * - A 401 from any call sends the browser to the login page.
 */

import type {
  AddDestinationBody,
  ArchiveBody,
  ArchivePlanView,
  ArchiveQuote,
  AuthState,
  BrowseResult,
  DestinationView,
  ErrorBody,
  FileCopiesCheck,
  FileDetails,
  FileView,
  FolderView,
  JobEvent,
  JobView as ServerJobView,
  ProbeResult,
  RootSummary,
  SheetIndex,
  SheetList,
  SheetView,
  StartScanBody,
  StartSummariseBody,
  browseQuery,
  destinationList,
  health,
  jobFailureList,
  jobList,
  rootList,
  addRootBody,
  RestoreQuoteView,
  ArchiveSummary,
  JobSummaries,
  RestoreSummary,
  SavedProgress,
  ScanSummary,
  SummariseSummary,
  ArchiveParams,
  RestoreParams,
  ScanParams,
  SummariseParams,
} from '@glacier/server/api';

// Every shape of the API comes from the server's zod schemas, type-only (nothing of the server
// is bundled). A schema without an exported type is read through the output of its `parse`.
type Out<Schema extends { parse: (value: unknown) => unknown }> = ReturnType<Schema['parse']>;

export type { AuthState, BrowseResult, FileDetails, FileView, FolderView, JobEvent };
export type { FileCopiesCheck, RootSummary };
export type { AddDestinationBody, ArchiveBody, ArchivePlanView, ArchiveQuote, DestinationView };
export type { ProbeResult, SheetIndex, SheetList, SheetView, StartScanBody, StartSummariseBody };
export type ProbeCheck = ProbeResult['checks'][number];
export type SheetTile = SheetIndex['tiles'][number];
export type DestinationKind = DestinationView['kind'];
export type { ArchiveSummary, JobSummaries, RestoreSummary, ScanSummary, SummariseSummary };
export type { SavedProgress };
/**
 * A record of the API read by the names of one of the server's types: every key is the
 * server's (a field renamed there fails this type check), every value unknown until checked (a
 * job's `summary` and `progress` are kept as written, so a row of an earlier release may lack
 * one).
 */
export type Loose<T> = { readonly [K in keyof T]?: unknown };
/** The kinds of job whose summary the server describes in jobs/summaries.ts. */
export type SummarisedKind = keyof JobSummaries;
/**
 * A job's parameters, read by the names every kind stores (jobs/params.ts, restore/params.ts):
 * `rootId`, `path`, `destination`, a restore's `scope` and `tier`, … An id list (`fileIds`) is
 * never sent: `selection` counts it.
 */
export type JobParams = Loose<ScanParams & SummariseParams & ArchiveParams & RestoreParams>;
/** A job as the API shows it, its parameters read by their server names. */
export type JobView = Omit<ServerJobView, 'params'> & { params: JobParams };
/** One `job.progress` event: what a running job reports (archive jobs add speed, ETA, files). */
export type JobProgressEvent = Extract<JobEvent, { type: 'job.progress' }>;
/** A file under way in a transfer job (`active[]` of its progress). */
export type ActiveItem = NonNullable<JobProgressEvent['active']>[number];
export type JobState = JobView['state'];
export type FileKind = FileView['kind'];
export type FileTags = FileView['tags'];
export type Health = Out<typeof health>;
export type JobFailureList = Out<typeof jobFailureList>;
export type JobFailure = JobFailureList['failures'][number];
/** The query of GET /api/roots/:label/browse, with the server's defaults applied. */
export type BrowseQuery = Out<typeof browseQuery>;
export type FileSort = BrowseQuery['sort'];
export type SortOrder = BrowseQuery['order'];
export type BrowseTag = NonNullable<BrowseQuery['tag']>;

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
    const payload = (await response.json()) as Partial<ErrorBody> & { message?: unknown };
    // Fastify's own errors (before our handler) carry a top-level `message`.
    if (typeof payload?.message === 'string' && payload.message) message = payload.message;
    const error = payload?.error;
    if (error && typeof error === 'object') {
      if (typeof error.code === 'string') code = error.code;
      if (typeof error.message === 'string' && error.message) message = error.message;
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

const withSignal = (signal: AbortSignal | undefined) => (signal ? { signal } : {});
const label = (root: string) => encodeURIComponent(root);

export const getAuthState = (signal?: AbortSignal) =>
  api<AuthState>('/auth/state', withSignal(signal));
export const setupPassword = (password: string) =>
  api<void>('/auth/setup', { method: 'POST', body: { password } });
export const login = (password: string) =>
  api<void>('/auth/login', { method: 'POST', body: { password } });
export const logout = () => api<void>('/auth/logout', { method: 'POST' });
export const getHealth = () => api<Health>('/health');

export const getRoots = (signal?: AbortSignal) =>
  api<Out<typeof rootList>>('/roots', withSignal(signal)).then((r) => r.roots);
export const addRoot = (body: Out<typeof addRootBody>) =>
  api<RootSummary>('/roots', { method: 'POST', body });

/** One page of one folder of a root, from the catalog (works while the root is offline). */
export function browse(root: string, query: BrowseQuery, signal?: AbortSignal) {
  const params = new URLSearchParams();
  if (query.path) params.set('path', query.path);
  params.set('page', String(query.page));
  params.set('pageSize', String(query.pageSize));
  params.set('sort', query.sort);
  params.set('order', query.order);
  if (query.kind) params.set('kind', query.kind);
  if (query.tag) params.set('tag', query.tag);
  if (query.search) params.set('search', query.search);
  return api<BrowseResult>(`/roots/${label(root)}/browse?${params}`, withSignal(signal));
}
export const getFile = (id: number, signal?: AbortSignal) =>
  api<FileDetails>(`/files/${id}`, withSignal(signal));
/** HEADs the copy each destination holds of a file, now; reads only (reconcile marks losses). */
export const checkFileCopies = (id: number, signal?: AbortSignal) =>
  api<FileCopiesCheck>(`/files/${id}/copies/check`, withSignal(signal));

export type JobPage = Out<typeof jobList>;
/** The first page: every unfinished job, then the newest finished ones (kept live by events). */
export const getJobs = (signal?: AbortSignal) =>
  api<JobPage>('/jobs', withSignal(signal)).then((r) => r.jobs);
/** Finished jobs older than `before`, newest first, with where the next page starts. */
export const getOlderJobs = (before: number, signal?: AbortSignal) =>
  api<JobPage>(`/jobs?${new URLSearchParams({ before: String(before) })}`, withSignal(signal));
export const getJobFailures = (id: number, signal?: AbortSignal) =>
  api<JobFailureList>(`/jobs/${id}/failures`, withSignal(signal)).then((r) => r.failures);
/** Queues a scan of a root (or of a folder in it); 409 when that root already has one. */
export const startScan = (root: string, path = '') => {
  const body: StartScanBody = { root, path };
  return api<JobView>('/scans', { method: 'POST', body });
};
/** Queues the contact sheets of a folder; 409 when that root is already being summarised. */
export const startSummarise = (body: StartSummariseBody) =>
  api<JobView>('/summaries', { method: 'POST', body });
export const pauseJob = (id: number) => api<JobView>(`/jobs/${id}/pause`, { method: 'POST' });
export const resumeJob = (id: number) => api<JobView>(`/jobs/${id}/resume`, { method: 'POST' });
export const cancelJob = (id: number) => api<JobView>(`/jobs/${id}/cancel`, { method: 'POST' });
/** A new job of the same kind over an ended job's stored params; 409 while one is under way. */
export const retryJob = (id: number) => api<JobView>(`/jobs/${id}/retry`, { method: 'POST' });
/** What starting a restore job again would thaw and cost (asked before its Retry). */
export const getRetryQuote = (id: number) => api<RestoreQuoteView>(`/jobs/${id}/retry-quote`);

/** The sheet pages of one folder (none until it is summarised). */
export const getSheets = (root: string, path: string, signal?: AbortSignal) =>
  api<SheetList>(
    `/roots/${label(root)}/sheets?${new URLSearchParams({ path })}`,
    withSignal(signal),
  ).then((r) => r.sheets);
/** A sheet's JSON index, from the `indexUrl` the sheet list gives (`/api/sheets/:id/index`). */
export const getSheetIndex = (indexUrl: string, signal?: AbortSignal) =>
  api<SheetIndex>(indexUrl.replace(/^\/api(?=\/)/, ''), withSignal(signal));
/** The thumbnail of a file (an `<img>` source: same origin, the session cookie goes along). */
export const thumbnailUrl = (id: number) => `/api/files/${id}/thumbnail`;
/** Why a thumbnail URL failed, as the server says it (its 404 names the reason). */
export async function thumbnailProblem(id: number): Promise<string> {
  try {
    await api<unknown>(`/files/${id}/thumbnail`);
    return 'The thumbnail could not be shown';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export const getDestinations = (signal?: AbortSignal) =>
  api<Out<typeof destinationList>>('/destinations', withSignal(signal)).then((r) => r.destinations);
export const addDestination = (body: AddDestinationBody) =>
  api<DestinationView>('/destinations', { method: 'POST', body });
/** Lists, writes, reads back and deletes a probe object; each check says what failed. */
export const testDestination = (name: string) =>
  api<ProbeResult>(`/destinations/${encodeURIComponent(name)}/test`, { method: 'POST' });
/** What archiving a folder (and all below it) would send, and what it would cost. */
export const planArchive = (body: ArchiveBody) =>
  api<ArchivePlanView>('/archives/plan', { method: 'POST', body });
export const startArchive = (body: ArchiveBody) =>
  api<JobView>('/archives', { method: 'POST', body });

/** Query keys, in one place so that invalidations cannot drift from the queries. */
export const queryKeys = {
  authState: ['auth', 'state'] as const,
  health: ['health'] as const,
  roots: ['roots'] as const,
  /** Every job query (the list and each job's failures) starts with this. */
  jobs: ['jobs'] as const,
  jobList: ['jobs', 'list'] as const,
  olderJobs: (before: number) => ['jobs', 'older', before] as const,
  jobFailures: (id: number) => ['jobs', id, 'failures'] as const,
  /** Every browse query starts with this; a finished scan invalidates them all. */
  browse: ['browse'] as const,
  browseFolder: (root: string, query: BrowseQuery) => ['browse', root, query] as const,
  file: (id: number) => ['file', id] as const,
  /** Every sheet query starts with this; a finished summarise invalidates them all. */
  sheets: ['sheets'] as const,
  sheetList: (root: string, path: string) => ['sheets', 'list', root, path] as const,
  sheetIndex: (indexUrl: string) => ['sheets', 'index', indexUrl] as const,
  destinations: ['destinations'] as const,
  /** A plan of a folder, or of picked files: `selection` names them (see idsKey), not the ids. */
  archivePlan: (body: Omit<ArchiveBody, 'fileIds'>, selection: string | null = null) =>
    ['archive-plan', body, selection] as const,
};

/** The minimum length of the admin password, as the server enforces it. */
export const MIN_PASSWORD_LENGTH = 8;

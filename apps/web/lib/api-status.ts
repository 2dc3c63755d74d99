/**
 * The API of the home dashboard, the restores page and the settings page: the overview numbers,
 * the restores with their objects, and the settings changed at run time. Same helper and error
 * rules as `api.ts`; every type comes from the server's schemas.
 */
import type {
  ClassCost,
  Coverage,
  DestinationOverview,
  Overview,
  RestoreDetails,
  RestoreItemView,
  RestoreView,
  RootOverview,
  SettingsPatch,
  SettingsView,
  restoreList,
} from '@glacier/server/api';
import { api } from './api';

type Out<Schema extends { parse: (value: unknown) => unknown }> = ReturnType<Schema['parse']>;

export type { ClassCost, Coverage, DestinationOverview, Overview, RootOverview };
export type { RestoreDetails, RestoreItemView, RestoreView, SettingsPatch, SettingsView };
export type RestoreItemState = RestoreItemView['state'];
export type RecentFailure = Overview['recentFailures'][number];

const withSignal = (signal: AbortSignal | undefined) => (signal ? { signal } : {});

export const getOverview = (signal?: AbortSignal) => api<Overview>('/overview', withSignal(signal));

export const getRestores = (signal?: AbortSignal) =>
  api<Out<typeof restoreList>>('/restores', withSignal(signal)).then((r) => r.restores);
/** A restore with its objects (the first 1,000, or those in one state). */
export function getRestore(jobId: number, state?: RestoreItemState, signal?: AbortSignal) {
  const query = state ? `?${new URLSearchParams({ state })}` : '';
  return api<RestoreDetails>(`/restores/${jobId}${query}`, withSignal(signal));
}

/**
 * Where the browser downloads an object of a destination: straight from the bucket (or folder),
 * verified by the server on the way; only readable objects (restored, or never cold) work.
 */
export const objectDownloadUrl = (destination: string, key: string) =>
  `/api/destinations/${encodeURIComponent(destination)}/objects/download?${new URLSearchParams({ key })}`;

export const getSettings = (signal?: AbortSignal) =>
  api<SettingsView>('/settings', withSignal(signal));
export const updateSettings = (body: SettingsPatch) =>
  api<SettingsView>('/settings', { method: 'PATCH', body });

export const statusKeys = {
  overview: ['overview'] as const,
  /** Every restore query (the list and each restore's objects) starts with this. */
  restores: ['restores'] as const,
  restoreList: ['restores', 'list'] as const,
  restore: (jobId: number, state?: RestoreItemState) =>
    ['restores', jobId, state ?? 'all'] as const,
  /** Every query of one restore's objects (whatever the state shown). */
  restoreObjects: (jobId: number) => ['restores', jobId] as const,
  settings: ['settings'] as const,
};

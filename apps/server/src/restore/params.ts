/** What a restore job is asked to do, as stored with the job (plain JSON, checked on each run). */
import { z } from 'zod';
import { UserInputError } from '../errors.js';
import type { RestoreTier } from '../storage/destination.js';

export const RESTORE_JOB = 'restore';

/** Which objects: a catalog folder or file (recursive), picked catalog files, or raw keys. */
export const restoreScopeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('catalog'),
    rootId: z.number().int(),
    root: z.string(),
    /** A file or a folder in the root ('' for the whole root). */
    path: z.string(),
  }),
  z.object({ kind: z.literal('files'), fileIds: z.array(z.number().int()).min(1) }),
  /** Objects the catalog may not know: one key, or every key below a prefix. */
  z.object({ kind: z.literal('keys'), prefix: z.string() }),
]);
export type RestoreScope = z.infer<typeof restoreScopeSchema>;

/** Where restored files go: nowhere yet (thaw only), a download folder, or their original place. */
export const restoreTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  z.object({ kind: z.literal('folder'), dir: z.string() }),
  z.object({ kind: z.literal('original') }),
]);
export type RestoreTarget = z.infer<typeof restoreTargetSchema>;

export const restoreParamsSchema = z.object({
  destinationId: z.number().int(),
  destination: z.string(),
  scope: restoreScopeSchema,
  tier: z.enum(['Bulk', 'Standard', 'Expedited']),
  days: z.number().int().min(1).max(365),
  /** False for a download: objects not restored are reported, never requested. */
  request: z.boolean(),
  /** Wait for restores in progress; false reports them with their expected wait and ends. */
  wait: z.boolean(),
  target: restoreTargetSchema,
  overwrite: z.boolean(),
  webhook: z.string().optional(),
});
export type RestoreParams = z.infer<typeof restoreParamsSchema>;

const TIERS: Record<string, RestoreTier> = {
  bulk: 'Bulk',
  standard: 'Standard',
  expedited: 'Expedited',
};

/** "bulk", "Standard", "EXPEDITED" → the tier; anything else is a clear error. */
export function parseTier(value: string): RestoreTier {
  const tier = TIERS[value.trim().toLowerCase()];
  if (!tier) {
    throw new UserInputError(`unknown retrieval tier "${value}": use bulk, standard or expedited`);
  }
  return tier;
}

export function parseDays(value: number | string): number {
  const days = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 365) {
    throw new UserInputError(
      `the restored copy lives 1 to 365 days (a whole number), not "${value}"`,
    );
  }
  return days;
}

/** A webhook must be an http(s) URL: nothing else is ever called. */
export function checkWebhook(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UserInputError(`the webhook "${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UserInputError(`the webhook must be an http or https URL, not ${url.protocol}`);
  }
  return url.toString();
}

/** How the scope reads in messages: "photos/Trip", "3 files", "keys under imports/". */
export function describeScope(scope: RestoreScope): string {
  switch (scope.kind) {
    case 'catalog':
      return scope.path ? `${scope.root}/${scope.path}` : scope.root;
    case 'files':
      return `${scope.fileIds.length} file${scope.fileIds.length === 1 ? '' : 's'}`;
    case 'keys':
      return scope.prefix ? `keys under ${scope.prefix}` : 'every key';
  }
}

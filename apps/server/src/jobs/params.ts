/**
 * What each kind of job is asked to do, as stored with the job (plain JSON, checked again on each
 * run and retry). Here, apart from their handlers, so that the API's types (`@glacier/server/api`)
 * can name them without the handlers' imports; the restore's live in restore/params.ts.
 */
import { z } from 'zod';

export const scanParamsSchema = z.object({
  rootId: z.number().int(),
  /** The root's label when the job was made, for people reading the job list. */
  root: z.string().optional(),
  /** A folder inside the root to scan instead of the whole root. */
  path: z.string().default(''),
  /** Skip hashing and metadata (inventory only): for a quick look, and for the benchmark. */
  contentless: z.boolean().default(false),
});
export type ScanParams = z.infer<typeof scanParamsSchema>;

export const summariseParamsSchema = z.object({
  rootId: z.number().int(),
  root: z.string().optional(),
  path: z.string().default(''),
  recursive: z.boolean().default(false),
});
export type SummariseParams = z.infer<typeof summariseParamsSchema>;

export const archiveParamsSchema = z.object({
  destinationId: z.number().int(),
  destination: z.string().optional(),
  rootId: z.number().int(),
  root: z.string().optional(),
  path: z.string().default(''),
  /** Only these files of the folder (an explorer selection); absent: the whole folder. */
  fileIds: z.array(z.number().int()).optional(),
});
export type ArchiveParams = z.infer<typeof archiveParamsSchema>;

import type { ArchivePlanView } from '../api/schemas.js';
import type { ArchivePlan } from './plan.js';

const SAMPLE = 100;

/** A plan as the API and the CLI show it: counts, the quote and the first files. */
export function toPlanView(plan: ArchivePlan): ArchivePlanView {
  return {
    destination: plan.destination,
    root: plan.root,
    path: plan.path,
    files: plan.items.length,
    bytes: plan.bytes,
    alreadyArchived: plan.alreadyArchived,
    unread: plan.unread.length,
    missing: plan.missing.length,
    selected: plan.selected,
    sample: plan.items.slice(0, SAMPLE).map((i) => ({ path: i.relPath, key: i.key, size: i.size })),
    quote: plan.quote,
  };
}

import { classNeedsRestore, type ObjectInfo, type RestoreState } from '../storage/destination.js';

/** Where an object stands for a download, as a HEAD (or a listing) says it now. */
export type ObjectState =
  /** A GET works: not a cold class (until null), or restored until `until`. */
  | { state: 'readable'; until: number | null }
  | { state: 'in-progress' }
  /** Cold, nothing restored: never requested, or the restored copy expired (`expiredAt`). */
  | { state: 'cold'; expiredAt?: number };

export function objectState(info: ObjectInfo, now = Date.now()): ObjectState {
  if (!classNeedsRestore(info.storageClass)) return { state: 'readable', until: null };
  return fromRestore(info.restore, now);
}

/**
 * An x-amz-restore whose expiry has passed means the restored copy is gone (S3 drops the
 * header a little after, and a GET fails from the expiry on): the object is cold again.
 */
export function fromRestore(restore: RestoreState, now = Date.now()): ObjectState {
  if (restore.state === 'in-progress') return { state: 'in-progress' };
  if (restore.state === 'available') {
    const until = restore.until.getTime();
    return until > now ? { state: 'readable', until } : { state: 'cold', expiredAt: until };
  }
  return { state: 'cold' };
}

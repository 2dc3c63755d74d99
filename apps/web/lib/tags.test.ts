// The badges a file shows in the list, the grid and its details: their words, order, tooltips,
// and the rendered list itself (FileTags), as the user reads it.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FileTags } from '../components/browse/FileTags';
import type { FileView } from './api';
import { fileBadges, restoreTag, type RestoreTag } from './tags';

type Tags = FileView['tags'];

const quiet: Tags = {
  summarised: false,
  archived: [],
  modified: false,
  missing: false,
  moved: false,
  unread: false,
};

function file(tags: Partial<Tags> = {}, problem: string | null = null) {
  return { tags: { ...quiet, ...tags }, problem };
}

const labels = (badges: { label: string }[]) => badges.map((b) => b.label);

const NOW = Date.UTC(2025, 2, 14, 12, 0);
const HOUR = 3_600_000;

describe('file badges', () => {
  it('shows nothing for a file with nothing to say', () => {
    expect(fileBadges(file())).toEqual([]);
  });

  it('shows summarised and one archived badge per destination that holds a verified copy', () => {
    const badges = fileBadges(file({ summarised: true, archived: ['ireland', 'oregon'] }));
    expect(labels(badges)).toEqual(['summarised', 'archived: ireland', 'archived: oregon']);
    expect(badges.map((b) => b.key)).toEqual(['summarised', 'archived-ireland', 'archived-oregon']);
    expect(badges[1]).toMatchObject({ tone: 'ok', title: 'Verified copy in ireland' });
    expect(badges[0]?.title).toBe('On a contact sheet of its folder');
  });

  it('puts what needs attention first: missing, moved, modified, unread, problem', () => {
    const badges = fileBadges(
      file(
        { missing: true, moved: true, modified: true, unread: true, summarised: true },
        'Truncated JPEG: premature end of data',
      ),
    );
    expect(labels(badges)).toEqual([
      'missing',
      'moved',
      'modified',
      'unread',
      'problem',
      'summarised',
    ]);
    expect(badges[0]).toMatchObject({ tone: 'danger', title: 'No longer on disk' });
    expect(badges[4]).toMatchObject({
      tone: 'danger',
      title: 'Truncated JPEG: premature end of data',
    });
  });

  it('says a file was modified since the last scan', () => {
    const [badge] = fileBadges(file({ modified: true }));
    expect(badge).toEqual({
      key: 'modified',
      label: 'modified',
      tone: 'warn',
      title: 'Changed on disk since the last scan',
    });
  });

  it('says an archived file was modified since it was archived, naming the stale copies', () => {
    const badges = fileBadges(file({ modified: true, archived: ['ireland', 'usb'] }));
    expect(labels(badges)).toEqual([
      'modified since archived',
      'archived: ireland',
      'archived: usb',
    ]);
    expect(badges[0]).toMatchObject({
      key: 'modified',
      tone: 'warn',
      title:
        'Changed on disk since it was archived: the copies in ireland, usb hold the earlier content',
    });
  });

  it('shows a missing file that was archived as missing, with its copies', () => {
    expect(labels(fileBadges(file({ missing: true, archived: ['ireland'] })))).toEqual([
      'missing',
      'archived: ireland',
    ]);
  });
});

describe('restore badges', () => {
  const restore = (
    state: RestoreTag['state'],
    expiresAt: number | null = null,
    destination = 'ireland',
  ): RestoreTag => ({ state, expiresAt, destination, reason: null });

  it('follows a restore from the request to the readable copy', () => {
    expect(restoreTag(restore('pending'), NOW)).toMatchObject({
      key: 'restore-ireland',
      label: 'restore requested: ireland',
      title: 'Restore from ireland requested',
    });
    expect(restoreTag(restore('requested'), NOW)?.label).toBe('restore requested: ireland');
    expect(restoreTag(restore('in-progress'), NOW)).toMatchObject({
      label: 'restoring: ireland',
      tone: 'info',
    });
    expect(restoreTag(restore('downloaded'), NOW)).toMatchObject({
      label: 'downloaded: ireland',
      title: 'Restored from ireland and downloaded',
    });
  });

  it('shows how long a restored copy stays readable, and until when', () => {
    const inTwoDays = NOW + 51 * HOUR + 10 * 60_000;
    const badge = restoreTag(restore('available', inTwoDays), NOW);
    expect(badge?.label).toBe('restored: ireland · 2 days 3 h left');
    expect(badge?.tone).toBe('ok');
    // 15:10 UTC on March 16 is 11:10 in New York (EDT), the zone the tests run in.
    expect(badge?.title.replace(/\s/g, ' ')).toBe(
      'Restored copy readable in ireland until Mar 16, 2025, 11:10 AM',
    );
    expect(restoreTag(restore('available', NOW + 90 * 60_000), NOW)?.label).toBe(
      'restored: ireland · 1 h 30 min left',
    );
    expect(restoreTag(restore('available'), NOW)).toMatchObject({
      label: 'restored: ireland',
      title: 'Restored copy readable in ireland',
    });
  });

  it('reads a restored copy past its expiry as expired, before the server says so', () => {
    const badge = restoreTag(restore('available', NOW - 1), NOW);
    expect(badge).toMatchObject({ label: 'restore expired: ireland', tone: 'muted' });
    expect(badge?.title).toMatch(/^The restored copy in ireland expired .*: restore again/);
    expect(restoreTag(restore('available', NOW), NOW)?.label).toBe('restore expired: ireland');
    expect(restoreTag(restore('expired'), NOW)).toMatchObject({
      label: 'restore expired: ireland',
      title: 'The restored copy in ireland has expired: restore again to read it',
    });
  });

  it('gives the reason of a failed restore; a skipped file shows nothing', () => {
    expect(restoreTag({ ...restore('failed'), reason: 'NoSuchKey' }, NOW)).toMatchObject({
      label: 'restore failed: ireland',
      tone: 'danger',
      title: 'Restore from ireland failed: NoSuchKey',
    });
    expect(restoreTag(restore('failed'), NOW)?.title).toBe('Restore from ireland failed');
    expect(restoreTag(restore('skipped'), NOW)).toBeNull();
    expect(
      labels(fileBadges(file({ archived: ['ireland'], restores: [restore('skipped')] }), NOW)),
    ).toEqual(['archived: ireland']);
  });

  it('shows one badge per destination, after the warnings and before what is done', () => {
    const badges = fileBadges(
      file({
        missing: true,
        summarised: true,
        archived: ['ireland', 'oregon'],
        restores: [restore('available', NOW + 3 * HOUR), restore('in-progress', null, 'oregon')],
      }),
      NOW,
    );
    expect(labels(badges)).toEqual([
      'missing',
      'restored: ireland · 3 h left',
      'restoring: oregon',
      'summarised',
      'archived: ireland',
      'archived: oregon',
    ]);
    expect(badges[2]?.key).toBe('restore-oregon');
  });
});

describe('FileTags', () => {
  const view = (tags: Partial<Tags>, problem: string | null = null) =>
    ({ tags: { ...quiet, ...tags }, problem }) as FileView;

  it('renders each badge with its words, tooltip and data-tag', () => {
    const html = renderToStaticMarkup(
      createElement(FileTags, { file: view({ modified: true, archived: ['ireland'] }) }),
    );
    expect(html).toBe(
      '<ul class="tags" aria-label="Tags">' +
        '<li class="badge warn" title="Changed on disk since it was archived: the copies in ireland hold the earlier content" data-tag="modified">modified since archived</li>' +
        '<li class="badge ok" title="Verified copy in ireland" data-tag="archived-ireland">archived: ireland</li>' +
        '</ul>',
    );
  });

  it('renders the restores the server lists, and nothing for a file without tags', () => {
    const html = renderToStaticMarkup(
      createElement(FileTags, {
        file: view({
          restores: [
            { state: 'in-progress', expiresAt: null, destination: 'oregon', reason: null },
          ],
        }),
        compact: true,
      }),
    );
    expect(html).toBe(
      '<ul class="tags tags-compact" aria-label="Tags">' +
        '<li class="badge info" title="Being restored from oregon: not readable yet" data-tag="restore-oregon">restoring: oregon</li>' +
        '</ul>',
    );
    expect(renderToStaticMarkup(createElement(FileTags, { file: view({}) }))).toBe('');
  });
});

import type { FileView } from '../../lib/api';

export interface TagBadge {
  key: string;
  label: string;
  tone: string;
  title: string;
}

/**
 * The badges of a file, most urgent first: missing, moved, modified, unread, problem; then
 * what is done: summarised (on a contact sheet), and one "archived" badge per destination
 * that holds a verified copy.
 */
export function fileBadges(file: Pick<FileView, 'tags' | 'problem'>): TagBadge[] {
  const tags: TagBadge[] = [];
  const t = file.tags;
  if (t.missing)
    tags.push({ key: 'missing', label: 'missing', tone: 'danger', title: 'No longer on disk' });
  if (t.moved)
    tags.push({ key: 'moved', label: 'moved', tone: 'info', title: 'Moved elsewhere in the root' });
  if (t.modified) {
    tags.push({
      key: 'modified',
      label: 'modified',
      tone: 'warn',
      title: 'Changed on disk since the last scan',
    });
  }
  if (t.unread)
    tags.push({ key: 'unread', label: 'unread', tone: 'muted', title: 'Content not read yet' });
  if (file.problem)
    tags.push({ key: 'problem', label: 'problem', tone: 'danger', title: file.problem });
  if (t.summarised) {
    tags.push({
      key: 'summarised',
      label: 'summarised',
      tone: 'info',
      title: 'On a contact sheet of its folder',
    });
  }
  for (const dest of t.archived) {
    tags.push({
      key: `archived-${dest}`,
      label: `archived: ${dest}`,
      tone: 'ok',
      title: `Verified copy in ${dest}`,
    });
  }
  return tags;
}

export function FileTags({ file, compact = false }: { file: FileView; compact?: boolean }) {
  const tags = fileBadges(file);
  if (tags.length === 0) return null;
  return (
    <ul className={`tags${compact ? ' tags-compact' : ''}`} aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag.key} className={`badge ${tag.tone}`} title={tag.title} data-tag={tag.key}>
          {tag.label}
        </li>
      ))}
    </ul>
  );
}

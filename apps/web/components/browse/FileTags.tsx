import type { FileView } from '../../lib/api';

/** The badges of a file: missing, moved, modified, unread, problem (and archived copies). */
export function FileTags({ file }: { file: FileView }) {
  const tags: { key: string; label: string; tone: string; title: string }[] = [];
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
  for (const dest of t.archived) {
    tags.push({
      key: `archived-${dest}`,
      label: `archived: ${dest}`,
      tone: 'ok',
      title: `Verified copy in ${dest}`,
    });
  }
  if (tags.length === 0) return null;
  return (
    <ul className="tags" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag.key} className={`badge ${tag.tone}`} title={tag.title}>
          {tag.label}
        </li>
      ))}
    </ul>
  );
}

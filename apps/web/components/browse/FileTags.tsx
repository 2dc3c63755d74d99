import type { FileView } from '../../lib/api';
import { fileBadges } from '../../lib/tags';

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

import type { FileView } from '../../lib/api';
import { fileBadges, type RestoreTag } from '../../lib/tags';

/** A file's badges (derived in `lib/tags.ts`); `restore`: its latest restore, where known. */
export function FileTags({
  file,
  compact = false,
  restore = null,
}: {
  file: FileView;
  compact?: boolean;
  restore?: RestoreTag | null;
}) {
  const tags = fileBadges(file, restore);
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

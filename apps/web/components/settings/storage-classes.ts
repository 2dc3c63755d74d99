/**
 * The S3 storage classes a destination may use, in the order a user weighs them. The server
 * checks the value (its API types it as a plain string, so this list is the UI's own: keep it
 * in step with the server's STORAGE_CLASSES).
 */
export const STORAGE_CLASS_CHOICES = [
  {
    value: 'DEEP_ARCHIVE',
    label: 'Glacier Deep Archive',
    hint: 'The cheapest. A restore takes 12–48 hours; kept at least 180 days.',
  },
  {
    value: 'GLACIER',
    label: 'Glacier Flexible Retrieval',
    hint: 'A restore takes minutes to 12 hours; kept at least 90 days.',
  },
  {
    value: 'GLACIER_IR',
    label: 'Glacier Instant Retrieval',
    hint: 'Read at once, dearer to read; kept at least 90 days.',
  },
  {
    value: 'STANDARD_IA',
    label: 'Standard – Infrequent Access',
    hint: 'Read at once; kept at least 30 days.',
  },
  { value: 'STANDARD', label: 'Standard', hint: 'Read at once; the dearest to keep.' },
] as const;

export const DEFAULT_STORAGE_CLASS = 'DEEP_ARCHIVE';

export function storageClassLabel(value: string | null): string {
  if (value === null) return '';
  return STORAGE_CLASS_CHOICES.find((c) => c.value === value)?.label ?? value;
}

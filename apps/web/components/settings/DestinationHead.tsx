/** A destination's name and kind, as its list item starts (Settings and the dashboard). */
export function DestinationHead({ name, kind }: { name: string; kind: 's3' | 'folder' }) {
  return (
    <div className="item-head">
      <span className="item-title">{name}</span>
      <span className={`badge ${kind === 's3' ? 'info' : 'muted'}`}>
        {kind === 's3' ? 'S3' : 'folder'}
      </span>
    </div>
  );
}

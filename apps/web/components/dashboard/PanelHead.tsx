import Link from 'next/link';

/** A panel's heading, with how many items it holds and a link to where they all are. */
export function PanelHead({
  id,
  title,
  count,
  link,
}: {
  id: string;
  title: string;
  count?: number;
  link?: { href: string; text: string };
}) {
  return (
    <div className="panel-head">
      <h2 id={id}>{title}</h2>
      {count ? <span className="count">{count}</span> : null}
      {link ? (
        <Link href={link.href} className="panel-link">
          {link.text}
          <span aria-hidden="true"> →</span>
        </Link>
      ) : null}
    </div>
  );
}

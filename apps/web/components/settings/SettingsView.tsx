'use client';

import Link from 'next/link';
import { RootsSection } from '../RootsSection';
import { DestinationsSection } from './DestinationsSection';
import { RuntimeSettingsSection, useSettings } from './RuntimeSettings';

/**
 * `/settings/`: the media roots (online or offline; add one), the transfer settings changed at
 * run time, the destinations (add, test), and what this server is.
 */
export function SettingsView() {
  return (
    <main className="page settings">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <RootsSection />
      <RuntimeSettingsSection />
      <DestinationsSection />
      <AboutSection />
    </main>
  );
}

function AboutSection() {
  const settings = useSettings();
  return (
    <section className="panel" aria-labelledby="about-heading">
      <div className="panel-head">
        <h2 id="about-heading">This server</h2>
      </div>
      <dl className="details-list">
        <div className="details-row">
          <dt>Version</dt>
          <dd data-testid="version">{settings.data?.version ?? '…'}</dd>
        </div>
        <div className="details-row">
          <dt>Data folder</dt>
          <dd className="path-text" data-testid="data-dir">
            {settings.data?.dataDir ?? '…'}
          </dd>
        </div>
        <div className="details-row">
          <dt>Holds</dt>
          <dd>
            the catalog (catalog.sqlite) and its backups, thumbnails, contact sheets, and
            secret.key, which seals S3 keys given to the app: back it up with the NAS. Each archive
            also copies the catalog to its destination, to rebuild from if the NAS is lost (see the
            README).
          </dd>
        </div>
        <div className="details-row">
          <dt>Numbers</dt>
          <dd>
            Coverage and monthly cost are on the <Link href="/">home page</Link>.
          </dd>
        </div>
      </dl>
    </section>
  );
}

import type { Metadata } from 'next';
import { AppShell } from '../../components/AppShell';
import { RestoresView } from '../../components/restores/RestoresView';

export const metadata: Metadata = { title: 'Restores · Glacier Archiver' };

export default function RestoresPage() {
  return (
    <AppShell>
      <RestoresView />
    </AppShell>
  );
}

import type { Metadata } from 'next';
import { AppShell } from '../../components/AppShell';
import { SettingsView } from '../../components/settings/SettingsView';

export const metadata: Metadata = { title: 'Settings · Glacier Archiver' };

export default function SettingsPage() {
  return (
    <AppShell>
      <SettingsView />
    </AppShell>
  );
}

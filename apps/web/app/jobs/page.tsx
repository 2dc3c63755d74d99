import type { Metadata } from 'next';
import { AppShell } from '../../components/AppShell';
import { ActivityView } from '../../components/jobs/ActivityView';

export const metadata: Metadata = { title: 'Activity · Glacier Archiver' };

export default function ActivityPage() {
  return (
    <AppShell>
      <ActivityView />
    </AppShell>
  );
}

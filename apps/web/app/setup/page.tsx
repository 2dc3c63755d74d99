import type { Metadata } from 'next';
import { SetupForm } from './SetupForm';

export const metadata: Metadata = { title: 'First start · Glacier Archiver' };

export default function SetupPage() {
  return <SetupForm />;
}

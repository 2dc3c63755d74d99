import type { Metadata } from 'next';
import { LoginForm } from './LoginForm';

export const metadata: Metadata = { title: 'Log in · Glacier Archiver' };

export default function LoginPage() {
  return <LoginForm />;
}

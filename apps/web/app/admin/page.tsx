import { connection } from 'next/server';
import { AdminView } from '../../src/components/AdminView';
import { readRuntimeConfig } from '../../src/lib/runtime-config';

export const metadata = { title: 'Meshboard admin' };

export default async function AdminPage() {
  await connection();
  return <AdminView config={readRuntimeConfig()} />;
}

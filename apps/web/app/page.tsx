import { connection } from 'next/server';
import { HomeView } from '../src/components/HomeView';
import { readRuntimeConfig } from '../src/lib/runtime-config';

export default async function HomePage() {
  // Service URLs come from this server's environment per request, never from the build.
  await connection();
  return <HomeView config={readRuntimeConfig()} />;
}

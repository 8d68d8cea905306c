import type { Metadata } from 'next';
import { connection } from 'next/server';
import { isBoardId } from '@meshboard/protocol';
import { BoardView } from '../../../src/components/BoardView';
import { ErrorScreen } from '../../../src/components/ErrorScreen';
import { readRuntimeConfig } from '../../../src/lib/runtime-config';
import { statePrefetchScript } from '../../../src/lib/state-prefetch';

export const metadata: Metadata = { title: 'Board · Meshboard', referrer: 'no-referrer' };

export default async function BoardPage({ params }: { params: Promise<{ boardId: string }> }) {
  await connection();
  const { boardId } = await params;
  if (!isBoardId(boardId)) {
    return <ErrorScreen title="No such board" message="This address does not name a Meshboard board. Check the link you were given." />;
  }
  // The access token stays in the URL fragment: it never reaches this server. The client reads it.
  const config = readRuntimeConfig();
  return (
    <>
      {/* starts the board's state download while this page's JavaScript loads (src/lib/state-prefetch.ts) */}
      <script dangerouslySetInnerHTML={{ __html: statePrefetchScript(config.storeUrl, boardId) }} />
      <BoardView boardId={boardId} config={config} />
    </>
  );
}

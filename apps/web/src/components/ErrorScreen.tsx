import Link from 'next/link';

export function ErrorScreen({ title, message, onRetry }: { title: string; message: string; onRetry?: () => void }) {
  return (
    <main className="error-screen" data-testid="error-screen" role="alert">
      <div className="card">
        <h1>{title}</h1>
        <p>{message}</p>
        <div className="row">
          {onRetry ? (
            <button type="button" className="btn primary" onClick={onRetry}>
              Try again
            </button>
          ) : null}
          <Link className="btn" href="/">
            Go to your boards
          </Link>
        </div>
      </div>
    </main>
  );
}

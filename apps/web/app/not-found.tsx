import { ErrorScreen } from '../src/components/ErrorScreen';

export default function NotFound() {
  return <ErrorScreen title="Page not found" message="There is nothing at this address." />;
}

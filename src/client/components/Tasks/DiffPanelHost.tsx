// Mounted once at the app's root: the review panel of the task being reviewed, if any. The panel (and the patch
// parsing and highlighting it uses) is its own chunk, fetched the first time someone presses Review.
import { lazy, Suspense } from 'react';
import { useReviewStore } from './reviewStore';

const DiffPanel = lazy(() => import('./DiffPanel').then((m) => ({ default: m.DiffPanel })));

export function DiffPanelHost() {
  const taskId = useReviewStore((s) => s.taskId);
  const close = useReviewStore((s) => s.close);
  if (taskId === null) return null;
  return (
    <Suspense fallback={null}>
      <DiffPanel key={taskId} taskId={taskId} onClose={close} />
    </Suspense>
  );
}

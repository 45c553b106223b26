// Which task's diff is open for review, and what had focus before (it gets focus back when the panel closes).
// A store rather than the card's state: cards live in the virtualized message list and may unmount while open.
import { create } from 'zustand';

interface ReviewState {
  taskId: number | null;
  opener: HTMLElement | null;
  open(taskId: number, opener?: HTMLElement | null): void;
  close(): void;
}

export const useReviewStore = create<ReviewState>((set, get) => ({
  taskId: null,
  opener: null,
  open: (taskId, opener = null) => set({ taskId, opener }),
  close: () => {
    const { taskId, opener } = get();
    set({ taskId: null, opener: null });
    // The opener may have been unmounted meanwhile (list scrolled): then the card's Review button, if shown.
    const target =
      opener?.isConnected === true
        ? opener
        : document.querySelector<HTMLElement>(`[data-task-id="${taskId}"] [data-testid="task-card-review"]`);
    target?.focus();
  },
}));

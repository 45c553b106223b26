// Client state of changing what was said: the message being edited in place, the one asking "delete?", the last
// refusal, and how to reach the server (set by the chat screen).
import { create } from 'zustand';

export interface MessageChangesApi {
  edit(id: number, text: string): Promise<unknown>;
  delete(id: number): Promise<unknown>;
}

export interface EditingState {
  /** The message whose text is being edited in place, or null. */
  editing: number | null;
  /** The message whose delete button asks for confirmation, or null. */
  confirmingDelete: number | null;
  /** Why the last edit or delete of a message was refused. */
  failed: { id: number; error: string } | null;
  api: MessageChangesApi | null;
  startEditing(id: number): void;
  stopEditing(): void;
  askDelete(id: number | null): void;
  setFailed(failed: EditingState['failed']): void;
  setApi(api: MessageChangesApi | null): void;
}

export const useEditingStore = create<EditingState>()((set) => ({
  editing: null,
  confirmingDelete: null,
  failed: null,
  api: null,
  startEditing: (editing) => set({ editing, confirmingDelete: null, failed: null }),
  stopEditing: () => set({ editing: null }),
  askDelete: (confirmingDelete) => set({ confirmingDelete, failed: null }),
  setFailed: (failed) => set({ failed }),
  setApi: (api) => set({ api }),
}));

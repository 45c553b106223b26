// The diff panel's layout, unified or side by side, remembered in this browser.
import { useCallback, useState } from 'react';

export type DiffLayout = 'unified' | 'split';
const KEY = 'ocs.diffLayout';

export function loadDiffLayout(
  storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage,
): DiffLayout {
  try {
    return storage?.getItem(KEY) === 'split' ? 'split' : 'unified';
  } catch {
    // Storage refused (privacy mode): the default.
    return 'unified';
  }
}

export function useDiffLayout(): [DiffLayout, (layout: DiffLayout) => void] {
  const [layout, setLayout] = useState<DiffLayout>(() => loadDiffLayout());
  const change = useCallback((next: DiffLayout) => {
    setLayout(next);
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Not remembered, still applied.
    }
  }, []);
  return [layout, change];
}

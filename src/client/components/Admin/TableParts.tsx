// Pieces the admin tables share: a destructive row action and the row shown when a table is empty.
import type { ButtonHTMLAttributes, ReactNode } from 'react';

/** A small red row action (fire, stop). */
export function DangerButton(props: ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button
      type="button"
      {...props}
      className="rounded px-2 py-0.5 text-red-700 hover:bg-red-50 disabled:opacity-50 dark:text-red-400 dark:hover:bg-red-950"
    />
  );
}

export function EmptyRow({ columns, children }: { columns: number; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={columns} className="py-2 text-slate-500">
        {children}
      </td>
    </tr>
  );
}

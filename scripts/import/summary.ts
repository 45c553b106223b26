// The summary printed after an import (or a dry run, or a refusal): counts, reasons, what did not come over.
import type { Counts, ImportReport } from './importer';

const n = (value: number) => value.toLocaleString('en');

function line(label: string, c: Counts): string {
  const parts = [`${n(c.imported)} imported`, `${n(c.duplicates)} skipped as duplicates`];
  if (c.skipped > 0) parts.push(`${n(c.skipped)} skipped`);
  parts.push(`${n(c.refused)} refused`);
  return `  ${label} ${n(c.total)} in the original: ${parts.join(', ')}`;
}

export function formatSummary(report: ImportReport, dryRun: boolean): string[] {
  const out = [
    dryRun ? 'Dry run (nothing was written); a real run would give:' : 'Import summary:',
    line('employees:', report.employees),
    line('messages: ', report.messages),
  ];
  const { linked, notFound } = report.replies;
  if (linked + notFound > 0) {
    out.push(
      `  replies:   ${n(linked)} linked to the new ids${notFound > 0 ? `, ${n(notFound)} whose original is gone (kept without the link)` : ''}`,
    );
  }
  if (report.conversations.length > 0) {
    const shown = report.conversations.slice(0, 5).join(', ');
    const more = report.conversations.length > 5 ? ', …' : '';
    out.push(
      `  conversations: ${n(report.conversations.length)} (${shown}${more}) went into the one conversation (channels do not exist yet; the original conversation is kept in import_map)`,
    );
  }
  const listed = (title: string, problems: ImportReport['refused'], total: number) => {
    if (total === 0) return;
    out.push(`  ${title}:`);
    for (const p of problems) out.push(`    ${p.what}: ${p.reason}`);
    if (total > problems.length) out.push(`    … and ${n(total - problems.length)} more`);
  };
  listed('refused', report.refused, report.employees.refused + report.messages.refused);
  listed('skipped', report.skipped, report.employees.skipped + report.messages.skipped);
  for (const [one, many, work] of [
    ['file lock still held', 'file locks still held', report.fileLocks],
    ['file request still pending', 'file requests still pending', report.fileRequests],
  ] as const) {
    if (work.count === 0) continue;
    const more = work.count > work.examples.length ? ', …' : '';
    out.push(
      `  not imported: ${n(work.count)} ${work.count === 1 ? one : many} (${work.examples.join(', ')}${more}); this project has no file locks`,
    );
  }
  return out;
}

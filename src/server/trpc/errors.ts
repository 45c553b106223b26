// One human-readable message per error, for tRPC clients and the REST routes alike.
import type { TRPCError } from '@trpc/server';
import { type core, ZodError } from 'zod';
import { DomainError } from '../domain-error';

/**
 * Input validation errors read "text: Message text is empty" instead of a JSON dump of zod issues: one sentence per
 * field (its first issue: a one-letter name fails several checks, and one fix message is what a person needs), and
 * no "name: name must…" when the message already names the field.
 */
export function humanMessage(error: TRPCError): string {
  if (!(error.cause instanceof ZodError)) return error.message;
  const byField = new Map<string, string>();
  for (const issue of error.cause.issues) {
    const field = issue.path.map(String).join('.');
    if (!byField.has(field)) byField.set(field, issueSentence(issue));
  }
  return [...byField.values()].join('; ');
}

function issueSentence(issue: core.$ZodIssue): string {
  const last = issue.path[issue.path.length - 1];
  if (last === undefined) return issue.message;
  const field = issue.path.map(String).join('.');
  // "name must be…", "replyTo: …", "text is empty" already say which field they are about.
  const named = new RegExp(`^(${escapeRegExp(field)}|${escapeRegExp(String(last))})\\b`, 'i');
  return named.test(issue.message) ? issue.message : `${field}: ${issue.message}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function errorData(error: TRPCError): Record<string, unknown> {
  return error.cause instanceof DomainError ? error.cause.data : {};
}

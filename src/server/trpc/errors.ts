// One human-readable message per error, for tRPC clients and the REST routes alike.
import type { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { ChatError } from '../hub/errors';

/** Input validation errors read "text: Message text is empty…" instead of a JSON dump of zod issues. */
export function humanMessage(error: TRPCError): string {
  if (error.cause instanceof ZodError) {
    return error.cause.issues
      .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ');
  }
  return error.message;
}

export function errorData(error: TRPCError): Record<string, unknown> {
  return error.cause instanceof ChatError ? error.cause.data : {};
}

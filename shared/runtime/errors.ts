import type { z } from 'zod';
import { EmbeddedStartError } from '../db/embedded/launcher.js';
import { DatabaseUnavailableError, isConnectionError } from '../db/resilient-pool.js';
import { ToolInputError } from './define-tool.js';

/**
 * Turns anything a handler throws into a message the caller can act on. Never a stack trace; never a secret.
 */
export interface CallerMessage {
  message: string;
  /** Whether the caller's input was at fault (vs. Sophia or a dependency). */
  callerFault: boolean;
}

export function formatZodIssues(toolName: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(arguments)';
    if (issue.code === 'unrecognized_keys') {
      return `- ${issue.keys.map((k) => `\`${k}\``).join(', ')}: not an argument of ${toolName}; remove it`;
    }
    return `- \`${path}\`: ${issue.message}`;
  });
  return `Invalid arguments for ${toolName}:\n${lines.join('\n')}\nFix these arguments and call ${toolName} again (the tool's input schema lists every argument).`;
}

export function toCallerMessage(toolName: string, err: unknown): CallerMessage {
  if (err instanceof ToolInputError) return { message: err.message, callerFault: true };
  if (err instanceof DatabaseUnavailableError || err instanceof EmbeddedStartError) {
    return {
      message: `${toolName} could not reach the database: ${err.message} Retry in a moment.`,
      callerFault: false,
    };
  }
  if (isConnectionError(err)) {
    return {
      message: `${toolName} lost its database connection while working. The connection is re-established automatically; call ${toolName} again.`,
      callerFault: false,
    };
  }
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (code === '57014') {
      return {
        message: `${toolName} took too long and was cancelled; narrow the request (filters, a smaller limit).`,
        callerFault: false,
      };
    }
    return {
      message: `${toolName} failed in the database (SQLSTATE ${code}): ${message}`,
      callerFault: false,
    };
  }
  return {
    message: `${toolName} failed: ${message}. This is an error in Sophia, not in your request; the server log has the details.`,
    callerFault: false,
  };
}

/**
 * The class of an error, for the audit log: names and codes only, never the message (which can echo the
 * caller's arguments, e.g. a secret in a document path).
 */
export function errorClassOf(err: unknown): string {
  if (err instanceof ToolInputError) return `input:${err.name}`;
  if (err instanceof DatabaseUnavailableError || err instanceof EmbeddedStartError)
    return 'database_unavailable';
  if (isConnectionError(err)) return 'connection_lost';
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `sqlstate:${code}`;
  const name = err instanceof Error ? err.name : typeof err;
  return `internal:${/^[A-Za-z0-9_$]{1,60}$/.test(name) ? name : 'Error'}`;
}

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

/** `null`, `an array`, `a string`, ...: for messages about a value of the wrong JSON type. */
export function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** A string argument PostgreSQL cannot store or compare: a NUL character or an unpaired UTF-16 surrogate. */
export interface UnstorableText {
  path: string;
  problem: 'nul' | 'surrogate';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first string (or object key) in `value` that the database would reject (22021 / 22P02), if any. */
export function findUnstorableText(value: unknown, path = ''): UnstorableText | undefined {
  const check = (s: string, at: string): UnstorableText | undefined => {
    if (s.includes('\u0000')) return { path: at || '(arguments)', problem: 'nul' };
    if (LONE_SURROGATE.test(s)) return { path: at || '(arguments)', problem: 'surrogate' };
    return undefined;
  };
  if (typeof value === 'string') return check(value, path);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableText(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      const found = check(key, at) ?? findUnstorableText(v, at);
      if (found) return found;
    }
  }
  return undefined;
}

export function formatUnstorableText(toolName: string, found: UnstorableText): string {
  const what =
    found.problem === 'nul'
      ? 'contains a NUL character (\\u0000), which text cannot hold'
      : 'contains an unpaired UTF-16 surrogate (half of an emoji or other character), which is not valid Unicode';
  return `Invalid arguments for ${toolName}:\n- \`${found.path}\`: ${what}; remove it and call ${toolName} again.`;
}

/** SQLSTATEs for a value the database cannot take as text: the caller's input, not a server fault. */
const BAD_TEXT_CODES = new Set(['22021', '22P02', '22P05', '22001']);

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
    if (BAD_TEXT_CODES.has(code)) {
      return {
        message: `${toolName} got a value the database cannot accept (SQLSTATE ${code}): check the arguments for control characters, invalid Unicode or values of the wrong form, and call ${toolName} again.`,
        callerFault: true,
      };
    }
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

import type { z } from 'zod';
import type { DiffFile } from '../diff/diff-types.js';

/**
 * A rule is a pure function from a change set to findings. Each has a stable id (`area/what`) that
 * `.sophia-review.yml` uses to switch it off, change its severity or ignore paths for it.
 */
export type Severity = 'error' | 'warning' | 'info';

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export interface Finding {
  ruleId: string;
  severity: Severity;
  path: string;
  /** First line of the finding on `side`; absent for file-level or change-level findings. */
  line?: number;
  endLine?: number;
  /** RIGHT: a line of the new version; LEFT: a line the change removed. */
  side: 'RIGHT' | 'LEFT';
  message: string;
  /** The offending text, shortened; secrets are masked. */
  evidence?: string;
  /** The law, regulation or standard behind the rule, when there is one. */
  cite?: string;
}

export interface RuleInput {
  files: DiffFile[];
  /** Whether residents, prospects or customers read this file (built-in paths plus the repository's globs). */
  isUserFacing(path: string): boolean;
}

export interface Rule<O extends z.ZodType = z.ZodType> {
  id: string;
  title: string;
  /** One or two sentences on what it catches and what it leaves alone. */
  description: string;
  defaultSeverity: Severity;
  /** Options settable under `rules.<id>` in .sophia-review.yml (thresholds), with their defaults. */
  options?: O;
  check(input: RuleInput, options: z.infer<O>): Finding[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any>;

export function defineRule<O extends z.ZodType>(rule: Rule<O>): Rule<O> {
  if (!/^[a-z]+\/[a-z0-9-]+$/.test(rule.id)) throw new Error(`rule id '${rule.id}' must look like area/name`);
  return rule;
}

/** Shortens evidence to one readable line. */
export function excerpt(text: string, max = 160): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

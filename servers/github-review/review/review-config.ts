import picomatch from 'picomatch';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { ALL_RULES, RULE_IDS } from '../rules/all-rules.js';
import type { AnyRule, Severity } from '../rules/rule-types.js';

/**
 * Per-repository review settings, from `.sophia-review.yml` at the repository root:
 *
 *   enable: [secrets/*, compliance/*]   # run only these (default: every rule); `area/*` selects an area
 *   disable: [tests/missing]            # switch these off
 *   severity: { deps/lockfile-missing: error }
 *   ignore: [vendor/**, "**\/*.snap"]    # paths no rule looks at
 *   userFacing: [app/views/**]          # more paths whose text residents and prospects read
 *   rules:
 *     tests/missing: { minSourceLines: 20, ignore: [scripts/**] }
 *     files/large: { maxLines: 2000 }
 *
 * Mistakes (unknown rule ids, wrong types, bad YAML) are errors that name the file and the key: a review
 * never silently runs with settings other than the ones written.
 */
export const CONFIG_FILE = '.sophia-review.yml';

export class ReviewConfigError extends Error {
  override name = 'ReviewConfigError';
}

const severity = z.enum(['error', 'warning', 'info']);
const globs = z.array(z.string().min(1)).default([]);

const fileSchema = z
  .object({
    enable: z.array(z.string()).optional(),
    disable: z.array(z.string()).default([]),
    severity: z.record(z.string(), severity).default({}),
    ignore: globs,
    userFacing: globs,
    rules: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  })
  .strict();

export interface RuleSettings {
  rule: AnyRule;
  enabled: boolean;
  severity: Severity | undefined;
  options: unknown;
  ignored(path: string): boolean;
}

export interface ReviewConfig {
  /** Where the settings came from: the file, or `defaults`. */
  origin: string;
  rules: RuleSettings[];
  ignored(path: string): boolean;
  userFacing(path: string): boolean;
}

function selector(pattern: string, where: string): (id: string) => boolean {
  if (pattern.endsWith('/*')) {
    const area = pattern.slice(0, -1);
    if (!RULE_IDS.some((id) => id.startsWith(area)))
      throw new ReviewConfigError(`${where}: no rule in area '${pattern}' (rules: ${RULE_IDS.join(', ')})`);
    return (id) => id.startsWith(area);
  }
  if (!RULE_IDS.includes(pattern))
    throw new ReviewConfigError(`${where}: unknown rule '${pattern}' (rules: ${RULE_IDS.join(', ')})`);
  return (id) => id === pattern;
}

function matcher(patterns: string[]): (path: string) => boolean {
  if (!patterns.length) return () => false;
  const m = picomatch(patterns, { dot: true });
  return (path) => m(path);
}

/** Builds the settings from the file's text (undefined: no file, defaults). */
export function parseReviewConfig(text: string | undefined, origin = CONFIG_FILE): ReviewConfig {
  let raw: unknown = {};
  if (text !== undefined && text.trim()) {
    try {
      raw = parseYaml(text) ?? {};
    } catch (err) {
      const where = err instanceof YAMLParseError && err.linePos ? ` line ${err.linePos[0].line}` : '';
      throw new ReviewConfigError(
        `${origin}${where}: not valid YAML (${(err as Error).message.split('\n')[0]})`,
      );
    }
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.') || '(top level)';
    const hint =
      issue.code === 'unrecognized_keys'
        ? ' (allowed: enable, disable, severity, ignore, userFacing, rules)'
        : '';
    throw new ReviewConfigError(`${origin}: ${key}: ${issue.message}${hint}`);
  }
  const cfg = parsed.data;
  const enabled = cfg.enable ? cfg.enable.map((p) => selector(p, `${origin}: enable`)) : undefined;
  const disabled = cfg.disable.map((p) => selector(p, `${origin}: disable`));
  for (const id of Object.keys(cfg.severity)) selector(id, `${origin}: severity`);
  for (const id of Object.keys(cfg.rules)) selector(id, `${origin}: rules`);

  const rules = ALL_RULES.map((rule): RuleSettings => {
    const own = { ...(cfg.rules[rule.id] ?? {}) };
    const ignore = own.ignore;
    delete own.ignore;
    if (ignore !== undefined && !(Array.isArray(ignore) && ignore.every((g) => typeof g === 'string'))) {
      throw new ReviewConfigError(`${origin}: rules.${rule.id}.ignore: expected a list of path globs`);
    }
    let options: unknown = undefined;
    if (rule.options) {
      const o = rule.options.safeParse(own);
      if (!o.success) {
        const issue = o.error.issues[0]!;
        throw new ReviewConfigError(`${origin}: rules.${rule.id}.${issue.path.join('.')}: ${issue.message}`);
      }
      const known = Object.keys((rule.options as z.ZodObject).shape ?? {});
      const unknown = Object.keys(own).filter((k) => !known.includes(k));
      if (unknown.length)
        throw new ReviewConfigError(
          `${origin}: rules.${rule.id}: unknown option '${unknown[0]}' (options: ${known.join(', ')}, ignore)`,
        );
      options = o.data;
    } else if (Object.keys(own).length) {
      throw new ReviewConfigError(`${origin}: rules.${rule.id}: this rule has no options other than ignore`);
    }
    const on = (enabled ? enabled.some((s) => s(rule.id)) : true) && !disabled.some((s) => s(rule.id));
    return {
      rule,
      enabled: on,
      severity: cfg.severity[rule.id],
      options,
      ignored: matcher((ignore as string[] | undefined) ?? []),
    };
  });
  return {
    origin: text === undefined ? 'defaults' : origin,
    rules,
    ignored: matcher(cfg.ignore),
    userFacing: matcher(cfg.userFacing),
  };
}

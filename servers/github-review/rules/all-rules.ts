import { fdcpaDisclosureRule, fdcpaThreatRule } from './debt-collection.js';
import { dependencyLockfileRule } from './dependency-lockfile.js';
import { fairHousingRule } from './fair-housing.js';
import { generatedFilesRule, largeFilesRule } from './large-generated-files.js';
import { piiInLogsRule } from './pii-in-logs.js';
import type { AnyRule } from './rule-types.js';
import { secretsRule } from './secrets.js';
import { sqlStringBuiltRule } from './sql-string-built.js';
import { testsMissingRule } from './tests-missing.js';
import { unsafeExecRule } from './unsafe-exec.js';

/** Every rule, in the order reviews list them. */
export const ALL_RULES: AnyRule[] = [
  secretsRule,
  piiInLogsRule,
  sqlStringBuiltRule,
  unsafeExecRule,
  dependencyLockfileRule,
  testsMissingRule,
  largeFilesRule,
  generatedFilesRule,
  fairHousingRule,
  fdcpaThreatRule,
  fdcpaDisclosureRule,
];

export const RULE_IDS = ALL_RULES.map((r) => r.id);

import type { HealthComponent } from './component.js';
import { engagement } from './engagement.js';
import { momentum } from './momentum.js';
import { satisfaction } from './satisfaction.js';
import { support } from './support.js';

/** The health components and their weights (they add up to 1). */
export const HEALTH_COMPONENTS: readonly HealthComponent[] = [engagement, satisfaction, support, momentum];

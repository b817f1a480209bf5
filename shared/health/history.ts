/**
 * What health scoring and the churn model know about one resolved account: its profile and every dated
 * event, as plain data. Loaded once from the database (`load-histories.ts`); features for any date are then
 * computed from it by pure functions, so a score or a training snapshot "as of" a date only sees what had
 * happened by then.
 */
export const DAY_MS = 86_400_000;

export interface AccountProfile {
  /** The resolved account: its canonical accounts row. */
  id: string;
  name: string;
  status: string | null;
  churnedAt: number | null;
  region: string | null;
  state: string | null;
  units: number | null;
  ownerUserId: string | null;
}

/** One touchpoint: a Gong call, a CRM activity (call, email, meeting, note, task, case), a Slack message. */
export interface Touch {
  at: number;
  /** gong_call, call, email, meeting, note, task, case, slack. */
  kind: string;
  source: string;
}

/** A derived signal (interaction_signals): sentiment of a call, a Slack message naming the account, a case. */
export interface SignalEvent {
  at: number;
  kind: 'call' | 'slack' | 'case';
  itemId: string;
  sentiment: number | null;
  negative: boolean;
  escalation: boolean;
  evidence: string | null;
}

export interface OpportunityEvent {
  id: string;
  /** Close date (expected for open ones); null when unknown. */
  closeAt: number | null;
  isClosed: boolean;
  isWon: boolean;
  amount: number;
  type: string | null;
  name: string | null;
}

export interface AccountHistory {
  account: AccountProfile;
  /** Sorted by time. */
  touches: Touch[];
  signals: SignalEvent[];
  opportunities: OpportunityEvent[];
}

/** A customer at `asOf`: it had won a deal by then and had not churned yet. */
export function isCustomerAt(h: AccountHistory, asOf: number): boolean {
  if (h.account.churnedAt !== null && h.account.churnedAt <= asOf) return false;
  return h.opportunities.some((o) => o.isWon && o.closeAt !== null && o.closeAt <= asOf);
}

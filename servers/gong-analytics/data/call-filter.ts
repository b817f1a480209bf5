import { sql, type RawBuilder } from 'kysely';
import { stageKey } from '../format.js';
import type { ObjectionType } from '../inputs.js';
import { dateRange } from '../../../shared/time/period.js';
import { resolveAccount, resolveCalls, resolveRep, type Rep, type Trx } from './resolve.js';

/**
 * The call filters several tools share (rep, account, dates, deal stage and outcome, tracker, objection
 * type, competitor), resolved once to ids and turned into one SQL condition over `calls c` (with the call's
 * deal `o`, left-joined by `dealJoin`). Everything is parameterised.
 */
export interface CallFilterArgs {
  rep?: string | undefined;
  account?: string | undefined;
  period?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  dealStage?: string | undefined;
  outcome?: 'won' | 'lost' | 'open' | undefined;
  tracker?: string | undefined;
  objectionType?: ObjectionType | undefined;
  competitor?: string | undefined;
  callIds?: string[] | undefined;
}

export interface ResolvedFilter {
  rep: Rep | null;
  accountName: string | null;
  accountIds: string[] | null;
  callUuids: string[] | null;
  range: { from: Date | null; to: Date | null; label: string };
  args: CallFilterArgs;
  /** Words describing the filter, for the answer's header. */
  description: string;
}

export async function resolveFilter(trx: Trx, args: CallFilterArgs): Promise<ResolvedFilter> {
  const range = dateRange(args);
  const rep = args.rep ? await resolveRep(trx, args.rep) : null;
  const account = args.account ? await resolveAccount(trx, args.account) : null;
  const calls = args.callIds?.length ? await resolveCalls(trx, args.callIds) : null;
  const parts = [
    rep ? `rep ${rep.name}` : '',
    account ? `account ${account.name}` : '',
    range.label !== 'all time' ? range.label : '',
    args.dealStage ? `deal stage ${args.dealStage}` : '',
    args.outcome ? `deal ${args.outcome}` : '',
    args.tracker ? `tracker "${args.tracker}"` : '',
    args.objectionType ? `${args.objectionType} objection` : '',
    args.competitor ? `competitor ${args.competitor}` : '',
    calls ? `${calls.length} call(s)` : '',
  ].filter(Boolean);
  return {
    rep,
    accountName: account?.name ?? null,
    accountIds: account?.ids ?? null,
    callUuids: calls?.map((c) => c.id) ?? null,
    range,
    args,
    description: parts.length ? parts.join(', ') : 'all calls',
  };
}

/** `left join opportunities o on o.id = c.opportunity_id` */
export const dealJoin = sql`left join opportunities o on o.id = c.opportunity_id`;

/** SQL for a deal's outcome: won, lost or open (null without a deal). */
export const outcomeSql = sql<
  string | null
>`case when o.id is null then null when o.is_won then 'won' when o.is_closed then 'lost' else 'open' end`;

/** The conditions over `c` (calls) and `o` (its deal). Always at least `true`. */
export function filterSql(f: ResolvedFilter): RawBuilder<boolean> {
  const parts: RawBuilder<unknown>[] = [];
  if (f.callUuids) parts.push(sql`c.id = any(${f.callUuids}::uuid[])`);
  if (f.rep) parts.push(sql`c.primary_user_id = any(${f.rep.userIds}::uuid[])`);
  if (f.accountIds) parts.push(sql`c.account_id = any(${f.accountIds}::uuid[])`);
  if (f.range.from) parts.push(sql`c.started_at >= ${f.range.from}`);
  if (f.range.to) parts.push(sql`c.started_at < ${f.range.to}`);
  if (f.args.dealStage)
    parts.push(sql`regexp_replace(lower(o.stage), '[^a-z0-9]', '', 'g') = ${stageKey(f.args.dealStage)}`);
  if (f.args.outcome === 'won') parts.push(sql`o.is_won`);
  if (f.args.outcome === 'lost') parts.push(sql`(o.is_closed and not o.is_won)`);
  if (f.args.outcome === 'open') parts.push(sql`(o.id is not null and not o.is_closed)`);
  if (f.args.tracker)
    parts.push(
      sql`exists (select 1 from tracker_hits th where th.call_id = c.id and lower(th.tracker) = ${f.args.tracker.toLowerCase()})`,
    );
  if (f.args.objectionType)
    parts.push(
      sql`exists (select 1 from objection_episodes oe where oe.call_id = c.id and oe.type = ${f.args.objectionType})`,
    );
  if (f.args.competitor)
    parts.push(
      sql`exists (select 1 from competitor_mentions cm where cm.call_id = c.id and lower(cm.competitor) = ${f.args.competitor.toLowerCase()})`,
    );
  return parts.length ? sql<boolean>`${sql.join(parts, sql` and `)}` : sql<boolean>`true`;
}

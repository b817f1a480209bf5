import { z } from 'zod';
import { defineTool, ToolInputError } from '../../../shared/runtime/define-tool.js';
import { callMetrics, callRep, repSums } from '../data/metrics.js';
import { resolveCall, resolveRep } from '../data/resolve.js';
import { callCitation, RESPONSE_TOKENS, round, takeWithin } from '../format.js';
import { callIdInput, dateInput, periodInput, repInput } from '../inputs.js';
import { dateRange, parsePeriod, periodOf } from '../../../shared/time/period.js';
import { medianOfReps, METRICS, renderStatsTable, statsOf, type RepSums, type Stats } from '../stats.js';

const statsOut = z.object({
  calls: z.number().int(),
  talkRatio: z.number().nullable().describe('Rep talk time / all talk time, 0-1'),
  longestMonologueSeconds: z.number().nullable(),
  longestCustomerStorySeconds: z.number().nullable(),
  interactivity: z.number().nullable().describe('0-10'),
  patienceSeconds: z.number().nullable(),
  questionRate: z.number().nullable().describe('Rep questions per hour'),
});

export const callStats = defineTool({
  name: 'call_stats',
  title: 'Interaction stats',
  toolset: 'calls',
  description: `Gong-style interaction stats (talk ratio 0-1, longest monologue, longest customer story, interactivity, patience, question rate) for one call (callId), a rep, a team, or everyone, over a period, with the team median (median rep) beside them. Sales calls only.`,
  input: {
    callId: callIdInput.optional(),
    rep: repInput.optional(),
    team: z.string().trim().max(100).optional().describe('e.g. "Sales"'),
    period: periodInput.optional(),
    from: dateInput('from').optional(),
    to: dateInput('to').optional(),
  },
  output: {
    subject: z.object({ kind: z.enum(['call', 'rep', 'team', 'everyone']), name: z.string() }),
    period: z.string(),
    talkRatio: z.number().nullable().describe('Of the subject, 0-1'),
    longestMonologueSeconds: z.number().nullable(),
    stats: statsOut,
    team: z.string().nullable(),
    teamMedian: statsOut.nullable().describe("Median rep of the subject's team (calls = reps)"),
    reps: z
      .array(z.object({ name: z.string(), team: z.string().nullable(), stats: statsOut }))
      .describe('Per rep (team/everyone)'),
    citation: z.string(),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(args, ctx) {
    const subjects = [args.callId, args.rep, args.team].filter(Boolean).length;
    if (subjects > 1)
      throw new ToolInputError('Give one of callId, rep or team (or none for everyone), not several.');
    if (args.callId && (args.period || args.from || args.to))
      throw new ToolInputError(
        'A period does not apply to one call: drop period/from/to, or ask for a rep over a period.',
      );
    const db = await ctx.database();
    const r = await db.withTenant(
      ctx.tenant,
      async (trx) => {
        if (args.callId) {
          const ref = await resolveCall(trx, args.callId);
          const m = await callMetrics(trx, ref.id);
          if (!m)
            throw new ToolInputError(
              `Call ${ref.callId} has not been analysed yet: run \`sophia analyze\`, then ask again.`,
            );
          const rep = await callRep(trx, ref.id);
          const quarter = parsePeriod(periodOf(ref.startedAt, 'quarter'));
          const all = await repSums(trx, quarter);
          const stats: Stats = {
            calls: 1,
            ...Object.fromEntries(METRICS.map((k) => [k, round(m[k], k === 'talkRatio' ? 3 : 2)])),
          } as Stats;
          return {
            kind: 'call' as const,
            name: `gong call ${ref.callId}`,
            label: quarter.label,
            stats,
            team: rep?.team ?? null,
            peers: all,
            members: [] as RepSums[],
            callId: ref.callId,
            repName: rep?.name,
          };
        }
        const range = dateRange(args);
        const all = await repSums(trx, range);
        if (args.rep) {
          const rep = await resolveRep(trx, args.rep);
          const mine = all.filter((g) => g.key === rep.key);
          return {
            kind: 'rep' as const,
            name: rep.name,
            label: range.label,
            stats: statsOf(mine),
            team: rep.team,
            peers: all,
            members: mine,
          };
        }
        if (args.team) {
          const teams = [...new Set(all.map((g) => g.team).filter((t): t is string => !!t))];
          const team = teams.find((t) => t.toLowerCase() === args.team!.toLowerCase());
          if (!team)
            throw new ToolInputError(
              `No team '${args.team}' has analysed calls${range.label !== 'all time' ? ` in ${range.label}` : ''}. Teams: ${teams.sort().join(', ') || 'none'}.`,
            );
          const members = all.filter((g) => g.team === team);
          return {
            kind: 'team' as const,
            name: team,
            label: range.label,
            stats: statsOf(members),
            team,
            peers: all,
            members,
          };
        }
        return {
          kind: 'everyone' as const,
          name: 'everyone',
          label: range.label,
          stats: statsOf(all),
          team: null,
          peers: all,
          members: all,
        };
      },
      { readOnly: true },
    );
    const teamPeers = r.team ? r.peers.filter((g) => g.team === r.team) : r.peers;
    const teamMedian = r.peers.length ? medianOfReps(teamPeers) : null;
    const reps =
      r.kind === 'team' || r.kind === 'everyone' ? [...r.members].sort((a, b) => b.calls - a.calls) : [];
    const repRow = (g: RepSums) => ({ name: g.name, team: g.team, stats: statsOf([g]) });
    const picked = takeWithin(reps, (g) => `| ${g.name} |`.padEnd(120), repRow, RESPONSE_TOKENS - 900);
    const citation =
      'callId' in r && r.callId
        ? callCitation(r.callId)
        : `call_metrics of ${r.stats.calls} sales call(s), ${r.label} (Sophia analysis of Gong transcripts)`;
    const rows = [
      { label: r.name, stats: r.stats },
      ...(teamMedian ? [{ label: `median rep${r.team ? ` (${r.team})` : ''}`, stats: teamMedian }] : []),
      ...picked.structured.map((p) => ({ label: p.name, stats: p.stats })),
    ];
    const head =
      r.stats.calls === 0
        ? `No analysed sales calls for ${r.name} in ${r.label}. Run \`sophia analyze\` if calls were ingested, or widen the period.`
        : `Interaction stats, ${r.name}${'repName' in r && r.repName ? ` (rep ${r.repName})` : ''}, ${r.label}:`;
    return {
      structured: {
        subject: { kind: r.kind, name: r.name },
        period: r.label,
        talkRatio: r.stats.talkRatio,
        longestMonologueSeconds: r.stats.longestMonologueSeconds,
        stats: r.stats,
        team: r.team,
        teamMedian,
        reps: picked.structured,
        citation,
      },
      text: `${head}\n${renderStatsTable(rows)}${picked.omitted ? `\n(${picked.omitted} more reps not shown)` : ''}\nSource: ${citation}. Gong Labs: top reps talk about 43%; win rates fall above about 65%.`,
    };
  },
});

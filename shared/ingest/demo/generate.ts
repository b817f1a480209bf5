import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { buildCall } from './call.js';
import { DEMO_SOURCES, salesforceCases, slackWorkspace, sourceLines, type DemoSource } from './sources.js';
import { DAY, localTime } from './time.js';
import { buildWorld, STYLES, type World, type WorldOptions } from './world.js';

/**
 * The demo world as files: one AirbyteMessage JSON-lines file per source (`gong.jsonl`, `salesforce.jsonl`,
 * `hubspot.jsonl`, `slack.jsonl`) and `ground-truth.json` with everything that was planted, written
 * incrementally (a 13,069-call world never sits in memory as text).
 */

export const DEFAULT_DEMO_CALLS = 400;
export const DEFAULT_DEMO_SEED = 'payready';
/** A STATE message after this many records of a stream. */
export const STATE_EVERY = 500;

export interface GeneratedWorld {
  world: World;
  /** AirbyteMessage lines of a source, generated lazily. */
  lines(source: DemoSource): Generator<string>;
  /** The ground-truth JSON document, in chunks, generated lazily. */
  groundTruth(): Generator<string>;
}

/** The seeded world and lazy generators for its files: the pure core of `sophia demo`. */
export function generateWorld(options: WorldOptions & { stateEvery?: number }): GeneratedWorld {
  const world = buildWorld(options);
  const stateEvery = options.stateEvery ?? STATE_EVERY;
  return {
    world,
    lines: (source) => sourceLines(world, source, stateEvery),
    groundTruth: () => groundTruthChunks(world),
  };
}

export interface WrittenWorld {
  dir: string;
  files: Record<DemoSource, string>;
  groundTruthFile: string;
  lines: Record<DemoSource, number>;
  bytes: Record<DemoSource, number>;
  world: World;
}

async function writeAll(
  stream: WriteStream,
  chunks: Iterable<string>,
  newline: boolean,
): Promise<{ lines: number; bytes: number }> {
  let lines = 0;
  let bytes = 0;
  let buffer = '';
  for (const chunk of chunks) {
    buffer += newline ? `${chunk}\n` : chunk;
    lines++;
    if (buffer.length >= 1 << 16) {
      bytes += Buffer.byteLength(buffer);
      if (!stream.write(buffer)) await once(stream, 'drain');
      buffer = '';
    }
  }
  if (buffer) {
    bytes += Buffer.byteLength(buffer);
    stream.write(buffer);
  }
  stream.end();
  await once(stream, 'finish');
  return { lines, bytes };
}

/** Writes the world's files into `dir` (created if needed); `onProgress` gets a line per finished file. */
export async function writeWorld(
  dir: string,
  options: WorldOptions & { stateEvery?: number; onProgress?: (message: string) => void },
): Promise<WrittenWorld> {
  mkdirSync(dir, { recursive: true });
  const generated = generateWorld(options);
  const files = {} as Record<DemoSource, string>;
  const lines = {} as Record<DemoSource, number>;
  const bytes = {} as Record<DemoSource, number>;
  for (const source of DEMO_SOURCES) {
    const file = join(dir, `${source}.jsonl`);
    const started = Date.now();
    const result = await writeAll(createWriteStream(file), generated.lines(source), true);
    files[source] = file;
    lines[source] = result.lines;
    bytes[source] = result.bytes;
    options.onProgress?.(
      `generated ${source}.jsonl: ${result.lines} messages, ${(result.bytes / 1e6).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
  }
  const groundTruthFile = join(dir, 'ground-truth.json');
  await writeAll(createWriteStream(groundTruthFile), generated.groundTruth(), false);
  options.onProgress?.(`wrote ground truth to ${groundTruthFile}`);
  return { dir, files, groundTruthFile, lines, bytes, world: generated.world };
}

/** The ground truth as JSON text chunks: summary, people and clusters, churners, violations, then per-call truth. */
export function* groundTruthChunks(world: World): Generator<string> {
  const reps = world.reps.map((r) => ({
    name: r.name,
    email: r.email,
    role: r.role,
    style: r.style,
    styleDescription: STYLES[r.style]!.name,
    talkShareTarget: STYLES[r.style]!.talkShare,
    questionRateTarget: STYLES[r.style]!.questionRate,
    ids: {
      gongUserId: r.gongUserId,
      salesforceUserId: r.sfUserId,
      hubspotOwnerId: r.hubspotOwnerId,
      hubspotUserId: r.hubspotUserId,
      slackUserId: r.slackUserId,
    },
  }));
  const slack = slackWorkspace(world);
  const slackByContact = new Map(slack.users.filter((u) => u.contactKey).map((u) => [u.contactKey!, u]));
  const gongAppearances = new Map<string, number>();
  for (const c of world.calls)
    for (const k of c.contactKeys) gongAppearances.set(k, (gongAppearances.get(k) ?? 0) + 1);

  const identityClusters: unknown[] = [];
  for (const r of world.reps) {
    const members: unknown[] = [
      { source: 'gong', stream: 'users', id: r.gongUserId },
      { source: 'salesforce', stream: 'User', id: r.sfUserId },
      { source: 'slack', stream: 'users', id: r.slackUserId, emailVisible: r.slackHasEmail },
    ];
    if (r.role !== 'Collections Specialist')
      members.push({ source: 'hubspot', stream: 'owners', id: r.hubspotOwnerId });
    identityClusters.push({ kind: 'person', role: 'employee', name: r.name, email: r.email, members });
  }
  for (const a of world.accounts) {
    for (const c of a.contacts) {
      const members: unknown[] = [{ source: 'salesforce', stream: 'Contact', id: c.sfContactId }];
      if (c.hubspotContactId) members.push({ source: 'hubspot', stream: 'contacts', id: c.hubspotContactId });
      const calls = gongAppearances.get(c.key) ?? 0;
      if (calls)
        members.push({
          source: 'gong',
          stream: 'extensiveCalls',
          as: 'parties[].emailAddress',
          emailAsSpelled: c.gongEmail,
          calls,
        });
      const su = slackByContact.get(c.key);
      if (su) members.push({ source: 'slack', stream: 'users', id: su.id, emailVisible: !!su.email });
      identityClusters.push({
        kind: 'person',
        role: 'customer contact',
        name: c.name,
        email: c.email,
        account: a.name,
        members,
      });
    }
    const members: unknown[] = [{ source: 'salesforce', stream: 'Account', id: a.sfId }];
    if (a.hubspotCompanyId) members.push({ source: 'hubspot', stream: 'companies', id: a.hubspotCompanyId });
    identityClusters.push({ kind: 'account', name: a.name, domain: a.domain, members });
  }
  for (const l of world.leads) {
    const members: unknown[] = [{ source: 'salesforce', stream: 'Lead', id: l.sfLeadId }];
    if (l.hubspotContactId) members.push({ source: 'hubspot', stream: 'contacts', id: l.hubspotContactId });
    identityClusters.push({ kind: 'person', role: 'lead', name: l.name, email: l.email, members });
  }

  const cases = salesforceCases(world);
  const churners = world.accounts
    .filter((a) => a.status === 'churned')
    .map((a) => {
      const calls = world.calls.filter((c) => c.accountKey === a.key && c.kind !== 'collection');
      const last90 = calls.filter((c) => c.started > a.churnedAt! - 90 * DAY).length;
      const prior90 = calls.filter(
        (c) => c.started > a.churnedAt! - 180 * DAY && c.started <= a.churnedAt! - 90 * DAY,
      ).length;
      return {
        account: a.name,
        salesforceAccountId: a.sfId,
        hubspotCompanyId: a.hubspotCompanyId,
        domain: a.domain,
        churnDate: new Date(a.churnedAt!).toISOString().slice(0, 10),
        renewalOpportunityId: a.opportunities.find((o) => o.type === 'Renewal')?.sfId ?? null,
        signals: {
          callsInPrior90Days: prior90,
          callsInLast90Days: last90,
          negativeToneCallIds: calls.filter((c) => c.negative).map((c) => c.id),
          slackEscalations: slack.messages
            .filter((m) => m.escalationAccountKey === a.key)
            .map((m) => ({ channelId: m.channelId, ts: m.ts, text: m.text })),
          supportCases: cases
            .filter((c) => c.accountKey === a.key && c.at > a.churnedAt! - 120 * DAY)
            .map((c) => ({ caseId: c.id, priority: c.priority, escalated: c.escalated, subject: c.subject })),
        },
      };
    });

  const fdcpaTimeOfDay = world.calls
    .filter((c) => c.kind === 'collection')
    .map((c) => {
      const d = world.debtorsByKey.get(c.debtorKey!)!;
      const local = localTime(c.started, d.timezone);
      return { c, d, local };
    })
    .filter(({ local }) => local.hour < 8 || local.hour >= 21)
    .map(({ c, d, local }) => ({
      rule: 'time_of_day',
      cite: '15 U.S.C. 1692c(a)(1); 12 CFR 1006.6(b)(1)(i)',
      callId: c.id,
      started: new Date(c.started).toISOString(),
      residentPhone: d.phone,
      timezone: d.timezone,
      localTime: `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`,
      planted: c.forbiddenHour,
    }));
  const repeat = world.debtors[0]!;
  const repeatCalls = world.calls
    .filter((c) => c.debtorKey === repeat.key)
    .sort((x, y) => x.started - y.started);
  const fdcpaFrequency: unknown[] = [];
  for (let i = 0; i + 7 < repeatCalls.length; i++) {
    if (repeatCalls[i + 7]!.started - repeatCalls[i]!.started < 7 * DAY) {
      const window = repeatCalls.slice(i, i + 8);
      fdcpaFrequency.push({
        rule: 'call_frequency_7_in_7',
        cite: '12 CFR 1006.14(b)(2)(i)(A)',
        residentPhone: repeat.phone,
        resident: repeat.name,
        callIds: window.map((c) => c.id),
        from: new Date(window[0]!.started).toISOString(),
        to: new Date(window[7]!.started).toISOString(),
      });
      break;
    }
  }

  const head = {
    about:
      'Ground truth of the Sophia demo world: what the generator planted, so analytics can be scored. Times in transcripts are ms from call start; speakerId joins to extensiveCalls parties[].speakerId.',
    seed: world.seed,
    calls: world.callCount,
    window: { from: new Date(world.start).toISOString(), to: new Date(world.end).toISOString() },
    counts: {
      reps: world.reps.length,
      accounts: world.accounts.length,
      customers: world.accounts.filter((a) => a.status === 'customer').length,
      churned: world.accounts.filter((a) => a.status === 'churned').length,
      prospects: world.accounts.filter((a) => a.status === 'prospect').length,
      contacts: world.accounts.reduce((n, a) => n + a.contacts.length, 0),
      leads: world.leads.length,
      opportunities: world.accounts.reduce((n, a) => n + a.opportunities.length, 0),
      collectionCalls: world.calls.filter((c) => c.kind === 'collection').length,
      internalCalls: world.calls.filter((c) => c.kind === 'internal').length,
    },
    reps,
    accounts: world.accounts.map((a) => ({
      name: a.name,
      domain: a.domain,
      salesforceAccountId: a.sfId,
      hubspotCompanyId: a.hubspotCompanyId,
      status: a.status,
      region: a.region,
      pms: a.pms,
      units: a.units,
      communities: a.properties,
      opportunities: a.opportunities.map((o) => ({
        id: o.sfId,
        hubspotDealId: o.hubspotDealId,
        type: o.type,
        stage: o.stage,
        amount: o.amount,
        won: o.isWon,
      })),
    })),
    churners,
    identityClusters,
    violations: { fdcpaTimeOfDay, fdcpaFrequency },
  };
  const text = JSON.stringify(head, null, 1);
  yield text.slice(0, -2);
  // Per-call truth: one pass over the calls (each transcript is built once), kept as compact JSON text per section.
  const sections = [
    'objections',
    'competitorMentions',
    'fairHousing',
    'fairHousingDecoys',
    'nextSteps',
  ] as const;
  const collected: Record<(typeof sections)[number], string[]> = {
    objections: [],
    competitorMentions: [],
    fairHousing: [],
    fairHousingDecoys: [],
    nextSteps: [],
  };
  for (const plan of world.calls) {
    if (plan.kind === 'collection' || plan.kind === 'internal') continue;
    const truth = buildCall(world, plan).truth;
    for (const section of sections)
      for (const item of truth[section]) collected[section].push(JSON.stringify(item));
  }
  for (const section of sections) {
    yield `,\n "${section}": [`;
    const items = collected[section];
    for (let i = 0; i < items.length; i += 1000)
      yield `${i === 0 ? '\n  ' : ',\n  '}${items.slice(i, i + 1000).join(',\n  ')}`;
    yield '\n ]';
  }
  yield '\n}\n';
}

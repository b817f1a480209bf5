import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../../schema/database.js';
import {
  analyseCall,
  ANALYSER_VERSION,
  type AnalysisTools,
  type CallAnalysis,
  type CallInput,
} from '../analysis/analyse-call.js';
import { type Competitor, CompetitorDetector, DEFAULT_COMPETITORS } from '../analysis/competitors.js';
import { FairHousingDetector, frequencyViolations } from '../analysis/compliance.js';
import { TermCounter } from '../analysis/terms.js';
import { BUILTIN_TRACKERS, type TrackerDefinition, TrackerMatcher } from '../analysis/trackers.js';
import { complianceDataPath } from '../compliance/data-file.js';
import { fairHousingTerms } from '../compliance/fair-housing-terms.js';
import { fdcpaRule } from '../compliance/fdcpa-rules.js';
import type { SophiaDatabase } from '../db/database.js';
import { createProgress, silentProgress } from '../ingest/progress.js';
import type { Logger } from '../log/logger.js';
import { invalidateTotals } from '../search/full-text.js';
import { estimateChunkTokens } from '../search/search-index.js';

/**
 * The analysis stage (issue 9): conversation intelligence over every call, computed once after ingestion
 * and read by the gong-analytics server. For each call whose transcript, parties or start time changed
 * since it was last analysed (or that was analysed by another analyser version or tracker set), it derives
 * interaction metrics, objection episodes, competitor mentions, tracker hits, Fair Housing findings,
 * FDCPA contact findings and call_content search chunks, replacing that call's previous rows in one
 * transaction per batch. Then, when anything changed, it refreshes what spans calls: the 7-calls-in-7-days
 * rule per resident, term counts of the months touched, and the per rep/team/tenant rollups. Slack
 * messages changed since the last run are checked for Fair Housing phrases.
 *
 * Incremental and idempotent: the state table (call_analysis_state) keeps each call's content hash and
 * analyser version, so a re-run analyses nothing, and a run killed part-way resumes with the calls whose
 * batch did not commit. The pure detectors live in shared/analysis/.
 */
export interface AnalyzeOptions {
  tenant: string;
  logger?: Logger;
  /** Progress lines on stderr. */
  progress?: boolean;
  /** Only calls that started at or after this instant. */
  since?: Date;
  /** Analyse every call again, whatever the state says. */
  rebuild?: boolean;
  /** Calls per batch (one transaction each). */
  batchSize?: number;
}

export interface AnalyzeSummary {
  calls: number;
  analysed: number;
  unchanged: number;
  objections: number;
  competitorMentions: number;
  trackerHits: number;
  complianceFindings: number;
  slackMessagesChecked: number;
  chunks: number;
  termMonths: number;
  rollups: number;
  ms: number;
}

const DEFAULT_BATCH = 400;
const CALL_CONTENT = 'call_content';

type Trx = Transaction<Database>;

/** Milliseconds spent per step (reported at debug level and by bench/analysis.ts). */
export const stepTimings = new Map<string, number>();
async function timed<T>(step: string, fn: () => Promise<T>): Promise<T> {
  const t = performance.now();
  try {
    return await fn();
  } finally {
    stepTimings.set(step, (stepTimings.get(step) ?? 0) + performance.now() - t);
  }
}

/** Inserts rows through one jsonb_to_recordset parameter (set-based, any number of rows). */
async function insertRows(
  trx: Trx,
  table: string,
  columns: Record<string, string>,
  rows: ReadonlyArray<Record<string, unknown>>,
  chunk = 5000,
): Promise<void> {
  const names = Object.keys(columns);
  const defs = names.map((n) => `${n} ${columns[n]}`).join(', ');
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await timed(`insert ${table}`, () =>
      sql`insert into ${sql.table(table)} (${sql.raw(names.join(', '))})
      select ${sql.raw(names.join(', '))} from jsonb_to_recordset(${JSON.stringify(part)}::jsonb) as r(${sql.raw(defs)})`.execute(
        trx,
      ),
    );
  }
}

let nanpCache: Record<string, string[]> | undefined;
function nanpTimeZones(): Record<string, string[]> {
  nanpCache ??= (
    JSON.parse(readFileSync(complianceDataPath('nanp_time_zones.json'), 'utf8')) as {
      prefixes: Record<string, string[]>;
    }
  ).prefixes;
  return nanpCache;
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** The tenant's trackers, the builtin ones stored on first use. */
async function loadTrackers(db: SophiaDatabase, tenant: string): Promise<TrackerDefinition[]> {
  return db.withTenant(tenant, async (trx) => {
    const any = await trx
      .selectFrom('tracker_definitions')
      .select('id')
      .where('builtin', '=', true)
      .limit(1)
      .execute();
    if (any.length === 0) {
      await trx
        .insertInto('tracker_definitions')
        .values(
          BUILTIN_TRACKERS.map((t) => ({
            tenant_id: tenant,
            name: t.name,
            kind: t.kind,
            category: t.category,
            description: null,
            phrases: [...t.phrases],
            examples: [...t.examples],
            speaker: t.speaker,
            threshold: t.threshold,
            builtin: true,
          })),
        )
        .onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing())
        .execute();
    }
    const rows = await trx
      .selectFrom('tracker_definitions')
      .select(['name', 'kind', 'category', 'phrases', 'examples', 'speaker', 'threshold', 'version'])
      .where('active', '=', true)
      .orderBy('name')
      .execute();
    return rows.map((r) => ({
      name: r.name,
      kind: r.kind === 'concept' ? 'concept' : 'keyword',
      category: r.category,
      phrases: r.phrases,
      examples: r.examples,
      speaker: r.speaker === 'rep' || r.speaker === 'customer' ? r.speaker : 'any',
      threshold: r.threshold,
    }));
  });
}

/** Competitors: the market's, plus each competitor tracker (its name, its phrases as aliases). */
function competitorsOf(trackers: readonly TrackerDefinition[]): Competitor[] {
  const out = [...DEFAULT_COMPETITORS];
  for (const t of trackers) {
    if (t.category !== 'competitor' || t.kind !== 'keyword') continue;
    const name = t.name.replace(/^competitor:/, '');
    if (out.some((c) => c.name.toLowerCase() === name.toLowerCase())) continue;
    out.push({ name, aliases: t.phrases });
  }
  return out;
}

interface Candidate {
  id: string;
  started_at: Date;
  hash: string;
}

/** Calls whose content hash or analyser version differs from their state (all calls with `rebuild`). */
async function changedCalls(
  db: SophiaDatabase,
  tenant: string,
  version: string,
  o: { since?: Date | undefined; rebuild?: boolean | undefined },
): Promise<{ total: number; changed: Candidate[] }> {
  return db.withTenant(
    tenant,
    async (trx) => {
      const since = o.since ?? new Date(0);
      const { rows } = await sql<Candidate & { stale: boolean }>`
        with seg as (
          select s.call_id, md5(string_agg(coalesce(s.speaker_id, '') || '|' || s.start_ms || '|' || s.end_ms || '|' ||
                 coalesce(s.topic, '') || '|' || s.text, E'\n' order by s.segment_index)) as h
          from transcript_segments s where s.call_started_at >= ${since}
          group by s.call_id
        ), par as (
          select p.call_id, md5(string_agg(coalesce(p.speaker_id, '') || '|' || p.affiliation || '|' || coalesce(p.name, '') ||
                 '|' || coalesce(p.title, '') || '|' || coalesce(p.phone, ''), E'\n' order by p.source_participant_id)) as h
          from call_participants p group by p.call_id
        ), cur as (
          select c.id, c.started_at,
                 md5(coalesce(seg.h, '') || '|' || coalesce(par.h, '') || '|' || coalesce(c.title, '') || '|' ||
                     extract(epoch from c.started_at)::text) as hash
          from calls c left join seg on seg.call_id = c.id left join par on par.call_id = c.id
          where c.started_at >= ${since}
        )
        select cur.id, cur.started_at, cur.hash,
               (st.call_id is null or st.content_hash <> cur.hash or st.analyser_version <> ${version}) as stale
        from cur left join call_analysis_state st on st.call_id = cur.id
        order by cur.started_at, cur.id`.execute(trx);
      return {
        total: rows.length,
        changed: rows
          .filter((r) => o.rebuild || r.stale)
          .map((r) => ({ id: r.id, started_at: r.started_at, hash: r.hash })),
      };
    },
    { readOnly: true },
  );
}

/** Reads the calls of a batch: their sentences and parties. */
async function loadCalls(trx: Trx, ids: readonly string[], from: Date, to: Date): Promise<CallInput[]> {
  const [calls, parts, segs] = await Promise.all([
    sql<{ id: string; started_at: Date; title: string | null }>`
      select id, started_at, title from calls where id = any(${ids}::uuid[])`.execute(trx),
    sql<{
      call_id: string;
      id: string;
      speaker_id: string | null;
      affiliation: string;
      name: string | null;
      title: string | null;
      phone: string | null;
    }>`select call_id, id, speaker_id, affiliation, name, title, phone
       from call_participants where call_id = any(${ids}::uuid[]) order by call_id, source_participant_id`.execute(
      trx,
    ),
    sql<{
      call_id: string;
      segment_index: number;
      speaker_id: string | null;
      start_ms: number;
      end_ms: number;
      text: string;
      topic: string | null;
    }>`select call_id, segment_index, speaker_id, start_ms, end_ms, text, topic
       from transcript_segments
       where call_started_at >= ${from} and call_started_at <= ${to} and call_id = any(${ids}::uuid[])
       order by call_id, segment_index`.execute(trx),
  ]);
  const byCall = new Map<
    string,
    CallInput & {
      participants: CallInput['participants'][number][];
      sentences: CallInput['sentences'][number][];
    }
  >();
  for (const c of calls.rows)
    byCall.set(c.id, {
      callId: c.id,
      startedAt: c.started_at,
      title: c.title,
      participants: [],
      sentences: [],
    });
  for (const p of parts.rows)
    byCall.get(p.call_id)?.participants.push({
      participantId: p.id,
      speakerId: p.speaker_id,
      affiliation: p.affiliation,
      name: p.name,
      title: p.title,
      phone: p.phone,
    });
  for (const s of segs.rows)
    byCall.get(s.call_id)?.sentences.push({
      index: s.segment_index,
      speakerId: s.speaker_id,
      startMs: s.start_ms,
      endMs: s.end_ms,
      text: s.text,
      topic: s.topic,
    });
  return ids.map((id) => byCall.get(id)).filter((c): c is NonNullable<typeof c> => !!c);
}

const monthOf = (d: Date) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;

interface BatchCounts {
  objections: number;
  mentions: number;
  hits: number;
  findings: number;
  chunks: number;
  collection: boolean;
}

/** Replaces the derived rows of a batch of calls (one transaction). */
async function writeBatch(
  trx: Trx,
  tenant: string,
  version: string,
  items: ReadonlyArray<{ call: CallInput; hash: string; a: CallAnalysis }>,
): Promise<BatchCounts> {
  const ids = items.map((i) => i.call.callId);
  const paths = ids.map((id) => `calls/${id}`);
  await timed('delete previous rows', async () => {
    await sql`delete from call_metrics where call_id = any(${ids}::uuid[])`.execute(trx);
    await sql`delete from call_speaker_metrics where call_id = any(${ids}::uuid[])`.execute(trx);
    await sql`delete from objection_episodes where call_id = any(${ids}::uuid[])`.execute(trx);
    await sql`delete from competitor_mentions where call_id = any(${ids}::uuid[])`.execute(trx);
    await sql`delete from compliance_findings where call_id = any(${ids}::uuid[]) and source = 'call' and rule <> 'fdcpa_7_in_7'`.execute(
      trx,
    );
    await sql`delete from tracker_hits where call_id = any(${ids}::uuid[]) and detector like 'sophia:%'`.execute(
      trx,
    );
    await sql`delete from kb_documents where collection = ${CALL_CONTENT} and path = any(${paths}::text[])`.execute(
      trx,
    );
  });

  const metrics: Record<string, unknown>[] = [];
  const speakers: Record<string, unknown>[] = [];
  const episodes: Record<string, unknown>[] = [];
  const mentions: Record<string, unknown>[] = [];
  const hits: Record<string, unknown>[] = [];
  const findings: Record<string, unknown>[] = [];
  const docs: Record<string, unknown>[] = [];
  const chunks: Record<string, unknown>[] = [];
  const chunkPlaces: Record<string, unknown>[] = [];
  const states: Record<string, unknown>[] = [];
  let collection = false;
  const tod = fdcpaRule('time_of_day');
  for (const { call, hash, a } of items) {
    const pid = new Map(call.participants.map((p) => [p.speakerId, p]));
    const part = (speakerId: string | null | undefined) =>
      speakerId ? (pid.get(speakerId)?.participantId ?? null) : null;
    const aff = (speakerId: string | null | undefined) =>
      speakerId ? (pid.get(speakerId)?.affiliation?.toLowerCase() ?? 'unknown') : 'unknown';
    const started = call.startedAt.toISOString();
    const m = a.metrics;
    if (a.kind === 'collection') collection = true;
    metrics.push({
      tenant_id: tenant,
      call_id: call.callId,
      call_started_at: started,
      call_kind: a.kind,
      duration_ms: m.durationMs,
      rep_talk_ms: m.repTalkMs,
      customer_talk_ms: m.customerTalkMs,
      other_talk_ms: m.otherTalkMs,
      talk_ratio: m.talkRatio,
      longest_monologue_seconds: m.longestMonologueSeconds,
      longest_customer_story_seconds: m.longestCustomerStorySeconds,
      interactivity: m.interactivity,
      patience_seconds: m.patienceSeconds,
      question_rate: m.questionRate,
      rep_questions: m.repQuestions,
      customer_questions: m.customerQuestions,
      speaker_changes: m.speakerChanges,
      rep_words_per_minute: m.repWordsPerMinute,
      next_step_detected: a.nextStep,
    });
    for (const sp of m.speakers) {
      if (!sp.speakerId) continue;
      speakers.push({
        tenant_id: tenant,
        call_id: call.callId,
        speaker_id: sp.speakerId,
        participant_id: part(sp.speakerId),
        affiliation: aff(sp.speakerId),
        talk_ms: sp.talkMs,
        sentences: sp.sentences,
        words: sp.words,
        questions: sp.questions,
        longest_turn_ms: sp.longestTurnMs,
      });
    }
    const seg = (i: number) => call.sentences[i]!;
    for (const e of a.episodes) {
      episodes.push({
        tenant_id: tenant,
        call_id: call.callId,
        call_started_at: started,
        type: e.type,
        confidence: e.confidence,
        cue: e.cue,
        quote: e.quote,
        speaker_id: e.speakerId,
        participant_id: part(e.speakerId),
        segment_index: seg(e.sentence).index,
        start_ms: e.startMs,
        end_ms: e.endMs,
        response_speaker_id: e.response?.speakerId ?? null,
        response_participant_id: part(e.response?.speakerId),
        response_text: e.response?.text ?? null,
        response_start_ms: e.response?.startMs ?? null,
        handling: e.response?.handling ?? null,
        pause_before_answer_ms: e.response?.pauseMs ?? null,
        episode_rep_talk_ratio: e.episodeRepTalkRatio,
        next_step_detected: !!e.nextStep,
        next_step_text: e.nextStep?.text ?? null,
        detector: `sophia:cues@${ANALYSER_VERSION}`,
      });
    }
    for (const x of a.mentions) {
      const s = seg(x.sentence);
      mentions.push({
        tenant_id: tenant,
        call_id: call.callId,
        call_started_at: started,
        competitor: x.competitor,
        phrase: x.phrase,
        context: x.context,
        speaker_id: s.speakerId,
        participant_id: part(s.speakerId),
        affiliation: aff(s.speakerId),
        segment_index: s.index,
        start_ms: s.startMs,
        text: s.text,
      });
    }
    for (const h of a.trackerHits) {
      const s = seg(h.sentence);
      hits.push({
        tenant_id: tenant,
        call_id: call.callId,
        tracker: h.tracker,
        category: h.category,
        phrase: h.phrase.slice(0, 500),
        speaker_id: s.speakerId,
        participant_id: part(s.speakerId),
        segment_index: s.index,
        start_ms: s.startMs,
        said_as_question: h.saidAsQuestion,
        detector: h.detector,
        confidence: h.confidence,
      });
    }
    for (const f of a.fairHousing) {
      const s = seg(f.sentence);
      findings.push({
        tenant_id: tenant,
        source: 'call',
        call_id: call.callId,
        rule: 'fair_housing',
        category: 'fair_housing',
        severity: f.severity,
        term: f.term,
        protected_class: f.protectedClass,
        speaker_id: s.speakerId,
        affiliation: aff(s.speakerId),
        start_ms: s.startMs,
        text: s.text,
        cite: f.cite,
        details: { verdict: f.verdict, match: f.match },
        occurred_at: started,
      });
    }
    for (const v of a.timeOfDay) {
      findings.push({
        tenant_id: tenant,
        source: 'call',
        call_id: call.callId,
        rule: 'fdcpa_time_of_day',
        category: 'fdcpa',
        severity: 'high',
        term: null,
        protected_class: null,
        speaker_id: v.speakerId,
        affiliation: aff(v.speakerId),
        start_ms: 0,
        text: `Collection call at ${v.localTime} local time (${v.timeZone}); allowed 08:00-21:00 in every candidate zone.`,
        cite: tod.cite,
        details: { phone: v.phone, timeZone: v.timeZone, localTime: v.localTime, candidates: v.candidates },
        occurred_at: started,
      });
    }
    if (a.missingMiniMiranda) {
      findings.push({
        tenant_id: tenant,
        source: 'call',
        call_id: call.callId,
        rule: 'fdcpa_mini_miranda',
        category: 'fdcpa',
        severity: 'medium',
        term: null,
        protected_class: null,
        speaker_id: null,
        affiliation: null,
        start_ms: null,
        text: 'Collection call without the disclosure that the caller is a debt collector attempting to collect a debt.',
        cite: '15 U.S.C. 1692e(11)',
        details: {},
        occurred_at: started,
      });
    }
    if (a.chunks.length) {
      const docId = randomUUID();
      const content = a.chunks.map((c) => c.content).join('\n');
      docs.push({
        id: docId,
        tenant_id: tenant,
        collection: CALL_CONTENT,
        path: `calls/${call.callId}`,
        title: call.title ?? `Call ${started.slice(0, 10)}`,
        source_uri: `sophia://calls/${call.callId}`,
        mime: 'text/plain',
        content_hash: hash,
        size_bytes: Buffer.byteLength(content),
        metadata: { callId: call.callId, startedAt: started, kind: a.kind },
      });
      a.chunks.forEach((c, i) => {
        const chunkId = randomUUID();
        chunks.push({
          id: chunkId,
          tenant_id: tenant,
          document_id: docId,
          chunk_index: i,
          heading_path: null,
          start_line: c.firstSegment + 1,
          end_line: c.lastSegment + 1,
          content: c.content,
          token_count: estimateChunkTokens(c.content),
        });
        chunkPlaces.push({
          tenant_id: tenant,
          chunk_id: chunkId,
          call_id: call.callId,
          call_started_at: started,
          first_segment: c.firstSegment,
          last_segment: c.lastSegment,
          start_ms: c.startMs,
          end_ms: c.endMs,
          speaker_id: c.speakerId,
          participant_id: part(c.speakerId),
          affiliation: aff(c.speakerId),
        });
      });
    }
    states.push({
      tenant_id: tenant,
      call_id: call.callId,
      content_hash: hash,
      analyser_version: version,
      segment_count: call.sentences.length,
    });
  }

  await insertRows(
    trx,
    'call_metrics',
    {
      tenant_id: 'text',
      call_id: 'uuid',
      call_started_at: 'timestamptz',
      call_kind: 'text',
      duration_ms: 'integer',
      rep_talk_ms: 'integer',
      customer_talk_ms: 'integer',
      other_talk_ms: 'integer',
      talk_ratio: 'real',
      longest_monologue_seconds: 'real',
      longest_customer_story_seconds: 'real',
      interactivity: 'real',
      patience_seconds: 'real',
      question_rate: 'real',
      rep_questions: 'integer',
      customer_questions: 'integer',
      speaker_changes: 'integer',
      rep_words_per_minute: 'real',
      next_step_detected: 'boolean',
    },
    metrics,
  );
  await insertRows(
    trx,
    'call_speaker_metrics',
    {
      tenant_id: 'text',
      call_id: 'uuid',
      speaker_id: 'text',
      participant_id: 'uuid',
      affiliation: 'text',
      talk_ms: 'integer',
      sentences: 'integer',
      words: 'integer',
      questions: 'integer',
      longest_turn_ms: 'integer',
    },
    speakers,
  );
  await insertRows(
    trx,
    'objection_episodes',
    {
      tenant_id: 'text',
      call_id: 'uuid',
      call_started_at: 'timestamptz',
      type: 'text',
      confidence: 'real',
      cue: 'text',
      quote: 'text',
      speaker_id: 'text',
      participant_id: 'uuid',
      segment_index: 'integer',
      start_ms: 'integer',
      end_ms: 'integer',
      response_speaker_id: 'text',
      response_participant_id: 'uuid',
      response_text: 'text',
      response_start_ms: 'integer',
      handling: 'text',
      pause_before_answer_ms: 'integer',
      episode_rep_talk_ratio: 'real',
      next_step_detected: 'boolean',
      next_step_text: 'text',
      detector: 'text',
    },
    episodes,
  );
  await insertRows(
    trx,
    'competitor_mentions',
    {
      tenant_id: 'text',
      call_id: 'uuid',
      call_started_at: 'timestamptz',
      competitor: 'text',
      phrase: 'text',
      context: 'text',
      speaker_id: 'text',
      participant_id: 'uuid',
      affiliation: 'text',
      segment_index: 'integer',
      start_ms: 'integer',
      text: 'text',
    },
    mentions,
  );
  await insertRows(
    trx,
    'tracker_hits',
    {
      tenant_id: 'text',
      call_id: 'uuid',
      tracker: 'text',
      category: 'text',
      phrase: 'text',
      speaker_id: 'text',
      participant_id: 'uuid',
      segment_index: 'integer',
      start_ms: 'integer',
      said_as_question: 'boolean',
      detector: 'text',
      confidence: 'real',
    },
    hits,
  );
  await insertFindings(trx, findings);
  await insertRows(
    trx,
    'kb_documents',
    {
      id: 'uuid',
      tenant_id: 'text',
      collection: 'text',
      path: 'text',
      title: 'text',
      source_uri: 'text',
      mime: 'text',
      content_hash: 'text',
      size_bytes: 'integer',
      metadata: 'jsonb',
    },
    docs,
  );
  await insertRows(
    trx,
    'kb_chunks',
    {
      id: 'uuid',
      tenant_id: 'text',
      document_id: 'uuid',
      chunk_index: 'integer',
      heading_path: 'text',
      start_line: 'integer',
      end_line: 'integer',
      content: 'text',
      token_count: 'integer',
    },
    chunks,
    2000,
  );
  if (docs.length) {
    const docIds = docs.map((d) => d.id as string);
    // BM25 postings from the chunks' own tsvectors, as SearchIndex writes them for every collection.
    await timed('insert kb_terms', () =>
      sql`insert into kb_terms (tenant_id, collection, lexeme, chunk_id, tf, dl)
      select c.tenant_id, ${CALL_CONTENT}, u.lexeme, c.id, coalesce(array_length(u.positions, 1), 1),
             greatest(coalesce(c.token_count, 1), 1)
      from kb_chunks c, unnest(c.tsv) u
      where c.document_id = any(${docIds}::uuid[])`.execute(trx),
    );
  }
  await insertRows(
    trx,
    'call_content_chunks',
    {
      tenant_id: 'text',
      chunk_id: 'uuid',
      call_id: 'uuid',
      call_started_at: 'timestamptz',
      first_segment: 'integer',
      last_segment: 'integer',
      start_ms: 'integer',
      end_ms: 'integer',
      speaker_id: 'text',
      participant_id: 'uuid',
      affiliation: 'text',
    },
    chunkPlaces,
  );
  await sql`insert into call_analysis_state (tenant_id, call_id, content_hash, analyser_version, segment_count, analysed_at)
    select tenant_id, call_id, content_hash, analyser_version, segment_count, now()
    from jsonb_to_recordset(${JSON.stringify(states)}::jsonb)
      as r(tenant_id text, call_id uuid, content_hash text, analyser_version text, segment_count integer)
    on conflict (tenant_id, call_id) do update set content_hash = excluded.content_hash,
      analyser_version = excluded.analyser_version, segment_count = excluded.segment_count, analysed_at = now()`.execute(
    trx,
  );
  return {
    objections: episodes.length,
    mentions: mentions.length,
    hits: hits.length,
    findings: findings.length,
    chunks: chunks.length,
    collection,
  };
}

function insertFindings(trx: Trx, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  return insertRows(
    trx,
    'compliance_findings',
    {
      tenant_id: 'text',
      source: 'text',
      call_id: 'uuid',
      slack_message_id: 'uuid',
      rule: 'text',
      category: 'text',
      severity: 'text',
      term: 'text',
      protected_class: 'text',
      speaker_id: 'text',
      affiliation: 'text',
      start_ms: 'integer',
      text: 'text',
      cite: 'text',
      details: 'jsonb',
      occurred_at: 'timestamptz',
    },
    rows,
  );
}

/** Reg F 7-in-7 across calls: recomputed from every collection call's resident phones. */
async function refreshFrequencyFindings(trx: Trx, tenant: string): Promise<number> {
  const rule = fdcpaRule('call_frequency_7_in_7');
  const { rows } = await sql<{ call_id: string; started_at: Date; phone: string }>`
    select cm.call_id, c.started_at, p.phone
    from call_metrics cm join calls c on c.id = cm.call_id
    join call_participants p on p.call_id = cm.call_id and p.affiliation <> 'Internal' and p.phone is not null
    where cm.call_kind = 'collection'`.execute(trx);
  const byPhone = new Map<string, Array<{ callId: string; at: Date }>>();
  for (const r of rows) {
    const l = byPhone.get(r.phone) ?? [];
    if (!l.some((x) => x.callId === r.call_id)) l.push({ callId: r.call_id, at: r.started_at });
    byPhone.set(r.phone, l);
  }
  const params = (rule as { params?: { max_calls?: number; window_days?: number } }).params;
  const findings: Record<string, unknown>[] = [];
  for (const [phone, attempts] of byPhone) {
    for (const v of frequencyViolations(attempts, params?.max_calls ?? 7, params?.window_days ?? 7)) {
      const last = v.calls.at(-1)!;
      findings.push({
        tenant_id: tenant,
        source: 'call',
        call_id: last.callId,
        rule: 'fdcpa_7_in_7',
        category: 'fdcpa',
        severity: 'high',
        text: `${v.calls.length} collection calls to ${phone} between ${v.from.toISOString().slice(0, 10)} and ${v.to.toISOString().slice(0, 10)} (more than 7 in 7 days).`,
        cite: rule.cite,
        details: {
          phone,
          callIds: v.calls.map((c) => c.callId),
          from: v.from.toISOString(),
          to: v.to.toISOString(),
        },
        occurred_at: last.at.toISOString(),
      });
    }
  }
  await sql`delete from compliance_findings where rule = 'fdcpa_7_in_7'`.execute(trx);
  await insertFindings(trx, findings);
  return findings.length;
}

/** Fair Housing phrases in Slack messages changed since the last check (all of them for a new version). */
async function checkSlack(
  db: SophiaDatabase,
  tenant: string,
  detector: FairHousingDetector,
  version: string,
  rebuild: boolean,
) {
  return db.withTenant(tenant, async (trx) => {
    const state = await trx
      .selectFrom('sync_state')
      .select(['cursor', 'state'])
      .where('connector', '=', 'analysis')
      .where('source', '=', 'slack')
      .where('stream', '=', 'fair_housing')
      .executeTakeFirst();
    const sameVersion = (state?.state as { version?: string } | null)?.version === version;
    const cursor = !rebuild && sameVersion && state?.cursor ? new Date(state.cursor) : new Date(0);
    const { rows } = await sql<{
      id: string;
      text: string | null;
      posted_at: Date | null;
      user_source_id: string | null;
      updated_at: Date;
    }>`
      select id, text, posted_at, user_source_id, updated_at from slack_messages where updated_at > ${cursor}`.execute(
      trx,
    );
    if (rows.length === 0) return { checked: 0, findings: 0 };
    const ids = rows.map((r) => r.id);
    await sql`delete from compliance_findings where source = 'slack' and slack_message_id = any(${ids}::uuid[])`.execute(
      trx,
    );
    const findings: Record<string, unknown>[] = [];
    let max = cursor;
    for (const r of rows) {
      if (r.updated_at > max) max = r.updated_at;
      for (const f of detector.detect(r.text ?? '')) {
        findings.push({
          tenant_id: tenant,
          source: 'slack',
          slack_message_id: r.id,
          rule: 'fair_housing',
          category: 'fair_housing',
          severity: f.severity,
          term: f.term,
          protected_class: f.protectedClass,
          speaker_id: r.user_source_id,
          text: r.text,
          cite: f.cite,
          details: { verdict: f.verdict, match: f.match },
          occurred_at: r.posted_at?.toISOString() ?? null,
        });
      }
    }
    await insertFindings(trx, findings);
    await sql`insert into sync_state (tenant_id, connector, source, stream, state, cursor, updated_at)
      values (${tenant}, 'analysis', 'slack', 'fair_housing', ${JSON.stringify({ version })}::jsonb, ${max.toISOString()}, now())
      on conflict (tenant_id, connector, source, stream) do update set state = excluded.state, cursor = excluded.cursor, updated_at = now()`.execute(
      trx,
    );
    return { checked: rows.length, findings: findings.length };
  });
}

/** Term, topic, objection and competitor counts of whole months. */
async function refreshTermCounts(
  db: SophiaDatabase,
  tenant: string,
  tools: AnalysisTools,
  months: readonly string[],
  counted: TermCounter,
  coveredCalls: ReadonlyMap<string, number>,
  batchSize: number,
): Promise<void> {
  for (const month of months) {
    const from = new Date(`${month}T00:00:00Z`);
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    let counter = counted;
    const ids = await db.withTenant(
      tenant,
      (trx) =>
        trx
          .selectFrom('calls')
          .select('id')
          .where('started_at', '>=', from)
          .where('started_at', '<', to)
          .orderBy('started_at')
          .execute(),
      { readOnly: true },
    );
    if (ids.length !== (coveredCalls.get(month) ?? 0)) {
      // Part of the month was analysed this run: count the whole month again from its transcripts.
      counter = new TermCounter();
      for (let i = 0; i < ids.length; i += batchSize) {
        const part = ids.slice(i, i + batchSize).map((r) => r.id);
        const calls = await db.withTenant(tenant, (trx) => loadCalls(trx, part, from, to), {
          readOnly: true,
        });
        for (const call of calls) counter.addCall(month, call.callId, analyseCall(call, tools).terms);
      }
    }
    const rows = counter
      .rows()
      .filter((r) => r.period === month)
      .map((r) => ({
        tenant_id: tenant,
        period_start: r.period,
        kind: r.kind,
        term: r.term.slice(0, 200),
        calls: r.calls,
        mentions: r.mentions,
        customer_mentions: r.customerMentions,
        example_call_id: r.example?.callId ?? null,
        example_start_ms: r.example?.startMs ?? null,
        example_text: r.example?.text ?? null,
      }));
    await db.withTenant(tenant, async (trx) => {
      await sql`delete from term_counts where period_start = ${month}::date`.execute(trx);
      await insertRows(
        trx,
        'term_counts',
        {
          tenant_id: 'text',
          period_start: 'date',
          kind: 'text',
          term: 'text',
          calls: 'integer',
          mentions: 'integer',
          customer_mentions: 'integer',
          example_call_id: 'uuid',
          example_start_ms: 'integer',
          example_text: 'text',
        },
        rows,
      );
    });
  }
}

/** Rebuilds the rollups per rep, team and tenant, per month, quarter and overall (sales calls only). */
async function refreshRollups(trx: Trx, tenant: string): Promise<number> {
  await sql`delete from analysis_rollups`.execute(trx);
  const keys: RawBuilder<unknown> = sql`scope, subject, period_kind, period_start`;
  const { rows } = await sql<{ n: number }>`
    with x as (
      select cm.call_id, cm.talk_ratio, cm.longest_monologue_seconds, cm.longest_customer_story_seconds,
             cm.interactivity, cm.patience_seconds, cm.question_rate, cm.next_step_detected,
             k.scope, k.subject, p.kind as period_kind, p.start as period_start
      from call_metrics cm
      join calls c on c.id = cm.call_id
      left join users u on u.id = c.primary_user_id
      cross join lateral (values ('rep', c.primary_user_id::text), ('team', u.team), ('tenant', '*')) k(scope, subject)
      cross join lateral (values
        ('month', date_trunc('month', cm.call_started_at at time zone 'UTC')::date),
        ('quarter', date_trunc('quarter', cm.call_started_at at time zone 'UTC')::date),
        ('all', date '1970-01-01')) p(kind, start)
      where cm.call_kind = 'sales' and k.subject is not null
    ),
    o as (select call_id, type, count(*)::int as n from objection_episodes group by call_id, type),
    ot as (select ${keys}, o.type, sum(o.n)::int as n from x join o on o.call_id = x.call_id group by ${keys}, o.type),
    oj as (select ${keys}, sum(n)::int as total, jsonb_object_agg(type, n) as by_type from ot group by ${keys}),
    cmn as (select ${keys}, count(*)::int as n from x join competitor_mentions m on m.call_id = x.call_id group by ${keys}),
    agg as (
      select ${keys}, count(*)::int as calls, avg(talk_ratio)::real as talk_ratio,
             (percentile_cont(0.5) within group (order by talk_ratio))::real as talk_ratio_median,
             avg(longest_monologue_seconds)::real as longest_monologue_seconds,
             avg(longest_customer_story_seconds)::real as longest_customer_story_seconds,
             avg(interactivity)::real as interactivity, avg(patience_seconds)::real as patience_seconds,
             avg(question_rate)::real as question_rate,
             (count(*) filter (where next_step_detected))::int as next_step_calls
      from x group by ${keys}
    ),
    ins as (
      insert into analysis_rollups (tenant_id, scope, subject, period_kind, period_start, calls, talk_ratio,
        talk_ratio_median, longest_monologue_seconds, longest_customer_story_seconds, interactivity,
        patience_seconds, question_rate, objections, objections_by_type, competitor_mentions, next_step_calls)
      select ${tenant}, agg.scope, agg.subject, agg.period_kind, agg.period_start, agg.calls, agg.talk_ratio,
             agg.talk_ratio_median, agg.longest_monologue_seconds, agg.longest_customer_story_seconds,
             agg.interactivity, agg.patience_seconds, agg.question_rate, coalesce(oj.total, 0),
             coalesce(oj.by_type, '{}'::jsonb), coalesce(cmn.n, 0), agg.next_step_calls
      from agg
      left join oj using (scope, subject, period_kind, period_start)
      left join cmn using (scope, subject, period_kind, period_start)
      returning 1
    )
    select count(*)::int as n from ins`.execute(trx);
  return rows[0]?.n ?? 0;
}

/** Runs the analysis stage for one tenant. */
export async function analyze(db: SophiaDatabase, o: AnalyzeOptions): Promise<AnalyzeSummary> {
  const started = Date.now();
  const batchSize = o.batchSize ?? DEFAULT_BATCH;
  const trackers = await loadTrackers(db, o.tenant);
  const competitors = competitorsOf(trackers);
  const tools: AnalysisTools = {
    competitors: new CompetitorDetector(competitors),
    trackers: new TrackerMatcher(trackers),
    fairHousing: new FairHousingDetector(fairHousingTerms()),
    nanp: nanpTimeZones(),
  };
  const version = `${ANALYSER_VERSION}+${hashOf({ trackers, competitors })}`;
  const { total, changed } = await timed('find changed calls', () => changedCalls(db, o.tenant, version, o));
  o.logger?.info('analysis: calls to analyse', { calls: total, changed: changed.length });

  const progress = o.progress ? createProgress({ label: 'analyze', intervalSeconds: 5 }) : silentProgress;
  progress.estimate(changed.length);
  const counts = { objections: 0, mentions: 0, hits: 0, findings: 0, chunks: 0 };
  let collectionChanged = false;
  const counter = new TermCounter();
  const covered = new Map<string, number>();
  // Reading and analysing batch n+1 (this process) overlaps writing batch n (the database).
  const prepare = async (batch: Candidate[]) => {
    const hashes = new Map(batch.map((b) => [b.id, b.hash]));
    const calls = await timed('load calls', () =>
      db.withTenant(
        o.tenant,
        (trx) =>
          loadCalls(
            trx,
            batch.map((c) => c.id),
            batch[0]!.started_at,
            batch.at(-1)!.started_at,
          ),
        { readOnly: true },
      ),
    );
    const t = performance.now();
    const items = calls.map((call) => {
      const a = analyseCall(call, tools);
      const month = monthOf(call.startedAt);
      counter.addCall(month, call.callId, a.terms);
      covered.set(month, (covered.get(month) ?? 0) + 1);
      return { call, hash: hashes.get(call.callId)!, a };
    });
    stepTimings.set('analyse (pure)', (stepTimings.get('analyse (pure)') ?? 0) + performance.now() - t);
    return items;
  };
  const add = (b: BatchCounts) => {
    counts.objections += b.objections;
    counts.mentions += b.mentions;
    counts.hits += b.hits;
    counts.findings += b.findings;
    counts.chunks += b.chunks;
    if (b.collection) collectionChanged = true;
  };
  let pending: Promise<BatchCounts> | undefined;
  let done = 0;
  try {
    for (let i = 0; i < changed.length; i += batchSize) {
      const batch = changed.slice(i, i + batchSize);
      const items = await prepare(batch);
      if (pending) {
        add(await pending);
        progress.records(done);
      }
      pending = timed('write batch', () =>
        db.withTenant(o.tenant, (trx) => writeBatch(trx, o.tenant, version, items)),
      );
      pending.catch(() => undefined);
      done = Math.min(changed.length, i + batch.length);
    }
    if (pending) add(await pending);
  } finally {
    // A failed write must not leave the next one unobserved.
    await pending?.catch(() => undefined);
  }
  progress.records(done);
  progress.stop();
  if (changed.length) invalidateTotals();

  const slack = await timed('slack', () =>
    checkSlack(db, o.tenant, tools.fairHousing, version, o.rebuild === true),
  );
  let rollups = 0;
  const months = [...covered.keys()].sort();
  if (changed.length) {
    await db.withTenant(o.tenant, async (trx) => {
      if (collectionChanged || o.rebuild) counts.findings += await refreshFrequencyFindings(trx, o.tenant);
    });
    await timed('term counts', () =>
      refreshTermCounts(db, o.tenant, tools, months, counter, covered, batchSize),
    );
    rollups = await timed('rollups', () => db.withTenant(o.tenant, (trx) => refreshRollups(trx, o.tenant)));
  }
  o.logger?.debug(
    'analysis: time per step',
    Object.fromEntries([...stepTimings].map(([k, v]) => [k, Math.round(v)])),
  );
  return {
    calls: total,
    analysed: changed.length,
    unchanged: total - changed.length,
    objections: counts.objections,
    competitorMentions: counts.mentions,
    trackerHits: counts.hits,
    complianceFindings: counts.findings + slack.findings,
    slackMessagesChecked: slack.checked,
    chunks: counts.chunks,
    termMonths: months.length,
    rollups,
    ms: Date.now() - started,
  };
}

export function formatAnalyzeSummary(s: AnalyzeSummary): string {
  if (s.analysed === 0)
    return `${s.calls.toLocaleString('en-US')} calls up to date, nothing to analyse${s.slackMessagesChecked ? ` (${s.slackMessagesChecked} Slack messages checked)` : ''}`;
  return (
    `analysed ${s.analysed.toLocaleString('en-US')} of ${s.calls.toLocaleString('en-US')} calls ` +
    `(${s.unchanged.toLocaleString('en-US')} unchanged) in ${(s.ms / 1000).toFixed(1)}s: ` +
    `${s.objections.toLocaleString('en-US')} objections, ${s.competitorMentions.toLocaleString('en-US')} competitor mentions, ` +
    `${s.trackerHits.toLocaleString('en-US')} tracker hits, ${s.complianceFindings.toLocaleString('en-US')} compliance findings, ` +
    `${s.chunks.toLocaleString('en-US')} search chunks, ${s.termMonths} months of term counts, ${s.rollups.toLocaleString('en-US')} rollup rows`
  );
}

/**
 * The after-ingest entry (listed in AFTER_INGEST_STAGES, shared/pipeline/after-ingest.ts): runs after every
 * `sophia ingest ...` and `sophia demo`. Typed structurally so this module does not import the list.
 */
export const analysisStage = {
  name: 'analyze',
  async run(
    db: SophiaDatabase,
    ctx: { tenant: string; logger: Logger; progress: boolean },
  ): Promise<{ summary: string }> {
    const summary = await analyze(db, { tenant: ctx.tenant, logger: ctx.logger, progress: ctx.progress });
    return { summary: formatAnalyzeSummary(summary) };
  },
};

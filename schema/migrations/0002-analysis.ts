import { sql } from 'kysely';
import {
  type AnyDb,
  type ColumnSpec,
  createTables,
  detectFeatures,
  dropTables,
  type TableSpec,
} from '../table-spec.js';

/**
 * Migration 0002: the analysis stage's derived tables (conversation intelligence over calls). Everything
 * here is computed from the unified model by `sophia analyze` (shared/pipeline/analysis-stage.ts) and can
 * be rebuilt from it at any time (`sophia analyze --rebuild`). Keyword and concept trackers the tenant
 * defines live in tracker_definitions; their matches go to 0001's tracker_hits (detector `sophia:*`).
 *
 * Frozen: typed against its own snapshot of the tables and columns it creates (see 0001).
 */
interface Columns0002 {
  call_analysis_state:
    'tenant_id' | 'call_id' | 'content_hash' | 'analyser_version' | 'segment_count' | 'analysed_at';
  call_metrics:
    | 'tenant_id'
    | 'call_id'
    | 'call_started_at'
    | 'call_kind'
    | 'duration_ms'
    | 'rep_talk_ms'
    | 'customer_talk_ms'
    | 'other_talk_ms'
    | 'talk_ratio'
    | 'longest_monologue_seconds'
    | 'longest_customer_story_seconds'
    | 'interactivity'
    | 'patience_seconds'
    | 'question_rate'
    | 'rep_questions'
    | 'customer_questions'
    | 'speaker_changes'
    | 'rep_words_per_minute'
    | 'next_step_detected'
    | 'analysed_at';
  call_speaker_metrics:
    | 'tenant_id'
    | 'call_id'
    | 'speaker_id'
    | 'participant_id'
    | 'affiliation'
    | 'talk_ms'
    | 'sentences'
    | 'words'
    | 'questions'
    | 'longest_turn_ms';
  tracker_definitions:
    | 'id'
    | 'tenant_id'
    | 'name'
    | 'kind'
    | 'category'
    | 'description'
    | 'phrases'
    | 'examples'
    | 'speaker'
    | 'threshold'
    | 'active'
    | 'builtin'
    | 'version'
    | 'created_at'
    | 'updated_at';
  objection_episodes:
    | 'id'
    | 'tenant_id'
    | 'call_id'
    | 'call_started_at'
    | 'type'
    | 'confidence'
    | 'cue'
    | 'quote'
    | 'speaker_id'
    | 'participant_id'
    | 'segment_index'
    | 'start_ms'
    | 'end_ms'
    | 'response_speaker_id'
    | 'response_participant_id'
    | 'response_text'
    | 'response_start_ms'
    | 'handling'
    | 'pause_before_answer_ms'
    | 'episode_rep_talk_ratio'
    | 'next_step_detected'
    | 'next_step_text'
    | 'detector';
  competitor_mentions:
    | 'id'
    | 'tenant_id'
    | 'call_id'
    | 'call_started_at'
    | 'competitor'
    | 'phrase'
    | 'context'
    | 'speaker_id'
    | 'participant_id'
    | 'affiliation'
    | 'segment_index'
    | 'start_ms'
    | 'text';
  compliance_findings:
    | 'id'
    | 'tenant_id'
    | 'source'
    | 'call_id'
    | 'slack_message_id'
    | 'rule'
    | 'category'
    | 'severity'
    | 'term'
    | 'protected_class'
    | 'speaker_id'
    | 'affiliation'
    | 'start_ms'
    | 'text'
    | 'cite'
    | 'details'
    | 'occurred_at'
    | 'detected_at';
  term_counts:
    | 'tenant_id'
    | 'period_start'
    | 'kind'
    | 'term'
    | 'calls'
    | 'mentions'
    | 'customer_mentions'
    | 'example_call_id'
    | 'example_start_ms'
    | 'example_text';
  call_content_chunks:
    | 'tenant_id'
    | 'chunk_id'
    | 'call_id'
    | 'call_started_at'
    | 'first_segment'
    | 'last_segment'
    | 'start_ms'
    | 'end_ms'
    | 'speaker_id'
    | 'participant_id'
    | 'affiliation';
  analysis_rollups:
    | 'tenant_id'
    | 'scope'
    | 'subject'
    | 'period_kind'
    | 'period_start'
    | 'calls'
    | 'talk_ratio'
    | 'talk_ratio_median'
    | 'longest_monologue_seconds'
    | 'longest_customer_story_seconds'
    | 'interactivity'
    | 'patience_seconds'
    | 'question_rate'
    | 'objections'
    | 'objections_by_type'
    | 'competitor_mentions'
    | 'next_step_calls'
    | 'refreshed_at';
}
type Spec = { [T in keyof Columns0002]: TableSpec<Columns0002[T]> };

const c = (type: ColumnSpec['type'], comment: string): ColumnSpec => ({ type, comment });
const id = c('uuid primary key default gen_random_uuid()', 'Sophia identifier of the row.');
const tenant = c(
  'text not null references tenants(id)',
  'Tenant (customer organisation) that owns the row; row-level security keys on it.',
);
const callId = c('uuid not null references calls(id) on delete cascade', 'The call.');
const callStarted = c('timestamptz not null', 'Start of the call (copied for period filters).');
const speakerId = c('text', 'Gong speakerId of who said it; joins call_participants.speaker_id.');
const participantId = c(
  'uuid references call_participants(id) on delete set null',
  'The participant who said it.',
);
const affiliation = c('text', 'internal (a rep) or external (the customer) or unknown.');

export const analysisTables: Spec = {
  call_analysis_state: {
    comment:
      'Incrementality of the analysis stage: one row per analysed call with the hash of the transcript it was analysed from and the analyser version; a call whose hash or version differs is analysed again.',
    columns: {
      tenant_id: tenant,
      call_id: callId,
      content_hash: c(
        'text not null',
        'SHA-256 of the call transcript (speakers, times, text) and its parties.',
      ),
      analyser_version: c('text not null', 'Version of the analyser that produced the derived rows.'),
      segment_count: c('integer not null', 'Transcript sentences analysed.'),
      analysed_at: c('timestamptz not null default now()', 'When the call was last analysed.'),
    },
    constraints: ['primary key (tenant_id, call_id)'],
  },
  call_metrics: {
    comment:
      'Gong-style interaction statistics per call, computed from the transcript (rep = internal speakers, customer = external).',
    columns: {
      tenant_id: tenant,
      call_id: callId,
      call_started_at: callStarted,
      call_kind: c(
        'text not null',
        'sales (a conversation with a customer or prospect), collection (a debt-collection call to a resident) or internal (no external speaker).',
      ),
      duration_ms: c('integer not null', 'From the first sentence start to the last sentence end, ms.'),
      rep_talk_ms: c('integer not null', 'Talk time of internal speakers, ms.'),
      customer_talk_ms: c('integer not null', 'Talk time of external speakers, ms.'),
      other_talk_ms: c('integer not null', 'Talk time of speakers of unknown affiliation, ms.'),
      talk_ratio: c('real', 'Rep talk time / all talk time, 0-1 (null without talk).'),
      longest_monologue_seconds: c('real not null', 'Longest uninterrupted rep speech, seconds.'),
      longest_customer_story_seconds: c('real not null', 'Longest uninterrupted customer speech, seconds.'),
      interactivity: c('real not null', 'Speaker changes per minute scaled to 0-10 (Gong interactivity).'),
      patience_seconds: c(
        'real',
        'Average pause before a rep speaks after a customer stops, seconds (null without such a turn).',
      ),
      question_rate: c('real not null', 'Questions asked by reps per hour of call.'),
      rep_questions: c('integer not null', 'Questions asked by reps.'),
      customer_questions: c('integer not null', 'Questions asked by customers.'),
      speaker_changes: c('integer not null', 'Times the speaker changed.'),
      rep_words_per_minute: c('real', 'Rep speaking rate, words per minute of rep talk.'),
      next_step_detected: c(
        'boolean not null',
        'A concrete next step (meeting, follow-up, send) was agreed.',
      ),
      analysed_at: c('timestamptz not null default now()', 'When computed.'),
    },
    constraints: ['primary key (tenant_id, call_id)'],
    indexes: ['(tenant_id, call_started_at)', '(tenant_id, call_kind, call_started_at)'],
  },
  call_speaker_metrics: {
    comment: 'Talk statistics per speaker of each call.',
    columns: {
      tenant_id: tenant,
      call_id: callId,
      speaker_id: c('text not null', 'Gong speakerId.'),
      participant_id: participantId,
      affiliation,
      talk_ms: c('integer not null', 'Total talk time, ms.'),
      sentences: c('integer not null', 'Transcript sentences spoken.'),
      words: c('integer not null', 'Words spoken.'),
      questions: c('integer not null', 'Questions asked.'),
      longest_turn_ms: c('integer not null', 'Longest uninterrupted turn, ms.'),
    },
    constraints: ['primary key (tenant_id, call_id, speaker_id)'],
  },
  tracker_definitions: {
    comment:
      'Trackers: keyword trackers (phrases, optionally only when said by a rep or a customer) and concept trackers (example sentences matched by similarity). Matches are written to tracker_hits.',
    columns: {
      id,
      tenant_id: tenant,
      name: c('text not null', 'Tracker name (unique per tenant), e.g. discount_request.'),
      kind: c('text not null', 'keyword or concept.'),
      category: c('text', 'competitor, objection, feature, playbook, value, compliance or other.'),
      description: c('text', 'What the tracker is for.'),
      phrases: c("text[] not null default '{}'", 'Keyword phrases (keyword trackers).'),
      examples: c("text[] not null default '{}'", 'Example sentences (concept trackers).'),
      speaker: c("text not null default 'any'", 'Whose speech is searched: any, rep or customer.'),
      threshold: c('real', 'Similarity threshold 0-1 for concept trackers.'),
      active: c('boolean not null default true', 'Inactive trackers are not applied.'),
      builtin: c('boolean not null default false', 'Created by Sophia (may still be edited).'),
      version: c(
        'integer not null default 1',
        'Bumped on every change; calls are re-scanned for a new version.',
      ),
      created_at: c('timestamptz not null default now()', 'When created.'),
      updated_at: c('timestamptz not null default now()', 'When last changed.'),
    },
    constraints: ['unique (tenant_id, name)'],
  },
  objection_episodes: {
    comment:
      "Objections raised by customers on calls: type, the customer's quote, the rep's response and how it was handled, the pause before answering, and whether the call reached a next step.",
    columns: {
      id,
      tenant_id: tenant,
      call_id: callId,
      call_started_at: callStarted,
      type: c(
        'text not null',
        'pricing, integration, ai_trust, compliance, timing, contract, competitor or other.',
      ),
      confidence: c('real not null', 'Detector confidence 0-1.'),
      cue: c('text', 'The cue that triggered the detection.'),
      quote: c('text not null', "The customer's words."),
      speaker_id: speakerId,
      participant_id: participantId,
      segment_index: c('integer not null', 'Transcript sentence of the objection.'),
      start_ms: c('integer not null', 'Start of the objection, ms from call start.'),
      end_ms: c('integer not null', 'End of the objection, ms.'),
      response_speaker_id: c('text', 'Rep who answered (Gong speakerId).'),
      response_participant_id: c(
        'uuid references call_participants(id) on delete set null',
        'Rep who answered.',
      ),
      response_text: c('text', "The rep's answer (first rep turn after the objection)."),
      response_start_ms: c('integer', 'Start of the answer, ms.'),
      handling: c(
        'text',
        'Handling approach: discount, evidence, value_reframe, probe, defer, deflect, empathize or other.',
      ),
      pause_before_answer_ms: c('integer', 'Silence between the objection and the answer, ms.'),
      episode_rep_talk_ratio: c(
        'real',
        'Rep share of talk from the objection to the next customer turn after the answer.',
      ),
      next_step_detected: c('boolean not null', 'The call reached a concrete next step after the objection.'),
      next_step_text: c('text', 'The next-step sentence, if any.'),
      detector: c('text not null', 'What found it, e.g. sophia:cues@1.'),
    },
    indexes: ['(tenant_id, call_id)', '(tenant_id, type, call_started_at)', '(tenant_id, call_started_at)'],
  },
  competitor_mentions: {
    comment: 'Competitors named on calls, with who named them and in what context.',
    columns: {
      id,
      tenant_id: tenant,
      call_id: callId,
      call_started_at: callStarted,
      competitor: c('text not null', 'Canonical competitor name, e.g. EliseAI.'),
      phrase: c('text not null', 'The words that matched.'),
      context: c('text', 'evaluating, using, switching, comparing, pricing or mention.'),
      speaker_id: speakerId,
      participant_id: participantId,
      affiliation,
      segment_index: c('integer not null', 'Transcript sentence.'),
      start_ms: c('integer not null', 'Start, ms from call start.'),
      text: c('text not null', 'The sentence.'),
    },
    indexes: ['(tenant_id, call_id)', '(tenant_id, competitor, call_started_at)'],
  },
  compliance_findings: {
    comment:
      'Compliance risks found in calls and Slack: Fair Housing phrases (reference lexicon; ok phrases never flagged) and FDCPA / Regulation F contact rules. Not legal advice.',
    columns: {
      id,
      tenant_id: tenant,
      source: c('text not null', 'call or slack.'),
      call_id: c('uuid references calls(id) on delete cascade', 'The call, for call findings.'),
      slack_message_id: c(
        'uuid references slack_messages(id) on delete cascade',
        'The Slack message, for Slack findings.',
      ),
      rule: c(
        'text not null',
        'Rule id, e.g. fair_housing, fdcpa_time_of_day, fdcpa_7_in_7, fdcpa_mini_miranda.',
      ),
      category: c('text not null', 'fair_housing or fdcpa.'),
      severity: c('text not null', 'high, medium or low.'),
      term: c('text', 'The lexicon term that matched (Fair Housing).'),
      protected_class: c('text', 'Protected class of the term (Fair Housing).'),
      speaker_id: speakerId,
      affiliation,
      start_ms: c('integer', 'Offset in the call, ms.'),
      text: c('text', 'The sentence or message.'),
      cite: c('text', 'Statute or regulation cited.'),
      details: c('jsonb', 'Rule-specific evidence (local time, time zone, call counts, ...).'),
      occurred_at: c('timestamptz', 'When the call or message happened.'),
      detected_at: c('timestamptz not null default now()', 'When found.'),
    },
    indexes: ['(tenant_id, call_id)', '(tenant_id, rule, occurred_at)', '(tenant_id, slack_message_id)'],
  },
  term_counts: {
    comment:
      'Terms (noun phrases) and topics per month over call transcripts, for trends: calls mentioning them and mentions.',
    columns: {
      tenant_id: tenant,
      period_start: c('date not null', 'First day of the month.'),
      kind: c('text not null', 'term, topic, objection or competitor.'),
      term: c('text not null', 'The normalised term.'),
      calls: c('integer not null', 'Calls of the month mentioning it.'),
      mentions: c('integer not null', 'Mentions in the month.'),
      customer_mentions: c('integer not null', 'Mentions by customers.'),
      example_call_id: c('uuid references calls(id) on delete set null', 'A call with an example mention.'),
      example_start_ms: c('integer', 'Offset of the example, ms.'),
      example_text: c('text', 'The example sentence.'),
    },
    constraints: ['primary key (tenant_id, kind, period_start, term)'],
    indexes: ['(tenant_id, kind, term)'],
  },
  call_content_chunks: {
    comment:
      'Where each call_content search chunk (kb_chunks of collection call_content, one document per call) sits in its call: sentences, times and speaker.',
    columns: {
      tenant_id: tenant,
      chunk_id: c('uuid not null references kb_chunks(id) on delete cascade', 'The search chunk.'),
      call_id: callId,
      call_started_at: callStarted,
      first_segment: c('integer not null', 'First transcript sentence in the chunk.'),
      last_segment: c('integer not null', 'Last transcript sentence in the chunk.'),
      start_ms: c('integer not null', 'Start of the chunk, ms from call start.'),
      end_ms: c('integer not null', 'End of the chunk, ms.'),
      speaker_id: c('text', 'Speaker of the first sentence of the chunk.'),
      participant_id: participantId,
      affiliation,
    },
    constraints: ['primary key (tenant_id, chunk_id)'],
    indexes: ['(tenant_id, call_id)'],
  },
  analysis_rollups: {
    comment:
      'Averages of call metrics and counts of objections, competitor mentions and next steps per rep, team and tenant and per month or quarter, refreshed by the analysis stage.',
    columns: {
      tenant_id: tenant,
      scope: c(
        'text not null',
        'rep (subject = users.id), team (subject = team name) or tenant (subject = *).',
      ),
      subject: c('text not null', 'The rep id, team name or *.'),
      period_kind: c('text not null', 'month, quarter or all.'),
      period_start: c('date not null', 'First day of the period (1970-01-01 for all).'),
      calls: c('integer not null', 'External calls analysed.'),
      talk_ratio: c('real', 'Average talk ratio 0-1.'),
      talk_ratio_median: c('real', 'Median talk ratio 0-1.'),
      longest_monologue_seconds: c('real', 'Average longest monologue, seconds.'),
      longest_customer_story_seconds: c('real', 'Average longest customer story, seconds.'),
      interactivity: c('real', 'Average interactivity 0-10.'),
      patience_seconds: c('real', 'Average patience, seconds.'),
      question_rate: c('real', 'Average rep questions per hour.'),
      objections: c('integer not null', 'Objection episodes.'),
      objections_by_type: c('jsonb not null', 'Objection episodes per type.'),
      competitor_mentions: c('integer not null', 'Competitor mentions.'),
      next_step_calls: c('integer not null', 'Calls with a next step.'),
      refreshed_at: c('timestamptz not null default now()', 'When refreshed.'),
    },
    constraints: ['primary key (tenant_id, scope, subject, period_kind, period_start)'],
    indexes: ['(tenant_id, scope, period_kind, period_start)'],
  },
};

/** What this migration creates (see `SophiaMigration`). */
export const tables: Record<string, TableSpec> = analysisTables;

export async function up(db: AnyDb): Promise<void> {
  const features = await detectFeatures(db);
  await createTables(db, analysisTables, features);
  // Speeds up the stage's "which calls changed" scan and tracker_hits replacement per detector.
  await sql
    .raw(
      `create index if not exists tracker_hits_detector_idx on tracker_hits (tenant_id, detector, call_id)`,
    )
    .execute(db);
}

export async function down(db: AnyDb): Promise<void> {
  await sql.raw(`drop index if exists tracker_hits_detector_idx`).execute(db);
  await dropTables(db, analysisTables);
}

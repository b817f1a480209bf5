import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/**
 * Types of the tables of migration 0002 (schema/migrations/0002-analysis.ts): the analysis stage's derived
 * tables. Written by shared/pipeline/analysis-stage.ts, read by the gong-analytics server.
 */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultNow = ColumnType<Date, Date | string | undefined, Date | string>;
type DateOnly = ColumnType<Date, Date | string, Date | string>;
type Json<T extends object = Record<string, unknown>> = JSONColumnType<T, T | string, T | string>;
type TextArray = ColumnType<string[], string[] | undefined, string[]>;

export interface CallAnalysisStateTable {
  tenant_id: string;
  call_id: string;
  content_hash: string;
  analyser_version: string;
  segment_count: number;
  analysed_at: DefaultNow;
}

export interface CallMetricsTable {
  tenant_id: string;
  call_id: string;
  call_started_at: Timestamp;
  /** sales, collection or internal. */
  call_kind: string;
  duration_ms: number;
  rep_talk_ms: number;
  customer_talk_ms: number;
  other_talk_ms: number;
  /** Rep talk / all talk, 0-1. */
  talk_ratio: number | null;
  longest_monologue_seconds: number;
  longest_customer_story_seconds: number;
  interactivity: number;
  patience_seconds: number | null;
  /** Rep questions per hour. */
  question_rate: number;
  rep_questions: number;
  customer_questions: number;
  speaker_changes: number;
  rep_words_per_minute: number | null;
  next_step_detected: boolean;
  analysed_at: DefaultNow;
}

export interface CallSpeakerMetricsTable {
  tenant_id: string;
  call_id: string;
  speaker_id: string;
  participant_id: string | null;
  affiliation: string | null;
  talk_ms: number;
  sentences: number;
  words: number;
  questions: number;
  longest_turn_ms: number;
}

export interface TrackerDefinitionsTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  /** keyword or concept. */
  kind: string;
  category: string | null;
  description: string | null;
  phrases: TextArray;
  examples: TextArray;
  /** any, rep or customer. */
  speaker: Generated<string>;
  threshold: number | null;
  active: Generated<boolean>;
  builtin: Generated<boolean>;
  version: Generated<number>;
  created_at: DefaultNow;
  updated_at: DefaultNow;
}

export interface ObjectionEpisodesTable {
  id: Generated<string>;
  tenant_id: string;
  call_id: string;
  call_started_at: Timestamp;
  /** pricing, integration, ai_trust, compliance, timing, contract, competitor or other. */
  type: string;
  confidence: number;
  cue: string | null;
  quote: string;
  speaker_id: string | null;
  participant_id: string | null;
  segment_index: number;
  start_ms: number;
  end_ms: number;
  response_speaker_id: string | null;
  response_participant_id: string | null;
  response_text: string | null;
  response_start_ms: number | null;
  /** discount, evidence, value_reframe, probe, defer, deflect, empathize or other. */
  handling: string | null;
  pause_before_answer_ms: number | null;
  episode_rep_talk_ratio: number | null;
  next_step_detected: boolean;
  next_step_text: string | null;
  detector: string;
}

export interface CompetitorMentionsTable {
  id: Generated<string>;
  tenant_id: string;
  call_id: string;
  call_started_at: Timestamp;
  competitor: string;
  phrase: string;
  context: string | null;
  speaker_id: string | null;
  participant_id: string | null;
  affiliation: string | null;
  segment_index: number;
  start_ms: number;
  text: string;
}

export interface ComplianceFindingsTable {
  id: Generated<string>;
  tenant_id: string;
  /** call or slack. */
  source: string;
  call_id: string | null;
  slack_message_id: string | null;
  rule: string;
  /** fair_housing or fdcpa. */
  category: string;
  severity: string;
  term: string | null;
  protected_class: string | null;
  speaker_id: string | null;
  affiliation: string | null;
  start_ms: number | null;
  text: string | null;
  cite: string | null;
  details: Json | null;
  occurred_at: Timestamp | null;
  detected_at: DefaultNow;
}

export interface TermCountsTable {
  tenant_id: string;
  period_start: DateOnly;
  /** term, topic, objection or competitor. */
  kind: string;
  term: string;
  calls: number;
  mentions: number;
  customer_mentions: number;
  example_call_id: string | null;
  example_start_ms: number | null;
  example_text: string | null;
}

export interface CallContentChunksTable {
  tenant_id: string;
  chunk_id: string;
  call_id: string;
  call_started_at: Timestamp;
  first_segment: number;
  last_segment: number;
  start_ms: number;
  end_ms: number;
  speaker_id: string | null;
  participant_id: string | null;
  affiliation: string | null;
}

export interface AnalysisRollupsTable {
  tenant_id: string;
  /** rep, team or tenant. */
  scope: string;
  /** users.id, team name or *. */
  subject: string;
  /** month, quarter or all. */
  period_kind: string;
  period_start: DateOnly;
  calls: number;
  talk_ratio: number | null;
  talk_ratio_median: number | null;
  longest_monologue_seconds: number | null;
  longest_customer_story_seconds: number | null;
  interactivity: number | null;
  patience_seconds: number | null;
  question_rate: number | null;
  objections: number;
  objections_by_type: Json<Record<string, number>>;
  competitor_mentions: number;
  next_step_calls: number;
  refreshed_at: DefaultNow;
}

/** The tables created by migration 0002. */
export interface AnalysisTables {
  call_analysis_state: CallAnalysisStateTable;
  call_metrics: CallMetricsTable;
  call_speaker_metrics: CallSpeakerMetricsTable;
  tracker_definitions: TrackerDefinitionsTable;
  objection_episodes: ObjectionEpisodesTable;
  competitor_mentions: CompetitorMentionsTable;
  compliance_findings: ComplianceFindingsTable;
  term_counts: TermCountsTable;
  call_content_chunks: CallContentChunksTable;
  analysis_rollups: AnalysisRollupsTable;
}

/**
 * The input of the analysis: one call's transcript sentences and who spoke them. Pure data, no I/O: the
 * analysis stage (shared/pipeline/analysis-stage.ts) reads it from the database, these modules compute.
 */
export type Side = 'rep' | 'customer' | 'unknown';

export interface Sentence {
  /** Position in the call, from 0. */
  index: number;
  /** Gong speakerId (joins call_participants.speaker_id). */
  speakerId: string | null;
  startMs: number;
  endMs: number;
  text: string;
}

export interface Speaker {
  speakerId: string;
  participantId: string | null;
  side: Side;
}

/** Maps a participant's affiliation (Gong: Internal, External, Unknown) to a side of the conversation. */
export function sideOf(affiliation: string | null | undefined): Side {
  const a = (affiliation ?? '').toLowerCase();
  if (a === 'internal') return 'rep';
  if (a === 'external') return 'customer';
  return 'unknown';
}

/** A run of consecutive sentences by one speaker. */
export interface Turn {
  speakerId: string | null;
  side: Side;
  /** Indexes into the sentence array the turn was built from (not segment indexes). */
  first: number;
  last: number;
  startMs: number;
  endMs: number;
}

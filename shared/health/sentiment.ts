import Sentiment from 'sentiment';

/**
 * Sentiment of what a customer said, with the AFINN-165 lexicon (`sentiment` package: word scores -5..5,
 * negation handled). A call's customer-side sentences are scored one by one: the mean score per word, how
 * many sentences read negative, and the most negative one as evidence.
 */
const analyzer = new Sentiment();

export interface TextSentiment {
  /** Mean AFINN score per word over all sentences (about -0.05..0.15 for business conversation). */
  comparative: number;
  sentences: number;
  negativeSentences: number;
  /** The most negative sentence, when one is negative. */
  worst: string | null;
}

/** At least this many negative sentences, or this share of them, make an interaction negative. */
export const NEGATIVE_SENTENCES = 4;
export const NEGATIVE_SHARE = 0.3;

export function sentimentOfSentences(sentences: readonly string[]): TextSentiment {
  let score = 0;
  let words = 0;
  let negative = 0;
  let worst: string | null = null;
  let worstScore = 0;
  for (const s of sentences) {
    const a = analyzer.analyze(s);
    score += a.score;
    words += a.tokens.length;
    if (a.score < 0) {
      negative++;
      if (a.score < worstScore) {
        worstScore = a.score;
        worst = s;
      }
    }
  }
  return {
    comparative: words === 0 ? 0 : score / words,
    sentences: sentences.length,
    negativeSentences: negative,
    worst,
  };
}

export function isNegative(s: TextSentiment): boolean {
  if (s.sentences === 0) return false;
  return (
    s.negativeSentences >= NEGATIVE_SENTENCES ||
    (s.negativeSentences >= 2 && s.negativeSentences / s.sentences >= NEGATIVE_SHARE)
  );
}

/** Words that mark a Slack message about an account as an escalation or a risk. */
const RISK_WORDS =
  /\b(escalat\w*|churn\w*|cancel\w*|renewal risk|at risk|frustrat\w*|unhappy|not happy|complain\w*|ticket\w*|outage|broken|evaluating|competitor|refund)\b/i;

export function mentionsRisk(text: string): boolean {
  return RISK_WORDS.test(text);
}

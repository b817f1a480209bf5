import { sql } from 'kysely';
import type { SophiaDatabase } from '../../../shared/db/database.js';

/**
 * A small, hand-made Gong world inserted straight into the tables (so the server's tests do not depend on
 * ingestion or the analysis stage): two reps (Kevin Kane, with a Gong and a Salesforce user row in one
 * identity cluster, and Maria Lopez), two accounts, deals won and lost, four calls with timed transcripts.
 */
export const KEVIN = 'Kevin Kane';
export const MARIA = 'Maria Lopez';

export interface WorldCall {
  callId: string;
  id: string;
  startedAt: Date;
}

export interface World {
  calls: Record<'c1' | 'c2' | 'c3' | 'c4', WorldCall>;
  kevinIds: string[];
  mariaIds: string[];
  accountIds: { harbor: string; summit: string };
}

interface Line {
  who: 'rep' | 'customer';
  ms: number;
  text: string;
}

const SCRIPTS: Record<'c1' | 'c2' | 'c3' | 'c4', Line[]> = {
  c1: [
    { who: 'rep', ms: 0, text: 'Thanks for joining, how is the Yardi rollout going?' },
    { who: 'customer', ms: 6000, text: 'Honestly the price is too high for our portfolio right now.' },
    { who: 'rep', ms: 14000, text: 'I hear you. Let me show the cost of the manual work it replaces.' },
    { who: 'customer', ms: 25000, text: 'EliseAI offered us something cheaper last month.' },
    { who: 'rep', ms: 33000, text: "I'll send the ROI model before Friday." },
  ],
  c2: [
    { who: 'rep', ms: 0, text: 'Welcome back. Any questions about the RealPage integration?' },
    { who: 'customer', ms: 5000, text: 'We worry the integration with RealPage will break our ledger sync.' },
    { who: 'rep', ms: 16000, text: 'We sync every fifteen minutes and reconcile nightly.' },
  ],
  c3: [
    { who: 'rep', ms: 0, text: 'Let us review the contract terms today.' },
    { who: 'customer', ms: 7000, text: 'The pricing sheet is clear, it fits our plan.' },
    { who: 'rep', ms: 15000, text: 'Great, I will send the order form.' },
  ],
  c4: [
    { who: 'rep', ms: 0, text: 'Quick check-in on collections.' },
    { who: 'customer', ms: 4000, text: 'The budget is tight this quarter and the price worries our CFO.' },
    { who: 'rep', ms: 12000, text: 'We can phase the rollout to spread the cost.' },
  ],
};

export async function insertWorld(db: SophiaDatabase, tenant: string, suffix = ''): Promise<World> {
  return db.withTenant(tenant, async (trx) => {
    const users = await trx
      .insertInto('users')
      .values([
        {
          tenant_id: tenant,
          source: 'gong',
          source_id: `u-kevin${suffix}`,
          full_name: KEVIN,
          email: `kevin${suffix}@payready.com`,
        },
        {
          tenant_id: tenant,
          source: 'salesforce',
          source_id: `005kevin${suffix}`,
          full_name: KEVIN,
          email: `kevin${suffix}@payready.com`,
          team: 'Sales',
        },
        {
          tenant_id: tenant,
          source: 'gong',
          source_id: `u-maria${suffix}`,
          full_name: MARIA,
          email: `maria${suffix}@payready.com`,
          team: 'Sales',
        },
      ])
      .returning(['id', 'source_id'])
      .execute();
    const kevinGong = users[0]!.id;
    await trx
      .updateTable('users')
      .set({ canonical_id: kevinGong })
      .where('id', 'in', [users[0]!.id, users[1]!.id])
      .execute();
    const maria = users[2]!.id;
    const accounts = await trx
      .insertInto('accounts')
      .values([
        {
          tenant_id: tenant,
          source: 'salesforce',
          source_id: `001harbor${suffix}`,
          name: 'Harbor Point Living',
          pms_platform: 'Yardi',
          portfolio_units: 12000,
          region: 'West',
        },
        {
          tenant_id: tenant,
          source: 'salesforce',
          source_id: `001summit${suffix}`,
          name: 'Summit Residential',
          pms_platform: 'RealPage',
          portfolio_units: 800,
          region: 'South',
        },
      ])
      .returning('id')
      .execute();
    const [harbor, summit] = [accounts[0]!.id, accounts[1]!.id];
    const contacts = await trx
      .insertInto('contacts')
      .values([
        {
          tenant_id: tenant,
          source: 'salesforce',
          source_id: `003dana${suffix}`,
          full_name: 'Dana Fox',
          email: 'dana@harborpoint.com',
          account_id: harbor,
          title: 'VP Operations',
        },
        {
          tenant_id: tenant,
          source: 'salesforce',
          source_id: `003lee${suffix}`,
          full_name: 'Lee Park',
          email: 'lee@summitres.com',
          account_id: summit,
          title: 'CFO',
        },
      ])
      .returning('id')
      .execute();
    const opps = await trx
      .insertInto('opportunities')
      .values([
        {
          tenant_id: tenant,
          source: 'salesforce',
          source_id: `006harbor${suffix}`,
          name: 'Harbor Point - New Business',
          account_id: harbor,
          stage: 'Closed Won',
          is_closed: true,
          is_won: true,
          amount: 60000,
        },
        {
          tenant_id: tenant,
          source: 'salesforce',
          source_id: `006summit${suffix}`,
          name: 'Summit - New Business',
          account_id: summit,
          stage: 'closedlost',
          is_closed: true,
          is_won: false,
          amount: 20000,
        },
      ])
      .returning('id')
      .execute();
    const specs = [
      {
        key: 'c1',
        gong: `11110000000000000001${suffix}`,
        at: '2025-02-03T15:00:00Z',
        rep: kevinGong,
        acct: harbor,
        opp: opps[0]!.id,
        contact: 0,
        title: 'Harbor Point pricing review',
      },
      {
        key: 'c2',
        gong: `11110000000000000002${suffix}`,
        at: '2025-02-20T16:00:00Z',
        rep: maria,
        acct: summit,
        opp: opps[1]!.id,
        contact: 1,
        title: 'Summit integration deep dive',
      },
      {
        key: 'c3',
        gong: `11110000000000000003${suffix}`,
        at: '2025-05-12T14:00:00Z',
        rep: kevinGong,
        acct: harbor,
        opp: opps[0]!.id,
        contact: 0,
        title: 'Harbor Point contract',
      },
      {
        key: 'c4',
        gong: `11110000000000000004${suffix}`,
        at: '2025-05-20T18:00:00Z',
        rep: maria,
        acct: summit,
        opp: null,
        contact: 1,
        title: 'Summit check-in',
      },
    ] as const;
    const calls = {} as World['calls'];
    for (const s of specs) {
      const call = await trx
        .insertInto('calls')
        .values({
          tenant_id: tenant,
          source: 'gong',
          source_id: s.gong,
          title: s.title,
          started_at: s.at,
          duration_seconds: 40,
          scope: 'External',
          system: 'Zoom',
          account_id: s.acct,
          opportunity_id: s.opp,
          primary_user_id: s.rep,
          url: `https://app.gong.io/call?id=${s.gong}`,
          interaction_stats: JSON.stringify({ Interactivity: 5.5, Patience: 1.2, 'Longest Monologue': 11 }),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const script = SCRIPTS[s.key];
      const repTalk = script.filter((l) => l.who === 'rep').length * 8000;
      const custTalk = script.filter((l) => l.who === 'customer').length * 8000;
      const parts = await trx
        .insertInto('call_participants')
        .values([
          {
            tenant_id: tenant,
            call_id: call.id,
            source_participant_id: `p-rep-${s.key}`,
            speaker_id: `sp-rep-${s.key}`,
            user_id: s.rep,
            name: s.rep === maria ? MARIA : KEVIN,
            affiliation: 'Internal',
            talk_time_ms: repTalk,
          },
          {
            tenant_id: tenant,
            call_id: call.id,
            source_participant_id: `p-cust-${s.key}`,
            speaker_id: `sp-cust-${s.key}`,
            contact_id: contacts[s.contact]!.id,
            name: s.contact === 0 ? 'Dana Fox' : 'Lee Park',
            affiliation: 'External',
            talk_time_ms: custTalk,
          },
        ])
        .returning('id')
        .execute();
      await trx
        .insertInto('transcript_segments')
        .values(
          script.map((l, i) => ({
            tenant_id: tenant,
            call_id: call.id,
            call_started_at: s.at,
            segment_index: i,
            speaker_id: l.who === 'rep' ? `sp-rep-${s.key}` : `sp-cust-${s.key}`,
            participant_id: l.who === 'rep' ? parts[0]!.id : parts[1]!.id,
            start_ms: l.ms,
            end_ms: l.ms + 7000,
            text: l.text,
          })),
        )
        .execute();
      calls[s.key] = { callId: s.gong, id: call.id, startedAt: new Date(s.at) };
    }
    await trx
      .insertInto('tracker_hits')
      .values({
        tenant_id: tenant,
        call_id: calls.c1.id,
        tracker: 'Pricing',
        category: 'objection',
        phrase: 'price is too high',
        start_ms: 6000,
        detector: 'keyword',
      })
      .execute();
    return {
      calls,
      kevinIds: [users[0]!.id, users[1]!.id],
      mariaIds: [maria],
      accountIds: { harbor, summit },
    };
  });
}

/**
 * What the analysis stage would derive for the world, written by hand (the server reads it; the analysis
 * code's correctness is tested elsewhere).
 */
export async function insertAnalysis(db: SophiaDatabase, tenant: string, w: World): Promise<void> {
  await db.withTenant(tenant, async (trx) => {
    const parts = await trx
      .selectFrom('call_participants')
      .select(['id', 'call_id', 'speaker_id', 'affiliation'])
      .execute();
    const part = (call: WorldCall, who: 'rep' | 'customer') =>
      parts.find(
        (p) => p.call_id === call.id && p.affiliation === (who === 'rep' ? 'Internal' : 'External'),
      )!;
    const metric = (
      c: WorldCall,
      talk: number,
      mono: number,
      story: number,
      inter: number,
      patience: number,
      qr: number,
    ) => ({
      tenant_id: tenant,
      call_id: c.id,
      call_started_at: c.startedAt,
      call_kind: 'sales',
      duration_ms: 40000,
      rep_talk_ms: Math.round(talk * 40000),
      customer_talk_ms: Math.round((1 - talk) * 40000),
      other_talk_ms: 0,
      talk_ratio: talk,
      longest_monologue_seconds: mono,
      longest_customer_story_seconds: story,
      interactivity: inter,
      patience_seconds: patience,
      question_rate: qr,
      rep_questions: 1,
      customer_questions: 0,
      speaker_changes: 4,
      rep_words_per_minute: 160,
      next_step_detected: c === w.calls.c1,
    });
    await trx
      .insertInto('call_metrics')
      .values([
        metric(w.calls.c1, 0.4, 20, 30, 6, 1.5, 20),
        metric(w.calls.c2, 0.7, 60, 10, 4, 0.5, 10),
        metric(w.calls.c3, 0.5, 30, 20, 5, 1.0, 30),
        metric(w.calls.c4, 0.6, 40, 12, 3, 0.7, 12),
      ])
      .execute();
    const episode = (
      c: WorldCall,
      type: string,
      quote: string,
      startMs: number,
      response: string | null,
      handling: string | null,
      pause: number | null,
      nextStep: boolean,
      segment: number,
    ) => ({
      tenant_id: tenant,
      call_id: c.id,
      call_started_at: c.startedAt,
      type,
      confidence: 0.9,
      cue: 'test',
      quote,
      speaker_id: part(c, 'customer').speaker_id,
      participant_id: part(c, 'customer').id,
      segment_index: segment,
      start_ms: startMs,
      end_ms: startMs + 7000,
      response_speaker_id: response ? part(c, 'rep').speaker_id : null,
      response_participant_id: response ? part(c, 'rep').id : null,
      response_text: response,
      response_start_ms: response ? startMs + 8000 : null,
      handling,
      pause_before_answer_ms: pause,
      episode_rep_talk_ratio: 0.5,
      next_step_detected: nextStep,
      next_step_text: nextStep ? "I'll send the ROI model before Friday." : null,
      detector: 'test',
    });
    await trx
      .insertInto('objection_episodes')
      .values([
        episode(
          w.calls.c1,
          'pricing',
          'Honestly the price is too high for our portfolio right now.',
          6000,
          'I hear you. Let me show the cost of the manual work it replaces.',
          'value_reframe',
          3000,
          true,
          1,
        ),
        episode(
          w.calls.c1,
          'competitor',
          'EliseAI offered us something cheaper last month.',
          25000,
          "I'll send the ROI model before Friday.",
          'defer',
          1000,
          true,
          3,
        ),
        episode(
          w.calls.c2,
          'integration',
          'We worry the integration with RealPage will break our ledger sync.',
          5000,
          'We sync every fifteen minutes and reconcile nightly.',
          'evidence',
          500,
          false,
          1,
        ),
        episode(
          w.calls.c4,
          'pricing',
          'The budget is tight this quarter and the price worries our CFO.',
          4000,
          'We can phase the rollout to spread the cost.',
          'discount',
          400,
          false,
          1,
        ),
      ])
      .execute();
    await trx
      .insertInto('competitor_mentions')
      .values({
        tenant_id: tenant,
        call_id: w.calls.c1.id,
        call_started_at: w.calls.c1.startedAt,
        competitor: 'EliseAI',
        phrase: 'EliseAI',
        context: 'pricing',
        speaker_id: part(w.calls.c1, 'customer').speaker_id,
        participant_id: part(w.calls.c1, 'customer').id,
        affiliation: 'external',
        segment_index: 3,
        start_ms: 25000,
        text: 'EliseAI offered us something cheaper last month.',
      })
      .execute();

    // Term counts per month ("ledger" rising, "fax" falling, "price" flat), for trends.
    const term = (
      month: string,
      t: string,
      calls: number,
      example: WorldCall | null,
      text: string | null,
    ) => ({
      tenant_id: tenant,
      period_start: month,
      kind: 'term',
      term: t,
      calls,
      mentions: calls,
      customer_mentions: calls,
      example_call_id: example?.id ?? null,
      example_start_ms: example ? 5000 : null,
      example_text: text,
    });
    await trx
      .insertInto('term_counts')
      .values([
        term('2025-02-01', 'ledger', 0, null, null),
        term('2025-05-01', 'ledger', 2, w.calls.c4, 'Our ledger sync keeps failing.'),
        term('2025-02-01', 'fax', 2, w.calls.c1, 'We still fax the leases.'),
        term('2025-05-01', 'fax', 0, null, null),
        term(
          '2025-02-01',
          'price',
          1,
          w.calls.c1,
          'Honestly the price is too high for our portfolio right now.',
        ),
        term(
          '2025-05-01',
          'price',
          1,
          w.calls.c4,
          'The budget is tight this quarter and the price worries our CFO.',
        ),
      ])
      .execute();
    await trx
      .insertInto('compliance_findings')
      .values([
        {
          tenant_id: tenant,
          source: 'call',
          call_id: w.calls.c2.id,
          rule: 'fair_housing',
          category: 'fair_housing',
          severity: 'high',
          term: 'no children',
          protected_class: 'familial_status',
          speaker_id: part(w.calls.c2, 'customer').speaker_id,
          affiliation: 'external',
          start_ms: 5000,
          text: 'Can the assistant say no children at that property?',
          cite: '42 U.S.C. 3604(c)',
          occurred_at: w.calls.c2.startedAt,
        },
        {
          tenant_id: tenant,
          source: 'call',
          call_id: w.calls.c4.id,
          rule: 'fdcpa_time_of_day',
          category: 'fdcpa',
          severity: 'high',
          start_ms: 0,
          text: null,
          cite: '12 CFR 1006.6(b)(1)(i)',
          details: JSON.stringify({ localTime: '21:40', timeZone: 'America/Denver' }),
          occurred_at: w.calls.c4.startedAt,
        },
      ])
      .execute();
    await trx
      .insertInto('tracker_hits')
      .values([
        {
          tenant_id: tenant,
          call_id: w.calls.c2.id,
          tracker: 'compliance_terms',
          category: 'compliance',
          phrase: 'Fair Housing',
          participant_id: part(w.calls.c2, 'customer').id,
          start_ms: 5000,
          detector: 'sophia:keyword',
        },
        {
          tenant_id: tenant,
          call_id: w.calls.c3.id,
          tracker: 'compliance_terms',
          category: 'compliance',
          phrase: 'SOC 2',
          participant_id: part(w.calls.c3, 'rep').id,
          start_ms: 0,
          detector: 'sophia:keyword',
        },
      ])
      .execute();
    // call_content: one chunk per call (all its sentences), postings as the stage writes them.
    for (const [key, c] of Object.entries(w.calls) as Array<[keyof typeof SCRIPTS, WorldCall]>) {
      const script = SCRIPTS[key];
      const content = script.map((l) => l.text).join('\n');
      const doc = await trx
        .insertInto('kb_documents')
        .values({
          tenant_id: tenant,
          collection: 'call_content',
          path: `calls/${c.callId}`,
          title: key,
          content_hash: key,
          size_bytes: content.length,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const chunk = await trx
        .insertInto('kb_chunks')
        .values({
          tenant_id: tenant,
          document_id: doc.id,
          chunk_index: 0,
          start_line: 1,
          end_line: script.length,
          content,
          token_count: Math.ceil(content.length / 4),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await sql`insert into kb_terms (tenant_id, collection, lexeme, chunk_id, tf, dl)
        select c.tenant_id, 'call_content', u.lexeme, c.id, coalesce(array_length(u.positions, 1), 1), greatest(coalesce(c.token_count, 1), 1)
        from kb_chunks c, unnest(c.tsv) u where c.id = ${chunk.id}`.execute(trx);
      await trx
        .insertInto('call_content_chunks')
        .values({
          tenant_id: tenant,
          chunk_id: chunk.id,
          call_id: c.id,
          call_started_at: c.startedAt,
          first_segment: 0,
          last_segment: script.length - 1,
          start_ms: 0,
          end_ms: script[script.length - 1]!.ms + 7000,
        })
        .execute();
    }
  });
}

import { defineResource } from '../../../shared/runtime/define-resource.js';
import { truncateText } from '../../../shared/runtime/budget.js';
import { callDetail, callParties, transcriptPage } from '../data/call-detail.js';
import { resolveCall } from '../data/resolve.js';
import { metricsFromGong, renderCallHeader, renderSegment } from '../call-view.js';

/** gong://calls/{callId} (overview) and gong://calls/{callId}/transcript (the transcript, budgeted). */
const MAX_RESOURCE_TOKENS = 15_000;

export const callResource = defineResource({
  name: 'gong-call',
  template: 'gong://calls/{callId}',
  title: 'Gong call',
  description:
    'A call overview: time, rep, account, deal, parties, metrics (markdown). callId is the Gong call id.',
  mimeType: 'text/markdown',
  async read(_uri, vars, ctx) {
    const db = await ctx.database();
    return db.withTenant(
      ctx.tenant,
      async (trx) => {
        const ref = await resolveCall(trx, String(vars.callId ?? ''));
        const call = await callDetail(trx, ref);
        const parties = await callParties(trx, ref);
        return { text: renderCallHeader(call, parties, metricsFromGong(call, parties)) };
      },
      { readOnly: true },
    );
  },
});

export const transcriptResource = defineResource({
  name: 'gong-call-transcript',
  template: 'gong://calls/{callId}/transcript',
  title: 'Gong call transcript',
  description:
    'A call transcript, one timed line per sentence ("[m:ss] Speaker: text"). Long transcripts are cut; get_call pages by time.',
  mimeType: 'text/plain',
  async read(_uri, vars, ctx) {
    const db = await ctx.database();
    return db.withTenant(
      ctx.tenant,
      async (trx) => {
        const ref = await resolveCall(trx, String(vars.callId ?? ''));
        const segments = await transcriptPage(trx, ref, { index: 0 }, 5000);
        const text = `gong call ${ref.callId} transcript\n${segments.map(renderSegment).join('\n')}`;
        return { text: truncateText(text, MAX_RESOURCE_TOKENS).text };
      },
      { readOnly: true },
    );
  },
});

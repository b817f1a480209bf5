import { defineResource, type ResourceContext } from '../../../shared/runtime/define-resource.js';
import { account360 } from '../tools/account-360.js';
import { timeline } from '../tools/timeline.js';

/** A resource read runs the tool that owns the view, with no progress reporting and no cancellation. */
function asToolContext(ctx: ResourceContext) {
  return { ...ctx, signal: new AbortController().signal, progress: async () => undefined };
}

export const accountResource = defineResource({
  name: 'customer-account',
  template: 'customer://accounts/{id}',
  title: 'Customer account',
  description:
    'One account across every source (the account_360 view, markdown). id: an id from find_accounts.',
  mimeType: 'text/markdown',
  async read(_uri, vars, ctx) {
    const r = await account360.handler({ account_id: String(vars.id ?? '') }, asToolContext(ctx));
    return { text: r.text };
  },
});

export const contactResource = defineResource({
  name: 'customer-contact',
  template: 'customer://contacts/{id}',
  title: 'Customer contact',
  description: "A contact's latest interactions across sources (markdown). id: a contact id or email.",
  mimeType: 'text/markdown',
  async read(_uri, vars, ctx) {
    const r = await timeline.handler({ contact_id: String(vars.id ?? ''), limit: 20 }, asToolContext(ctx));
    return { text: r.text };
  },
});

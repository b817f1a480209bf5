/**
 * Finding an account by the way people write it: a name slug ("Harbor View Residential" ->
 * "harbor-view-residential") for shared Slack channels (`ext-harbor-view-residential`), and a whole-word,
 * case-insensitive name match for messages that mention the account.
 */
const LEGAL_SUFFIX = /\b(llc|inc|ltd|lp|llp|co|corp|corporation|company)\b\.?/gi;

export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(LEGAL_SUFFIX, '')
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Channel-name prefixes used for channels shared with a customer (Slack Connect conventions). */
const SHARED_PREFIX = /^(ext|shared|cust|customer|client|partner)[-_]/;

/** The account slug a channel name is about, when it is a shared customer channel; else null. */
export function sharedChannelSlug(channelName: string): string | null {
  const m = SHARED_PREFIX.exec(channelName.toLowerCase());
  return m ? slugOf(channelName.slice(m[0].length)) : null;
}

export interface NamedAccount {
  id: string;
  name: string;
}

/** Matches account names in text (longest name first, whole words only). */
export class AccountNameMatcher {
  private readonly entries: Array<{ id: string; pattern: RegExp; length: number }>;

  constructor(accounts: readonly NamedAccount[]) {
    const seen = new Set<string>();
    this.entries = [];
    for (const a of accounts) {
      const name = a.name
        .replace(LEGAL_SUFFIX, '')
        .replace(/[,\s]+$/, '')
        .trim();
      // Short or one-word names ("Summit") would match ordinary words.
      if (name.length < 6 || !/\s/.test(name)) continue;
      const key = `${a.id}|${name.toLowerCase()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
      this.entries.push({
        id: a.id,
        pattern: new RegExp(`(^|\\W)${escaped}(\\W|$)`, 'i'),
        length: name.length,
      });
    }
    this.entries.sort((x, y) => y.length - x.length);
  }

  /** Ids of the accounts the text names (each once). */
  match(text: string): string[] {
    const out = new Set<string>();
    const lower = text.toLowerCase();
    for (const e of this.entries) if (e.pattern.test(lower)) out.add(e.id);
    return [...out];
  }
}

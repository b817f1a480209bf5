/**
 * Timestamps in the formats each source really sends (see ../shared/data/airbyte/README.md, "quirks"), and local
 * time in an IANA zone (for collection-call hours). Pure; Intl is only used for time-zone offsets.
 */

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function parts(ms: number) {
  const d = new Date(ms);
  return {
    y: d.getUTCFullYear(),
    mo: pad(d.getUTCMonth() + 1),
    d: pad(d.getUTCDate()),
    h: pad(d.getUTCHours()),
    mi: pad(d.getUTCMinutes()),
    s: pad(d.getUTCSeconds()),
    ms: pad(d.getUTCMilliseconds(), 3),
  };
}

/** `2020-10-22T21:03:23.000+0000` — Salesforce REST. */
export function sfTime(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}.000+0000`;
}

/** `2023-01-17T15:14:50.000Z` — Salesforce Bulk streams in the same sync. */
export function sfTimeZ(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}.000Z`;
}

/** `2024-06-28` — date-only fields (Salesforce CloseDate, ActivityDate). */
export function dateOnly(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d}`;
}

/** `2021-02-22T14:01:11.762000+00:00` — HubSpot values inside `properties`. */
export function hubspotPropTime(ms: number): string {
  const p = parts(ms);
  return `${p.y}-${p.mo}-${p.d}T${p.h}:${p.mi}:${p.s}.${p.ms}000+00:00`;
}

/** `2021-02-22T14:01:11.762Z` — HubSpot `createdAt` / `updatedAt`, Gong `started`. */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2023-05-02T18:22:41Z` — no fraction (Gong users.created). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local wall-clock parts of an instant in an IANA zone, and the zone's offset in minutes at that instant. */
export function localTime(
  ms: number,
  timeZone: string,
): { hour: number; minute: number; offsetMinutes: number; date: string } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const get: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(ms)))
    if (part.type !== 'literal') get[part.type] = Number(part.value);
  const asUtc = Date.UTC(get.year!, get.month! - 1, get.day!, get.hour!, get.minute!, get.second!);
  const offsetMinutes = Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
  return {
    hour: get.hour!,
    minute: get.minute!,
    offsetMinutes,
    date: `${get.year}-${pad(get.month!)}-${pad(get.day!)}`,
  };
}

/** `2024-05-02T11:00:00-04:00` — Gong `scheduled`, in the organiser's zone. */
export function isoWithOffset(ms: number, timeZone: string): string {
  const { offsetMinutes } = localTime(ms, timeZone);
  const local = parts(ms + offsetMinutes * 60000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.y}-${local.mo}-${local.d}T${local.h}:${local.mi}:${local.s}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The UTC instant at which it is `hour:minute` local time on the local day containing `ms`. */
export function atLocalTime(ms: number, timeZone: string, hour: number, minute: number): number {
  const { offsetMinutes, date } = localTime(ms, timeZone);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, hour, minute) - offsetMinutes * 60000;
  // Correct once if the offset differs at the target instant (DST change that day).
  const again = localTime(guess, timeZone).offsetMinutes;
  return again === offsetMinutes ? guess : Date.UTC(y, m - 1, d, hour, minute) - again * 60000;
}

/** Slack `ts`: seconds with six decimals, as a string; `float_ts` is the same value as a number. */
export function slackTs(ms: number, micros: number): string {
  return `${Math.floor(ms / 1000)}.${pad((ms % 1000) * 1000 + (micros % 1000), 6)}`;
}

export const DAY = 86_400_000;

import { type JsonServer, startJsonServer } from './http-json.js';

/**
 * A local server speaking the parts of Gong's REST API v2 that ingestion reads
 * (../shared/data/airbyte/gong-api.md): GET /v2/users, GET /v2/calls, POST /v2/calls/extensive and
 * POST /v2/calls/transcript, with Gong's envelope (`requestId`, `records.{totalRecords, currentPageSize,
 * currentPageNumber, cursor}`), cursor paging, Basic auth, the 100-call-id limit (400 beyond it) and the
 * 404 "No ... found corresponding to the provided filters" for empty results.
 *
 * The data set is deterministic: `users` users and `calls` calls (19- and 20-digit id strings, every
 * `privateEvery`-th call private) spread an hour apart from `start`, two parties each, with a transcript
 * whose speakerIds join to `parties[].speakerId`. Faults can be injected per path (429 with Retry-After,
 * 5xx, any status) and every request is recorded with the time it arrived.
 */
export interface FakeGongOptions {
  accessKey: string;
  secret: string;
  users?: number;
  calls?: number;
  /** Page size of GET endpoints (Gong's is 100). */
  pageSize?: number;
  /** Page size of the POST endpoints. */
  postPageSize?: number;
  /** Every n-th call is private (0 = none). */
  privateEvery?: number;
  start?: string;
}

export interface Fault {
  /** Path the fault applies to, e.g. /v2/calls. */
  path: string;
  status: number;
  /** How many matching requests get it (default 1). */
  times?: number;
  /** Retry-After header value. */
  retryAfter?: string;
  /** Only after this many matching requests succeeded (default 0). */
  after?: number;
  body?: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  at: number;
  status: number;
}

export interface FakeGong extends JsonServer {
  data: {
    users: Array<Record<string, unknown>>;
    calls: Array<Record<string, unknown>>;
    extensive: Map<string, Record<string, unknown>>;
    transcripts: Map<string, Record<string, unknown>>;
  };
  log: RecordedRequest[];
  inject(fault: Fault): void;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Deterministic Gong data; ids are strings, some beyond 2^63. */
export function gongDataSet(options: {
  users?: number;
  calls?: number;
  privateEvery?: number;
  start?: string;
}) {
  const nUsers = options.users ?? 5;
  const nCalls = options.calls ?? 12;
  const start = Date.parse(options.start ?? '2024-05-01T00:00:00Z');
  const users = Array.from({ length: nUsers }, (_, i) => ({
    id: `2345994848484${pad(i, 5)}`,
    emailAddress: `rep${i}@payready.example`,
    created: '2023-01-10T09:00:00Z',
    active: true,
    emailAliases: [],
    trustedEmailAddress: null,
    firstName: `Rep${i}`,
    lastName: 'Example',
    title: 'Account Executive',
    phoneNumber: '+1 (415) 555-01' + pad(i % 100, 2),
    extension: null,
    personalMeetingUrls: [],
    settings: { webConferencesRecorded: true, telephonyCallsImported: false, emailsImported: false },
    managerId: i === 0 ? null : users0(),
    meetingConsentPageUrl: null,
    spokenLanguages: [{ language: 'en-US', primary: true }],
  }));
  function users0() {
    return `2345994848484${pad(0, 5)}`;
  }
  const calls: Array<Record<string, unknown>> = [];
  const extensive = new Map<string, Record<string, unknown>>();
  const transcripts = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < nCalls; i++) {
    // alternate 19-digit ids and 20-digit ids beyond 2^64 (JS numbers would round all of them)
    const id = i % 2 === 0 ? `77823422740259${pad(i, 5)}` : `1844674407370955${pad(i, 4)}`;
    const user = users[i % Math.max(1, nUsers)]!;
    const startedMs = start + i * 3_600_000 + 97_041;
    const started =
      i % 3 === 0
        ? new Date(startedMs).toISOString()
        : new Date(startedMs).toISOString().replace('.041Z', 'Z');
    const basic = {
      id,
      url: `https://app.gong.io/call?id=${id}`,
      title: `Customer ${i} <> Pay Ready: follow-up`,
      scheduled: new Date(startedMs - 97_041).toISOString().replace('Z', '+00:00'),
      started,
      duration: 1200 + i,
      primaryUserId: user.id,
      direction: 'Conference',
      system: 'Zoom',
      scope: 'External',
      media: 'Video',
      language: 'eng',
      workspaceId: '623457276584334',
      sdrDisposition: null,
      clientUniqueId: null,
      customData: null,
      purpose: null,
      meetingUrl: 'https://zoom.us/j/123456789',
      isPrivate: options.privateEvery ? (i + 1) % options.privateEvery === 0 : false,
      calendarEventId: `evt${i}@google.com`,
    };
    calls.push(basic);
    const external = `55123456789012${pad(i, 5)}`;
    const internal = `55123456789013${pad(i, 5)}`;
    const spkExt = `64323456789012${pad(i, 5)}`;
    const spkInt = `64323456789013${pad(i, 5)}`;
    extensive.set(id, {
      metaData: basic,
      context: [
        {
          system: 'Salesforce',
          objects: [
            {
              objectType: 'Account',
              objectId: `0014W000027f6V${pad(i, 4)}`,
              timing: 'TimeOfCall',
              fields: [],
            },
          ],
        },
      ],
      parties: [
        {
          id: external,
          emailAddress: `buyer${i}@customer${i}.example.com`,
          name: `Buyer ${i}`,
          title: 'VP Operations',
          speakerId: spkExt,
          affiliation: 'External',
          methods: ['Invitee', 'Attendee'],
          phoneNumber: null,
          context: [],
        },
        {
          id: internal,
          emailAddress: user.emailAddress,
          name: `${user.firstName} ${user.lastName}`,
          title: 'Account Executive',
          userId: user.id,
          speakerId: spkInt,
          affiliation: 'Internal',
          methods: ['Attendee'],
        },
      ],
      content: { topics: [{ name: 'Pricing', duration: 310 }], trackers: [], brief: `Call ${i}` },
      interaction: {
        speakers: [
          { id: internal, userId: user.id, talkTime: 600.5 },
          { id: external, userId: null, talkTime: 400.25 },
        ],
        interactionStats: [{ name: 'Longest Monologue', value: 125 }],
        questions: { companyCount: 3, nonCompanyCount: 2 },
      },
      collaboration: { publicComments: [] },
      media: { audioUrl: null, videoUrl: null },
    });
    transcripts.set(id, {
      callId: id,
      transcript: [
        {
          speakerId: spkInt,
          topic: 'Call Setup',
          sentences: [
            { start: 460, end: 2890, text: `Hi Buyer ${i}, thanks for making the time.` },
            { start: 2890, end: 5120, text: 'Can everyone hear me okay?' },
          ],
        },
        {
          speakerId: spkExt,
          topic: null,
          sentences: [{ start: 5600, end: 9870, text: 'Yes, loud and clear.' }],
        },
      ],
    });
  }
  return { users, calls, extensive, transcripts };
}

const cursorOf = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
function offsetOf(cursor: string | undefined | null): number | 'bad' {
  if (!cursor) return 0;
  try {
    const o = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { o?: unknown }).o;
    return typeof o === 'number' && Number.isInteger(o) && o >= 0 ? o : 'bad';
  } catch {
    return 'bad';
  }
}

let requestCounter = 0;

export async function startFakeGong(options: FakeGongOptions): Promise<FakeGong> {
  const data = gongDataSet(options);
  const pageSize = options.pageSize ?? 100;
  const postPageSize = options.postPageSize ?? 100;
  const faults: Array<Fault & { seen: number; used: number }> = [];
  const log: RecordedRequest[] = [];
  const expected = `Basic ${Buffer.from(`${options.accessKey}:${options.secret}`).toString('base64')}`;

  const envelope = <T>(key: string, all: T[], offset: number, size: number) => {
    const items = all.slice(offset, offset + size);
    const next = offset + size < all.length ? cursorOf(offset + size) : undefined;
    return {
      requestId: `req${++requestCounter}`,
      records: {
        totalRecords: all.length,
        currentPageSize: items.length,
        currentPageNumber: Math.floor(offset / size),
        ...(next ? { cursor: next } : {}),
      },
      [key]: items,
    };
  };
  const error = (status: number, message: string) => ({
    status,
    body: { requestId: `req${++requestCounter}`, errors: [message] },
  });

  const handle = (
    method: string,
    path: string,
    query: URLSearchParams,
    body: unknown,
    auth: string,
  ): { status?: number; body: unknown; headers?: Record<string, string> | undefined } => {
    for (const f of faults) {
      if (f.path !== path) continue;
      if (f.seen++ < (f.after ?? 0)) continue;
      if (f.used >= (f.times ?? 1)) continue;
      f.used++;
      return {
        status: f.status,
        body: f.body ?? { requestId: `req${++requestCounter}`, errors: [`injected ${f.status}`] },
        headers: f.retryAfter !== undefined ? { 'retry-after': f.retryAfter } : undefined,
      };
    }
    if (auth !== expected) return error(401, 'Unauthorized: invalid access key or secret');
    const b = (body ?? {}) as {
      filter?: { callIds?: unknown; fromDateTime?: string; toDateTime?: string };
      cursor?: string;
    };
    if (method === 'GET' && path === '/v2/users') {
      const offset = offsetOf(query.get('cursor'));
      if (offset === 'bad') return error(400, 'cursor is invalid');
      return { body: envelope('users', data.users, offset, pageSize) };
    }
    if (method === 'GET' && path === '/v2/calls') {
      const from = Date.parse(query.get('fromDateTime') ?? '');
      const to = Date.parse(query.get('toDateTime') ?? '');
      if (query.get('fromDateTime') && Number.isNaN(from))
        return error(400, 'fromDateTime is not a valid date');
      const inRange = data.calls.filter((c) => {
        const t = Date.parse(String(c.started));
        return (Number.isNaN(from) || t >= from) && (Number.isNaN(to) || t < to);
      });
      if (inRange.length === 0) return error(404, 'No calls found corresponding to the provided filters');
      const offset = offsetOf(query.get('cursor'));
      if (offset === 'bad') return error(400, 'cursor is invalid');
      return { body: envelope('calls', inRange, offset, pageSize) };
    }
    if (method === 'POST' && (path === '/v2/calls/extensive' || path === '/v2/calls/transcript')) {
      const ids = b.filter?.callIds;
      if (ids !== undefined && (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')))
        return error(400, 'filter.callIds must be an array of strings');
      if (Array.isArray(ids) && ids.length > 100)
        return error(400, 'filter.callIds: at most 100 call ids allowed');
      const wanted = Array.isArray(ids) ? (ids as string[]) : data.calls.map((c) => String(c.id));
      const source = path === '/v2/calls/extensive' ? data.extensive : data.transcripts;
      const items = wanted.map((id) => source.get(id)).filter((x): x is Record<string, unknown> => !!x);
      if (items.length === 0) return error(404, 'No calls found corresponding to the provided filters');
      const offset = offsetOf(b.cursor);
      if (offset === 'bad') return error(400, 'cursor is invalid');
      return {
        body: envelope(
          path === '/v2/calls/extensive' ? 'calls' : 'callTranscripts',
          items,
          offset,
          postPageSize,
        ),
      };
    }
    return error(404, `no route ${method} ${path}`);
  };

  const server = await startJsonServer(({ method, path, query, headers, body }) => {
    const out = handle(method, path, query, body, String(headers.authorization ?? ''));
    log.push({
      method,
      path,
      query: Object.fromEntries(query),
      body,
      at: Date.now(),
      status: out.status ?? 200,
    });
    return { status: out.status ?? 200, body: out.body, ...(out.headers ? { headers: out.headers } : {}) };
  });
  return Object.assign(server, {
    data,
    log,
    inject: (fault: Fault) => faults.push({ ...fault, seen: 0, used: 0 }),
  });
}

import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { Secret } from './secret.js';

/**
 * Sophia's configuration: one validated object built from the environment.
 * A wrong value stops start-up with a message that names the variable and says what is expected.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const optionalText = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s ? s : undefined));

const secret = optionalText.transform((s) => (s ? new Secret(s) : undefined));

const postgresUrl = optionalText.refine(
  (s) => s === undefined || /^postgres(ql)?:\/\/.+/.test(s),
  'expected a postgres:// or postgresql:// connection URL',
);

const httpUrl = optionalText.refine(
  (s) => s === undefined || /^https?:\/\/[^\s]+$/.test(s),
  'expected an http:// or https:// URL',
);

const bool = (fallback: boolean) =>
  optionalText.transform((s, ctx) => {
    if (s === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(s)) return true;
    if (/^(0|false|no|off)$/i.test(s)) return false;
    ctx.addIssue({ code: 'custom', message: `expected true or false, got '${s}'` });
    return z.NEVER;
  });

const wholeNumber = (fallback: number, min: number, max: number) =>
  optionalText.transform((s, ctx) => {
    if (s === undefined) return fallback;
    const n = Number(s);
    if (!Number.isInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}, got '${s}'` });
      return z.NEVER;
    }
    return n;
  });

const list = optionalText.transform((s) =>
  s
    ? s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)
    : [],
);

const envSchema = z.object({
  DATABASE_URL: postgresUrl,
  REDIS_URL: optionalText.refine(
    (s) => s === undefined || /^rediss?:\/\/.+/.test(s),
    'expected a redis:// or rediss:// URL',
  ),
  SOPHIA_HOME: optionalText,
  SOPHIA_TENANT: optionalText.refine(
    (s) => s === undefined || /^[a-z0-9][a-z0-9_-]{0,62}$/.test(s),
    'expected a tenant id of lowercase letters, digits, _ or - (at most 63 characters)',
  ),
  SOPHIA_DB_IDLE_SECONDS: wholeNumber(300, 5, 86_400),
  SOPHIA_DB_PORT: wholeNumber(0, 0, 65_535),
  SOPHIA_HTTP_MAX_SESSIONS: wholeNumber(500, 1, 100_000),
  SOPHIA_HTTP_MAX_SESSIONS_PER_CALLER: wholeNumber(20, 1, 10_000),
  SOPHIA_HTTP_SESSION_IDLE_SECONDS: wholeNumber(900, 1, 86_400),
  SOPHIA_READ_ONLY: bool(false),
  SOPHIA_TOOLSETS: list,
  SOPHIA_LOG_LEVEL: optionalText.refine(
    (s) => s === undefined || ['debug', 'info', 'warn', 'error', 'silent'].includes(s),
    'expected one of debug, info, warn, error, silent',
  ),
  SOPHIA_AUTH_JWT_SECRET: secret,
  SOPHIA_AUTH_JWKS_URL: httpUrl,
  SOPHIA_AUTH_ISSUER: optionalText,
  SOPHIA_AUTH_AUDIENCE: optionalText,
  SOPHIA_AUTH_DISABLED: bool(false),
  SOPHIA_ALLOWED_HOSTS: list,
  SOPHIA_ALLOWED_ORIGINS: list,
  ANTHROPIC_API_KEY: secret,
  ANTHROPIC_MODEL: optionalText,
  ANTHROPIC_BASE_URL: httpUrl,
  GONG_ACCESS_KEY: secret,
  GONG_ACCESS_KEY_SECRET: secret,
  GONG_BASE_URL: httpUrl,
  GITHUB_TOKEN: secret,
  GITHUB_API_URL: httpUrl,
  VOYAGE_API_KEY: secret,
  VOYAGE_BASE_URL: httpUrl,
  OPENAI_API_KEY: secret,
  OPENAI_BASE_URL: httpUrl,
  PINECONE_API_KEY: secret,
  PINECONE_CONTROLLER_HOST: httpUrl,
  WEAVIATE_URL: httpUrl,
  WEAVIATE_API_KEY: secret,
  // search and knowledge base (issue 4)
  SOPHIA_EMBEDDER: optionalText.refine(
    (s) => s === undefined || ['offline', 'transformers', 'voyage', 'openai'].includes(s),
    'expected one of offline, transformers, voyage, openai',
  ),
  SOPHIA_EMBEDDER_MODEL: optionalText,
  SOPHIA_EMBEDDER_DIMS: wholeNumber(0, 0, 20_000),
  SOPHIA_EMBEDDER_POOLING: optionalText.refine(
    (s) => s === undefined || ['mean', 'cls'].includes(s),
    'expected mean or cls',
  ),
  SOPHIA_EMBEDDER_QUERY_PREFIX: z.string().optional(),
  SOPHIA_EMBEDDER_DOCUMENT_PREFIX: z.string().optional(),
  SOPHIA_EMBEDDING_CACHE: optionalText.refine(
    (s) => s === undefined || ['auto', 'redis', 'memory', 'none'].includes(s),
    'expected one of auto, redis, memory, none',
  ),
  SOPHIA_VECTOR_STORE: optionalText.refine(
    (s) => s === undefined || ['pgvector', 'pinecone', 'weaviate'].includes(s),
    'expected one of pgvector, pinecone, weaviate',
  ),
  PINECONE_INDEX: optionalText,
  PINECONE_INDEX_HOST: httpUrl,
  WEAVIATE_GRPC_URL: optionalText.refine(
    (s) => s === undefined || /^[a-z0-9.-]+:\d+$/i.test(s) || /^https?:\/\/[^\s]+$/.test(s),
    'expected host:port or an http(s):// URL',
  ),
  SOPHIA_KB_DIRS: list,
  SOPHIA_KB_GITHUB: list,
  SOPHIA_KB_DEFAULT: bool(true),
  SOPHIA_KB_WATCH: bool(true),
  SOPHIA_KB_CONTEXTUAL: bool(false),
});

export type Env = z.infer<typeof envSchema>;

export interface SophiaConfig {
  /** PostgreSQL URL; undefined means the embedded default (PGlite served on loopback). */
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Where the embedded database, caches and local state live. */
  home: string;
  tenant: string;
  readOnly: boolean;
  /** Toolsets switched on; empty means all. */
  toolsets: string[];
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  embedded: { idleSeconds: number; port: number };
  auth: {
    jwtSecret: Secret | undefined;
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
    disabled: boolean;
  };
  http: {
    allowedHosts: string[];
    allowedOrigins: string[];
    /** Stateful HTTP sessions: at most this many open, per caller (token `sub`) and in total. */
    maxSessions: number;
    maxSessionsPerCaller: number;
    /** A session unused for this long is closed. */
    sessionIdleSeconds: number;
  };
  keys: {
    anthropic: Secret | undefined;
    anthropicModel: string;
    anthropicBaseUrl: string | undefined;
    gongAccessKey: Secret | undefined;
    gongAccessKeySecret: Secret | undefined;
    gongBaseUrl: string;
    github: Secret | undefined;
    githubApiUrl: string;
    voyage: Secret | undefined;
    voyageBaseUrl: string;
    openai: Secret | undefined;
    openaiBaseUrl: string;
    pinecone: Secret | undefined;
    pineconeControllerHost: string | undefined;
    weaviateUrl: string | undefined;
    weaviate: Secret | undefined;
  };
  /** Search layer and knowledge base (see the README's search section). */
  search: {
    embedder: 'offline' | 'transformers' | 'voyage' | 'openai';
    /** Model name (hosted) or model folder (transformers). */
    embedderModel: string | undefined;
    /** Vector length override; 0 means the model's own. */
    embedderDims: number;
    pooling: 'mean' | 'cls' | undefined;
    queryPrefix: string | undefined;
    documentPrefix: string | undefined;
    /** auto: Redis when REDIS_URL is set, else in-process. */
    cache: 'auto' | 'redis' | 'memory' | 'none';
    vectorStore: 'pgvector' | 'pinecone' | 'weaviate';
    pineconeIndex: string | undefined;
    pineconeIndexHost: string | undefined;
    weaviateGrpc: string | undefined;
    /** Extra folders the knowledge-base server indexes. */
    kbDirs: string[];
    /** GitHub sources, each owner/repo[/path][@ref]. */
    kbGithub: string[];
    /** Index the product's own knowledge-base/ folder. */
    kbDefault: boolean;
    kbWatch: boolean;
    /** Write a model-made context for each chunk (contextual retrieval) when a model is available. */
    kbContextual: boolean;
  };
}

export function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(p);
}

/** Builds the configuration from an environment (process.env by default). Throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined> = process.env): SophiaConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  if (e.SOPHIA_AUTH_JWT_SECRET && e.SOPHIA_AUTH_JWT_SECRET.reveal().length < 32) {
    throw new ConfigError(['SOPHIA_AUTH_JWT_SECRET: expected at least 32 characters (256 bits) for HS256']);
  }
  return {
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    home: expandHome(e.SOPHIA_HOME ?? '~/.sophia'),
    tenant: e.SOPHIA_TENANT ?? 'default',
    readOnly: e.SOPHIA_READ_ONLY,
    toolsets: e.SOPHIA_TOOLSETS,
    logLevel: (e.SOPHIA_LOG_LEVEL as SophiaConfig['logLevel'] | undefined) ?? 'info',
    embedded: { idleSeconds: e.SOPHIA_DB_IDLE_SECONDS, port: e.SOPHIA_DB_PORT },
    auth: {
      jwtSecret: e.SOPHIA_AUTH_JWT_SECRET,
      jwksUrl: e.SOPHIA_AUTH_JWKS_URL,
      issuer: e.SOPHIA_AUTH_ISSUER,
      audience: e.SOPHIA_AUTH_AUDIENCE,
      disabled: e.SOPHIA_AUTH_DISABLED,
    },
    http: {
      allowedHosts: e.SOPHIA_ALLOWED_HOSTS,
      allowedOrigins: e.SOPHIA_ALLOWED_ORIGINS,
      maxSessions: e.SOPHIA_HTTP_MAX_SESSIONS,
      maxSessionsPerCaller: e.SOPHIA_HTTP_MAX_SESSIONS_PER_CALLER,
      sessionIdleSeconds: e.SOPHIA_HTTP_SESSION_IDLE_SECONDS,
    },
    keys: {
      anthropic: e.ANTHROPIC_API_KEY,
      anthropicModel: e.ANTHROPIC_MODEL ?? 'claude-sonnet-4-5',
      anthropicBaseUrl: e.ANTHROPIC_BASE_URL,
      gongAccessKey: e.GONG_ACCESS_KEY,
      gongAccessKeySecret: e.GONG_ACCESS_KEY_SECRET,
      gongBaseUrl: e.GONG_BASE_URL ?? 'https://api.gong.io',
      github: e.GITHUB_TOKEN,
      githubApiUrl: e.GITHUB_API_URL ?? 'https://api.github.com',
      voyage: e.VOYAGE_API_KEY,
      voyageBaseUrl: e.VOYAGE_BASE_URL ?? 'https://api.voyageai.com',
      openai: e.OPENAI_API_KEY,
      openaiBaseUrl: e.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
      pinecone: e.PINECONE_API_KEY,
      pineconeControllerHost: e.PINECONE_CONTROLLER_HOST,
      weaviateUrl: e.WEAVIATE_URL,
      weaviate: e.WEAVIATE_API_KEY,
    },
    search: {
      embedder: (e.SOPHIA_EMBEDDER as SophiaConfig['search']['embedder'] | undefined) ?? 'offline',
      embedderModel: e.SOPHIA_EMBEDDER_MODEL,
      embedderDims: e.SOPHIA_EMBEDDER_DIMS,
      pooling: e.SOPHIA_EMBEDDER_POOLING as 'mean' | 'cls' | undefined,
      queryPrefix: e.SOPHIA_EMBEDDER_QUERY_PREFIX,
      documentPrefix: e.SOPHIA_EMBEDDER_DOCUMENT_PREFIX,
      cache: (e.SOPHIA_EMBEDDING_CACHE as SophiaConfig['search']['cache'] | undefined) ?? 'auto',
      vectorStore: (e.SOPHIA_VECTOR_STORE as SophiaConfig['search']['vectorStore'] | undefined) ?? 'pgvector',
      pineconeIndex: e.PINECONE_INDEX,
      pineconeIndexHost: e.PINECONE_INDEX_HOST,
      weaviateGrpc: e.WEAVIATE_GRPC_URL,
      kbDirs: e.SOPHIA_KB_DIRS,
      kbGithub: e.SOPHIA_KB_GITHUB,
      kbDefault: e.SOPHIA_KB_DEFAULT,
      kbWatch: e.SOPHIA_KB_WATCH,
      kbContextual: e.SOPHIA_KB_CONTEXTUAL,
    },
  };
}

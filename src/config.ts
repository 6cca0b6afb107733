/**
 * The environment, parsed once into a typed, frozen config. Nothing else reads process.env.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { loadManifest } from './models/manifest.ts';

const positiveInt = z.coerce.number().int().positive();
const positiveNumber = z.coerce.number().positive();
const nonNegativeNumber = z.coerce.number().nonnegative();

const EnvSchema = z.object({
  GREENROOM_CACHE_DIR: z.string().min(1).optional(),
  XDG_CACHE_HOME: z.string().min(1).optional(),
  GREENROOM_THREADS: positiveInt.optional(),
  GREENROOM_PIXEL_WORKERS: positiveInt.optional(),
  MALLOC_MMAP_THRESHOLD_: z.string().optional(),
  GREENROOM_MAX_PIXELS: positiveInt.optional(),
  GREENROOM_MODEL: z.string().min(1).optional(),
  GREENROOM_DATA_DIR: z.string().min(1).optional(),
  XDG_DATA_HOME: z.string().min(1).optional(),
  GREENROOM_ENERGY_METER: z.enum(['auto', 'rapl', 'cpu-model', 'nvml']).optional(),
  GREENROOM_CPU_WATTS_PER_THREAD: positiveNumber.optional(),
  GREENROOM_CPU_TDP_W: positiveNumber.optional(),
  GREENROOM_IDLE_WATTS: nonNegativeNumber.optional(),
  GREENROOM_GRID_G_PER_KWH: nonNegativeNumber.optional(),
  GREENROOM_GRID_COUNTRY: z.string().regex(/^[A-Za-z]{2}$/, 'expected an ISO 3166-1 alpha-2 code such as FR').optional(),
  GREENROOM_PUE: z.coerce.number().min(1).optional(),
  GREENROOM_JOB_CONCURRENCY: positiveInt.optional(),
  GREENROOM_MAX_QUEUED_ITEMS: positiveInt.optional(),
  GREENROOM_JOB_RETENTION_HOURS: positiveNumber.optional(),
  GREENROOM_REDIS_URL: z.string().regex(/^rediss?:\/\/./, 'expected redis://host:port (or rediss:// for TLS)').optional(),
  GREENROOM_STORAGE_URL: z.string().regex(/^(file:\/\/\/|s3:\/\/[^/]+)/, 'expected file:///absolute/folder or s3://bucket/prefix').optional(),
  GREENROOM_S3_ENDPOINT: z.string().url().optional(),
  GREENROOM_S3_REGION: z.string().min(1).optional(),
  GREENROOM_S3_FORCE_PATH_STYLE: z.enum(['0', '1', 'true', 'false', 'yes', 'no']).optional(),
  AWS_REGION: z.string().min(1).optional(),
  AWS_DEFAULT_REGION: z.string().min(1).optional(),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  AWS_SESSION_TOKEN: z.string().min(1).optional(),
  GREENROOM_JOB_LOCK_MS: z.coerce.number().int().min(1000).optional(),
  GREENROOM_JOB_STALLED_INTERVAL_MS: z.coerce.number().int().min(500).optional(),
  GREENROOM_JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).optional(),
  GREENROOM_WORKER_NAME: z.string().regex(/^[\w.:@-]{1,100}$/, 'expected letters, digits and . : @ - _ (at most 100)').optional(),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).optional(),
  GREENROOM_MAX_UPLOAD_BYTES: positiveInt.optional(),
  GREENROOM_API_KEYS: z.string().optional(),
  GREENROOM_RATE_LIMIT_PER_MIN: z.coerce.number().int().nonnegative().optional(),
  GREENROOM_ALLOW_URL_FETCH: z.enum(['0', '1', 'true', 'false', 'yes', 'no']).optional(),
  GREENROOM_CORS_ORIGIN: z.string().min(1).optional(),
});

/** Energy settings (see docs/ENERGY.md). */
export interface EnergyConfig {
  /** Which meter: auto (RAPL if readable, plus NVML if nvidia-smi answers, else the CPU model) or one forced. */
  readonly meter: 'auto' | 'rapl' | 'cpu-model' | 'nvml';
  /** Overrides the CPU table: watts per hardware thread. */
  readonly cpuWattsPerThread?: number;
  /** Overrides the CPU table's TDP, in watts. */
  readonly cpuTdpW?: number;
  /** The machine's idle draw, watts, reported apart from jobs' joules; 0 reports none. */
  readonly idleWatts: number;
  /** Grid intensity, gCO2e/kWh; wins over gridCountry. */
  readonly gridGPerKWh?: number;
  /** ISO 3166-1 alpha-2 country for the bundled grid table. */
  readonly gridCountry?: string;
  /** Data-centre power usage effectiveness, 1.0 or more. */
  readonly pue: number;
}

export interface Config {
  /** Where assembled models are cached: $GREENROOM_CACHE_DIR, else $XDG_CACHE_HOME/greenroom, else ~/.cache/greenroom. */
  readonly cacheDir: string;
  /** Threads for the network; defaults to every core this process may use. */
  readonly threads: number;
  /** Worker threads of the pixel pool (refine, decontaminate, touch-up, compose); defaults to every core. */
  readonly pixelWorkers: number;
  /**
   * Whether glibc was told to return large freed buffers to the system (MALLOC_MMAP_THRESHOLD_
   * set, as `npm start` does): without it a server's idle memory stays near its peak.
   */
  readonly mallocTuned: boolean;
  /** Largest accepted image, in pixels (width x height), checked from the header before decoding. */
  readonly maxPixels: number;
  /** Model used when a call names none: $GREENROOM_MODEL, else models.json's default. */
  readonly defaultModel: string;
  /** Where greenroom keeps data (the energy ledger): $GREENROOM_DATA_DIR, else $XDG_DATA_HOME/greenroom, else ~/.local/share/greenroom. */
  readonly dataDir: string;
  readonly energy: EnergyConfig;
  readonly jobs: JobsConfig;
  readonly server: ServerConfig;
  /** Where job inputs and outputs live (see docs/DEPLOY.md). */
  readonly storage: StorageConfig;
}

/** $GREENROOM_STORAGE_URL: file:///folder (default: the data folder) or s3://bucket/prefix. */
export type StorageConfig =
  | { readonly kind: 'file'; /** Unset: the data folder. */ readonly path?: string }
  | {
      readonly kind: 's3';
      readonly bucket: string;
      readonly prefix: string;
      /** $GREENROOM_S3_ENDPOINT: an S3-compatible service (MinIO, R2...). */
      readonly endpoint?: string;
      /** $GREENROOM_S3_REGION, else $AWS_REGION, else $AWS_DEFAULT_REGION. */
      readonly region?: string;
      /** From $AWS_ACCESS_KEY_ID and $AWS_SECRET_ACCESS_KEY (and $AWS_SESSION_TOKEN); unset: the SDK's default chain. */
      readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
      /** $GREENROOM_S3_FORCE_PATH_STYLE; default: on when an endpoint is set. */
      readonly forcePathStyle?: boolean;
    };

/** The HTTP server (see docs/API.md). */
export interface ServerConfig {
  /** $PORT, default 8080. */
  readonly port: number;
  /** $HOST, default 127.0.0.1 (loopback only; set 0.0.0.0 to serve the network). */
  readonly host: string;
  /** Largest accepted upload per file, bytes (default 25 MB); larger gets 413. */
  readonly maxUploadBytes: number;
  /** Accepted x-api-key values; empty (the default) means no key is required. */
  readonly apiKeys: readonly string[];
  /** Requests per minute per API key (per client address when no keys are set); 0 disables. Default 500. */
  readonly rateLimitPerMin: number;
  /** Whether remove.bg's image_url may make the server fetch a URL (default off). */
  readonly allowUrlFetch: boolean;
  /** Origins allowed by CORS, comma-separated, or "*"; unset (the default) sends no CORS headers. */
  readonly corsOrigin?: string;
}

/** The embedded job queue (see docs/JOBS.md). */
export interface JobsConfig {
  /** Items processed at once (default 1: inference already uses every core). */
  readonly concurrency: number;
  /** Queued items accepted before submits get QUEUE_FULL (default 10000). */
  readonly maxQueuedItems: number;
  /** Jobs older than this are deleted with their files (default 168 h, a week). */
  readonly retentionHours: number;
  /** $GREENROOM_REDIS_URL: when set, jobs go through BullMQ on this Redis (a fleet); unset, the embedded queue. */
  readonly redisUrl?: string;
  /** Fleet: how long a worker's claim on an item lasts without renewal, ms (default 30000; see docs/DEPLOY.md). */
  readonly lockMs: number;
  /** Fleet: how often workers look for items whose worker stopped renewing, ms (default 15000). */
  readonly stalledIntervalMs: number;
  /** Fleet: times an item may start before it is failed (default 3): crashes and transient errors count. */
  readonly attempts: number;
  /** Fleet: this worker's name in metrics and item records (default host:pid). */
  readonly workerName: string;
}

/** 25 MB: a large phone photo is 5-15 MB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/** 50 MP: above Photoroom's 36 MP "full" size, far below a decompression bomb. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const cacheRoot = e.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const dataRoot = e.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share');
  return Object.freeze({
    cacheDir: e.GREENROOM_CACHE_DIR ?? path.join(cacheRoot, 'greenroom'),
    threads: e.GREENROOM_THREADS ?? os.availableParallelism(),
    pixelWorkers: e.GREENROOM_PIXEL_WORKERS ?? os.availableParallelism(),
    mallocTuned: e.MALLOC_MMAP_THRESHOLD_ !== undefined,
    maxPixels: e.GREENROOM_MAX_PIXELS ?? DEFAULT_MAX_PIXELS,
    defaultModel: e.GREENROOM_MODEL ?? loadManifest().default,
    dataDir: e.GREENROOM_DATA_DIR ?? path.join(dataRoot, 'greenroom'),
    energy: Object.freeze({
      meter: e.GREENROOM_ENERGY_METER ?? 'auto',
      ...(e.GREENROOM_CPU_WATTS_PER_THREAD !== undefined ? { cpuWattsPerThread: e.GREENROOM_CPU_WATTS_PER_THREAD } : {}),
      ...(e.GREENROOM_CPU_TDP_W !== undefined ? { cpuTdpW: e.GREENROOM_CPU_TDP_W } : {}),
      idleWatts: e.GREENROOM_IDLE_WATTS ?? 0,
      ...(e.GREENROOM_GRID_G_PER_KWH !== undefined ? { gridGPerKWh: e.GREENROOM_GRID_G_PER_KWH } : {}),
      ...(e.GREENROOM_GRID_COUNTRY !== undefined ? { gridCountry: e.GREENROOM_GRID_COUNTRY.toUpperCase() } : {}),
      pue: e.GREENROOM_PUE ?? 1,
    }),
    jobs: Object.freeze({
      concurrency: e.GREENROOM_JOB_CONCURRENCY ?? 1,
      maxQueuedItems: e.GREENROOM_MAX_QUEUED_ITEMS ?? 10_000,
      retentionHours: e.GREENROOM_JOB_RETENTION_HOURS ?? 168,
      ...(e.GREENROOM_REDIS_URL !== undefined ? { redisUrl: e.GREENROOM_REDIS_URL } : {}),
      lockMs: e.GREENROOM_JOB_LOCK_MS ?? 30_000,
      stalledIntervalMs: e.GREENROOM_JOB_STALLED_INTERVAL_MS ?? 15_000,
      attempts: e.GREENROOM_JOB_ATTEMPTS ?? 3,
      workerName: e.GREENROOM_WORKER_NAME ?? `${os.hostname()}:${process.pid}`,
    }),
    storage: parseStorage(e),
    server: Object.freeze({
      port: e.PORT ?? 8080,
      host: e.HOST ?? '127.0.0.1',
      maxUploadBytes: e.GREENROOM_MAX_UPLOAD_BYTES ?? DEFAULT_MAX_UPLOAD_BYTES,
      apiKeys: Object.freeze((e.GREENROOM_API_KEYS ?? '').split(',').map((k) => k.trim()).filter(Boolean)),
      rateLimitPerMin: e.GREENROOM_RATE_LIMIT_PER_MIN ?? 500,
      allowUrlFetch: ['1', 'true', 'yes'].includes(e.GREENROOM_ALLOW_URL_FETCH ?? '0'),
      ...(e.GREENROOM_CORS_ORIGIN !== undefined ? { corsOrigin: e.GREENROOM_CORS_ORIGIN } : {}),
    }),
  });
}

function parseStorage(e: z.infer<typeof EnvSchema>): StorageConfig {
  const url = e.GREENROOM_STORAGE_URL;
  if (url === undefined) return Object.freeze({ kind: 'file' });
  if (url.startsWith('file://')) return Object.freeze({ kind: 'file', path: fileURLToPath(url) });
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
  const region = e.GREENROOM_S3_REGION ?? e.AWS_REGION ?? e.AWS_DEFAULT_REGION;
  const pathStyle = e.GREENROOM_S3_FORCE_PATH_STYLE;
  return Object.freeze({
    kind: 's3',
    bucket,
    prefix,
    ...(e.GREENROOM_S3_ENDPOINT !== undefined ? { endpoint: e.GREENROOM_S3_ENDPOINT } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(e.AWS_ACCESS_KEY_ID !== undefined && e.AWS_SECRET_ACCESS_KEY !== undefined
      ? { credentials: { accessKeyId: e.AWS_ACCESS_KEY_ID, secretAccessKey: e.AWS_SECRET_ACCESS_KEY, ...(e.AWS_SESSION_TOKEN !== undefined ? { sessionToken: e.AWS_SESSION_TOKEN } : {}) } }
      : {}),
    ...(pathStyle !== undefined ? { forcePathStyle: ['1', 'true', 'yes'].includes(pathStyle) } : {}),
  });
}

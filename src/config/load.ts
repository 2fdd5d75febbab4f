import { readFileSync } from 'node:fs';
import { Value, ValueErrorType } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { defaultConfig } from './defaults.js';
import { ConfigSchema, type HawkerConfig } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type EnvKind = 'string' | 'integer' | 'boolean';

/** Environment variables the container and the docs rely on, and the key each one sets. */
export const envBindings: ReadonlyArray<{ env: string; key: string; kind: EnvKind }> = [
  { env: 'HAWKER_DATA_DIR', key: 'dataDir', kind: 'string' },
  { env: 'HAWKER_PUBLIC_URL', key: 'publicUrl', kind: 'string' },
  { env: 'HAWKER_ADMIN_TOKEN', key: 'adminToken', kind: 'string' },
  { env: 'HAWKER_HTTP_HOST', key: 'http.host', kind: 'string' },
  { env: 'HAWKER_HTTP_PORT', key: 'http.port', kind: 'integer' },
  { env: 'HAWKER_METRICS_TOKEN', key: 'http.metricsToken', kind: 'string' },
  { env: 'HAWKER_RTMP_HOST', key: 'rtmp.host', kind: 'string' },
  { env: 'HAWKER_RTMP_PORT', key: 'rtmp.port', kind: 'integer' },
  { env: 'HAWKER_RTMP_PUBLIC_URL', key: 'rtmp.publicUrl', kind: 'string' },
  { env: 'HAWKER_LOG_LEVEL', key: 'log.level', kind: 'string' },
  { env: 'HAWKER_FFMPEG_PATH', key: 'ffmpeg.path', kind: 'string' },
  { env: 'HAWKER_FFPROBE_PATH', key: 'ffmpeg.probePath', kind: 'string' },
  { env: 'HAWKER_X264_PRESET', key: 'pipeline.preset', kind: 'string' },
  { env: 'HAWKER_SEGMENT_SECONDS', key: 'pipeline.segmentSeconds', kind: 'integer' },
  { env: 'HAWKER_LLHLS', key: 'pipeline.lowLatency.enabled', kind: 'boolean' },
  { env: 'HAWKER_RECONNECT_WINDOW_SECONDS', key: 'live.reconnectWindowSeconds', kind: 'integer' },
  { env: 'HAWKER_STRIPE_SECRET_KEY', key: 'payments.stripe.secretKey', kind: 'string' },
  { env: 'HAWKER_STRIPE_PUBLISHABLE_KEY', key: 'payments.stripe.publishableKey', kind: 'string' },
  { env: 'HAWKER_STRIPE_WEBHOOK_SECRET', key: 'payments.stripe.webhookSecret', kind: 'string' },
  { env: 'HAWKER_STORAGE_MIN_FREE_MEGABYTES', key: 'storage.minFreeMegabytes', kind: 'integer' },
  { env: 'HAWKER_KEEP_RECORDINGS_DAYS', key: 'storage.keepRecordingsDays', kind: 'integer' },
];

/** Keys whose values an error message must not repeat: it is printed and may be logged. */
const secretKeys = new Set(['adminToken', 'http.metricsToken', 'payments.stripe.secretKey', 'payments.stripe.webhookSecret']);

type Plain = Record<string, unknown>;

function isPlain(value: unknown): value is Plain {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; arrays and scalars replace (a ladder is replaced whole). */
function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlain(base) || !isPlain(override)) return override === undefined ? base : override;
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = deepMerge(base[k], v);
  return out;
}

function setPath(target: Plain, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (!isPlain(next)) node[part] = {};
    node = node[part] as Plain;
  }
  node[parts[parts.length - 1] as string] = value;
}

function parseEnvValue(name: string, key: string, kind: EnvKind, raw: string): unknown {
  if (kind === 'integer') {
    if (!/^-?\d+$/.test(raw.trim())) {
      throw new ConfigError(`config: ${name} (${key}) must be an integer, got ${JSON.stringify(raw)}`);
    }
    return Number.parseInt(raw, 10);
  }
  if (kind === 'boolean') {
    if (!/^(true|false|1|0)$/i.test(raw)) {
      throw new ConfigError(`config: ${name} (${key}) must be true or false, got ${JSON.stringify(raw)}`);
    }
    return /^(true|1)$/i.test(raw);
  }
  return raw;
}

function readConfigFile(file: string): Plain {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`config: cannot read ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config: ${file} is not valid YAML or JSON: ${(err as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (!isPlain(parsed)) throw new ConfigError(`config: ${file} must hold a mapping of keys at the top`);
  return parsed;
}

export interface LoadOptions {
  /** a YAML or JSON file; HAWKER_CONFIG names one when this is not given */
  file?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Defaults, then the file, then the environment; the result is validated as a whole and
 * the first problem is reported with its dotted key (and the variable that set it).
 */
export function loadConfig(options: LoadOptions = {}): HawkerConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? (env.HAWKER_CONFIG || undefined);
  const fromFile = file ? readConfigFile(file) : {};
  const fromEnv: Plain = {};
  const setBy = new Map<string, string>();
  for (const { env: name, key, kind } of envBindings) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    setPath(fromEnv, key, parseEnvValue(name, key, kind, raw));
    setBy.set(key, name);
  }
  const merged = deepMerge(deepMerge(structuredClone(defaultConfig), fromFile), fromEnv);
  const first = Value.Errors(ConfigSchema, merged).First();
  if (first) {
    const key = first.path.replace(/^\//, '').replaceAll('/', '.') || '(top level)';
    const source = setBy.get(key) ?? (file ? file : 'defaults');
    const problem =
      first.type === ValueErrorType.ObjectAdditionalProperties
        ? 'is not a known key'
        : `${first.message.toLowerCase()}, got ${secretKeys.has(key) ? 'a value that is not shown (a secret)' : JSON.stringify(first.value)}`;
    throw new ConfigError(`config: ${key} (from ${source}) ${problem}`);
  }
  const config = merged as HawkerConfig;
  if (config.pipeline.restartMaxDelayMs < config.pipeline.restartMinDelayMs) {
    throw new ConfigError('config: pipeline.restartMaxDelayMs must be >= pipeline.restartMinDelayMs');
  }
  const names = config.pipeline.ladder.map((r) => r.name);
  if (new Set(names).size !== names.length) {
    throw new ConfigError(`config: pipeline.ladder names must be unique, got ${names.join(', ')}`);
  }
  if (config.payments.providers.includes('stripe')) {
    const missing = (['secretKey', 'publishableKey', 'webhookSecret'] as const).filter((k) => config.payments.stripe[k] === '');
    if (missing.length > 0) {
      throw new ConfigError(
        `config: payments.providers names stripe but payments.stripe.${missing.join(', payments.stripe.')} ${missing.length > 1 ? 'are' : 'is'} empty (set HAWKER_STRIPE_SECRET_KEY, HAWKER_STRIPE_PUBLISHABLE_KEY, HAWKER_STRIPE_WEBHOOK_SECRET)`,
      );
    }
  }
  return config;
}

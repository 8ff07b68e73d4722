// The collector's settings, from a YAML file, the environment and flags, in
// rising priority, with the same names everywhere (DESIGN.md "Interfaces"):
//
//   YAML key      flag            environment
//   host          --host          ROUTELAKE_HOST
//   asn           --asn           ROUTELAKE_ASN
//   router-id     --router-id     ROUTELAKE_ROUTER_ID
//   bgp-listen    --bgp-listen    ROUTELAKE_BGP_LISTEN   (several: a list, or comma separated)
//   http-listen   --http-listen   ROUTELAKE_HTTP_LISTEN  ("off" disables the API)
//   data-dir      --data-dir      ROUTELAKE_DATA_DIR
//   accept        --accept        ROUTELAKE_ACCEPT       (prefixes: any peer in them, any AS)
//   log-level     --log-level     ROUTELAKE_LOG_LEVEL
//   log-format    --log-format    ROUTELAKE_LOG_FORMAT
//   storage       --storage       ROUTELAKE_STORAGE      ("off": keep nothing in ClickHouse)
//   clickhouse-url, -user, -password, -database, -cluster   ROUTELAKE_CLICKHOUSE_URL …
//   storage-batch-size, storage-batch-age, spool-dir        (see StorageConfig)
//   mrt-dump, mrt-dump-dir, mrt-updates-interval, mrt-rib-interval, mrt-retention (see MrtDumpSettings)
//   bmp-stations, bmp-stats-interval                        (see BmpSettings)
//   (the file)    --config        ROUTELAKE_CONFIG
//
// Peers are configured in the file only:
//
//   peers:
//     - address: 192.0.2.10          # one peer…
//       asn: 64500                   # …or `any`
//       description: transit A
//       families: [ipv4-unicast, ipv6-unicast]   # default: all
//       add-path: true               # ADD-PATH receive, default on
//       hold-time: 90                # seconds, 0 or ≥ 3
//       max-prefixes: 1500000        # paths in all families, or per family:
//                                    # {ipv4-unicast: 1200000, ipv6-unicast: 300000}
//       graceful-restart: true       # act as GR helper, default on
//     - prefix: 10.0.0.0/24          # dynamic neighbours: any address in the range
//       asn: any
//
// `accept` ranges are prefix peers with AS `any` and the defaults. An address
// matches its exact peer first, then the longest matching prefix.

import { readFileSync } from 'node:fs'
import { networkInterfaces, hostname as osHostname } from 'node:os'
import { parse as parseYaml } from 'yaml'
import { type FamilyKey, familyByName, familyNameOfKey, knownFamilyNames } from '../bgp/index.ts'
import { LOG_LEVELS, type LogFormat, type LogLevel } from '../log/logger.ts'
import { formatIPv4, formatIPv6, maskPrefix, parseIP, parsePrefix } from '../wire/ip.ts'

export interface ListenAddress {
  readonly host: string
  readonly port: number
}

export interface MaxPrefixes {
  /** Paths over all families. */
  readonly total?: number
  readonly perFamily: ReadonlyMap<FamilyKey, number>
}

export interface PeerConfig {
  /** Exactly one of address and prefix. Canonical text. */
  readonly address?: string
  readonly prefix?: string
  readonly asn: number | 'any'
  readonly families: readonly FamilyKey[]
  readonly addPath: boolean
  readonly holdTime: number
  readonly maxPrefixes?: MaxPrefixes
  readonly description?: string
  readonly gracefulRestart: boolean
}

export interface CollectorConfig {
  readonly host: string
  readonly asn: number
  readonly routerId: string
  readonly bgpListen: readonly ListenAddress[]
  /** undefined: no HTTP API. */
  readonly httpListen: ListenAddress | undefined
  readonly dataDir: string
  readonly peers: readonly PeerConfig[]
  readonly logLevel: LogLevel
  readonly logFormat: LogFormat
  /** Where the settings came from, for the startup log line. */
  readonly configFile?: string
  /** No peer and no `accept` was configured: every address is accepted, with any AS (serve warns). */
  readonly openToAll?: true
  /** The live feed's limits, where set (defaults in sinks/live, docs/live.md). */
  readonly live?: LiveSettings
  /** ExaBGP-compatible JSON lines: on stdout, or to a program's stdin. */
  readonly exabgp?: ExabgpSettings
  /** Where every message is kept (ClickHouse); undefined: nowhere (`storage: off`, or a test). */
  readonly storage?: StorageConfig
  /** The HTTP API's limits, CORS and SQL token (defaults: DEFAULT_API_SETTINGS). */
  readonly api?: ApiSettings
  /** Rotating MRT files (RIS-style updates and bview); undefined: none (`mrt-dump: off`, or a test). */
  readonly mrtDump?: MrtDumpSettings
  /** BMP stations to export to; undefined: no BMP export. */
  readonly bmp?: BmpSettings
}

//   mrt-dump              on (default) or off
//   mrt-dump-dir          where the files go (default <data-dir>/mrt), as <dir>/YYYY.MM/updates.YYYYMMDD.HHMM.gz
//   mrt-updates-interval  minutes per updates file (default 5)
//   mrt-rib-interval      hours between RIB dumps, bview.YYYYMMDD.HHMM.gz (default 8; 0: none)
//   mrt-retention         days to keep files (default: keep all)
export interface MrtDumpSettings {
  readonly dir: string
  readonly updatesIntervalMinutes: number
  readonly ribIntervalHours: number
  readonly retentionDays?: number
}

//   bmp-stations          BMP stations (host:port, a list or comma separated) we connect to as a monitored router
//   bmp-stats-interval    seconds between Statistics Reports (default 60; 0: none)
export interface BmpSettings {
  readonly stations: readonly ListenAddress[]
  readonly statsIntervalSeconds: number
}

function mrtDumpSettings(
  get: (k: SettingName) => string | undefined,
  dataDir: string,
): MrtDumpSettings | undefined {
  if (!bool(get('mrt-dump'), true, 'mrt-dump', 'on or off')) return undefined
  const number = (k: SettingName, dflt: number, min: number) => numberSetting(get, k, dflt, min, false)
  const updates = number('mrt-updates-interval', 5, 1)
  if (!Number.isInteger(updates) || 1440 % updates !== 0)
    throw new ConfigError(`mrt-updates-interval: '${updates}' minutes does not divide a day`)
  const rib = number('mrt-rib-interval', 8, 0)
  if (rib !== 0 && (!Number.isInteger(rib) || 24 % rib !== 0))
    throw new ConfigError(`mrt-rib-interval: '${rib}' hours does not divide a day (or 0 for none)`)
  const retention = get('mrt-retention')
  return {
    dir: get('mrt-dump-dir') ?? `${dataDir.replace(/\/+$/, '') || '/'}/mrt`,
    updatesIntervalMinutes: updates,
    ribIntervalHours: rib,
    ...(retention !== undefined ? { retentionDays: number('mrt-retention', 0, 0.001) } : {}),
  }
}

function bmpSettings(
  get: (k: SettingName) => string | undefined,
  merged: RawSettings,
): BmpSettings | undefined {
  const stations = list(merged['bmp-stations']).map((s) => parseListen(s, DEFAULT_BMP_PORT, 'bmp-stations'))
  if (!stations.length) return undefined
  const v = get('bmp-stats-interval')
  const stats = v === undefined ? 60 : Number(v)
  if (!Number.isInteger(stats) || stats < 0)
    throw new ConfigError(`bmp-stats-interval: '${v}' is not a whole number of seconds ≥ 0`)
  return { stations, statsIntervalSeconds: stats }
}

//   api-cors-origins        origins a browser may call the API from (a list, or *; default none)
//   api-rate-limit          requests per minute per client address (default 600; 0: no limit)
//   api-max-results         most routes or rows one response holds (default 10000)
//   sql-token               the bearer token POST /api/v1/sql asks for (default: none asked)
//   sql-max-execution-time  seconds a SQL query may run (default 10)
//   sql-max-rows            rows a SQL result may hold (default 100000)
//   sql-max-bytes           octets a SQL result may hold (default 104857600)
export interface ApiSettings {
  readonly corsOrigins: readonly string[]
  readonly rateLimit: number
  readonly maxResults: number
  readonly sqlToken?: string
  readonly sqlMaxExecutionTime: number
  readonly sqlMaxRows: number
  readonly sqlMaxBytes: number
}

export const DEFAULT_API_SETTINGS: ApiSettings = {
  corsOrigins: [],
  rateLimit: 600,
  maxResults: 10_000,
  sqlMaxExecutionTime: 10,
  sqlMaxRows: 100_000,
  sqlMaxBytes: 100 * 1024 * 1024,
}

function apiSettings(get: (k: SettingName) => string | undefined, merged: RawSettings): ApiSettings {
  const whole = (k: SettingName, dflt: number, min: number) => numberSetting(get, k, dflt, min, true)
  const origins = list(merged['api-cors-origins'])
  for (const o of origins) {
    if (o !== '*' && !/^https?:\/\/[^/\s]+$/.test(o))
      throw new ConfigError(`api-cors-origins: '${o}' is not * or an origin such as https://lg.example.net`)
  }
  const token = get('sql-token')
  return {
    corsOrigins: origins,
    rateLimit: whole('api-rate-limit', DEFAULT_API_SETTINGS.rateLimit, 0),
    maxResults: whole('api-max-results', DEFAULT_API_SETTINGS.maxResults, 1),
    ...(token ? { sqlToken: token } : {}),
    sqlMaxExecutionTime: whole('sql-max-execution-time', DEFAULT_API_SETTINGS.sqlMaxExecutionTime, 1),
    sqlMaxRows: whole('sql-max-rows', DEFAULT_API_SETTINGS.sqlMaxRows, 1),
    sqlMaxBytes: whole('sql-max-bytes', DEFAULT_API_SETTINGS.sqlMaxBytes, 1024),
  }
}

//   live-max-connections   WebSocket + stream connections per client address
//   live-max-subscriptions subscriptions per socket
//   live-max-buffer        octets waiting on a socket before it is cut off as a slow consumer
//   live-resume-buffer     events kept in memory for resumeFrom when there is no storage (0: none)
//   live-queue             events waiting in front of the live fan-out before it drops them
//   live-queue-bytes       memory those events may take (raw length + a fixed overhead each) before it drops them
//   live-domain            domain suffix a `host` subscription may carry (rl00.example.net)
//   exabgp-json            true: ExaBGP 4.x JSON lines on stdout
//   exabgp-process         a program (command line split at spaces, or a YAML list) fed those lines
export interface LiveSettings {
  readonly maxConnectionsPerAddress?: number
  readonly maxSubscriptions?: number
  readonly maxBufferedBytes?: number
  readonly resumeBuffer?: number
  readonly queue?: number
  readonly queueBytes?: number
  readonly domain?: string
}

export type ExabgpSettings =
  | { readonly to: 'stdout' }
  | { readonly to: 'process'; readonly command: readonly string[] }

function liveSettings(get: (k: SettingName) => string | undefined): LiveSettings | undefined {
  const n = (k: SettingName, min: number): number | undefined =>
    get(k) === undefined ? undefined : numberSetting(get, k, 0, min, true)
  const out: LiveSettings = {
    ...(get('live-max-connections') !== undefined
      ? { maxConnectionsPerAddress: n('live-max-connections', 1) }
      : {}),
    ...(get('live-max-subscriptions') !== undefined
      ? { maxSubscriptions: n('live-max-subscriptions', 1) }
      : {}),
    ...(get('live-max-buffer') !== undefined ? { maxBufferedBytes: n('live-max-buffer', 1024) } : {}),
    ...(get('live-resume-buffer') !== undefined ? { resumeBuffer: n('live-resume-buffer', 0) } : {}),
    ...(get('live-queue') !== undefined ? { queue: n('live-queue', 1) } : {}),
    ...(get('live-queue-bytes') !== undefined ? { queueBytes: n('live-queue-bytes', 1) } : {}),
    ...(get('live-domain') ? { domain: get('live-domain')!.replace(/^\./, '') } : {}),
  }
  return Object.keys(out).length ? out : undefined
}

function exabgpSettings(
  json: string | undefined,
  program: string | readonly string[] | undefined,
): ExabgpSettings | undefined {
  const command =
    program === undefined
      ? []
      : typeof program === 'string'
        ? program.trim().split(/\s+/).filter(Boolean)
        : [...program]
  if (command.length) return { to: 'process', command }
  return bool(json, false, 'exabgp-json') ? { to: 'stdout' } : undefined
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** Every family named in DESIGN.md: what `families: all` (the default) means. */
export function allFamilies(): FamilyKey[] {
  return knownFamilyNames()
    .map((n) => familyByName(n)!)
    .sort((a, b) => a - b)
}

//   storage              on (default) or off
//   clickhouse-url       a ClickHouse server (http[s]://host:8123); default: the embedded
//                        engine, data in <data-dir>/clickhouse
//   clickhouse-user, clickhouse-password, clickhouse-database (default routelake)
//   clickhouse-cluster   a cluster name: schema/cluster/ tables, created ON CLUSTER
//   storage-batch-size   events per insert batch, at most (default 20000)
//   storage-batch-age    ms an event waits for its batch to fill (default 1000)
//   spool-dir            where batches wait while ClickHouse is down (default <data-dir>/spool)
export interface StorageConfig {
  readonly clickhouseUrl?: string
  readonly clickhouseUser?: string
  readonly clickhousePassword?: string
  readonly clickhouseDatabase: string
  readonly clickhouseCluster?: string
  /** The embedded engine's data directory. */
  readonly embeddedPath: string
  readonly spoolDir: string
  readonly batchEvents: number
  readonly batchAgeMs: number
}

function storageSettings(
  get: (k: SettingName) => string | undefined,
  dataDir: string,
): StorageConfig | undefined {
  if (!bool(get('storage'), true, 'storage', 'on or off')) return undefined
  const whole = (k: SettingName, dflt: number, min: number) => numberSetting(get, k, dflt, min, true)
  const url = get('clickhouse-url')
  if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) {
    throw new ConfigError(`clickhouse-url: '${url}' is not an http:// or https:// URL`)
  }
  const database = get('clickhouse-database') ?? 'routelake'
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    throw new ConfigError(`clickhouse-database: '${database}' is not a plain identifier`)
  }
  const cluster = get('clickhouse-cluster')
  if (cluster !== undefined && url === undefined) {
    throw new ConfigError(
      'clickhouse-cluster: a cluster needs clickhouse-url (the embedded engine is one node)',
    )
  }
  const trimmed = dataDir.replace(/\/+$/, '') || '/'
  return {
    ...(url !== undefined ? { clickhouseUrl: url } : {}),
    ...(get('clickhouse-user') !== undefined ? { clickhouseUser: get('clickhouse-user')! } : {}),
    ...(get('clickhouse-password') !== undefined ? { clickhousePassword: get('clickhouse-password')! } : {}),
    clickhouseDatabase: database,
    ...(cluster !== undefined ? { clickhouseCluster: cluster } : {}),
    embeddedPath: `${trimmed}/clickhouse`,
    spoolDir: get('spool-dir') ?? `${trimmed}/spool`,
    batchEvents: whole('storage-batch-size', 20_000, 1),
    batchAgeMs: whole('storage-batch-age', 1000, 1),
  }
}

export const DEFAULT_HOLD_TIME = 90
export const DEFAULT_BGP_PORT = 179
/** The BMP station port pmacct and OpenBMP listen on by default. */
export const DEFAULT_BMP_PORT = 1790
export const DEFAULT_HTTP_LISTEN: ListenAddress = { host: '127.0.0.1', port: 8080 }

/** The names settable by flag, environment and file alike. */
export const SETTINGS = [
  'config',
  'host',
  'asn',
  'router-id',
  'bgp-listen',
  'http-listen',
  'data-dir',
  'accept',
  'log-level',
  'log-format',
  'live-max-connections',
  'live-max-subscriptions',
  'live-max-buffer',
  'live-resume-buffer',
  'live-queue',
  'live-queue-bytes',
  'live-domain',
  'exabgp-json',
  'exabgp-process',
  'storage',
  'clickhouse-url',
  'clickhouse-user',
  'clickhouse-password',
  'clickhouse-database',
  'clickhouse-cluster',
  'storage-batch-size',
  'storage-batch-age',
  'spool-dir',
  'api-cors-origins',
  'api-rate-limit',
  'api-max-results',
  'sql-token',
  'sql-max-execution-time',
  'sql-max-rows',
  'sql-max-bytes',
  'mrt-dump',
  'mrt-dump-dir',
  'mrt-updates-interval',
  'mrt-rib-interval',
  'mrt-retention',
  'bmp-stations',
  'bmp-stats-interval',
] as const

export type SettingName = (typeof SETTINGS)[number]

/** Raw values as strings or lists of strings, before validation. */
export type RawSettings = Partial<Record<SettingName, string | readonly string[]>>

export function envName(setting: SettingName): string {
  return `ROUTELAKE_${setting.toUpperCase().replaceAll('-', '_')}`
}

/** Settings from the environment (ROUTELAKE_BGP_LISTEN …). */
export function settingsFromEnv(env: Readonly<Record<string, string | undefined>>): RawSettings {
  const out: RawSettings = {}
  for (const s of SETTINGS) {
    const v = env[envName(s)]
    if (v !== undefined && v !== '') out[s] = v
  }
  return out
}

function canonicalAddress(text: string): string | undefined {
  const b = parseIP(text)
  if (!b) return undefined
  return b.length === 4 ? formatIPv4(b) : formatIPv6(b)
}

/** "192.0.2.1:179", "[2001:db8::1]:179", "192.0.2.1", "::1" (default port), ":1179" (every address). */
export function parseListen(text: string, defaultPort: number, what: string): ListenAddress {
  const t = text.trim()
  let host: string
  let port = defaultPort
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t)
  if (bracket) {
    host = bracket[1]!
    if (bracket[2] !== undefined) port = Number(bracket[2])
  } else if (parseIP(t)) {
    host = t
  } else {
    const i = t.lastIndexOf(':')
    if (i < 0) throw new ConfigError(`${what}: '${text}' is not an address[:port]`)
    host = t.slice(0, i) || '0.0.0.0'
    port = Number(t.slice(i + 1))
  }
  const canon = canonicalAddress(host)
  if (!canon) throw new ConfigError(`${what}: '${host}' is not an IP address`)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${what}: port '${port}' is not 0..65535`)
  }
  return { host: canon, port }
}

export function formatListen(a: ListenAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`
}

function list(v: unknown): string[] {
  if (v === undefined || v === null) return []
  const items = Array.isArray(v) ? v : [v]
  return items.flatMap((x) =>
    String(x)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
}

function asn(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : /^\d+$/.test(String(v).trim()) ? Number(String(v).trim()) : Number.NaN
  if (!Number.isInteger(n) || n < 1 || n > 0xffffffff) {
    throw new ConfigError(`${what}: '${v}' is not an AS number (1..4294967295)`)
  }
  return n
}

function canonicalPrefix(text: string, what: string): string {
  const p = parsePrefix(text.trim())
  if (!p) throw new ConfigError(`${what}: '${text}' is not a prefix`)
  const masked = maskPrefix(new Uint8Array(p.address), p.length)
  return `${masked.length === 4 ? formatIPv4(masked) : formatIPv6(masked)}/${p.length}`
}

function families(v: unknown, what: string): FamilyKey[] {
  const names = list(v)
  if (names.length === 0 || (names.length === 1 && names[0] === 'all')) return allFamilies()
  return names.map((n) => {
    const key = familyByName(n)
    if (key === undefined)
      throw new ConfigError(`${what}: unknown family '${n}' (known: ${knownFamilyNames().join(', ')})`)
    return key
  })
}

function positive(v: unknown, what: string): number {
  const n = typeof v === 'number' ? v : Number(v)
  if (!Number.isInteger(n) || n < 1) throw new ConfigError(`${what}: '${v}' is not a positive whole number`)
  return n
}

function maxPrefixes(v: unknown, what: string): MaxPrefixes | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'object' && !Array.isArray(v)) {
    const perFamily = new Map<FamilyKey, number>()
    let total: number | undefined
    for (const [k, n] of Object.entries(v as Record<string, unknown>)) {
      if (k === 'total') {
        total = positive(n, `${what}.total`)
        continue
      }
      const key = familyByName(k)
      if (key === undefined) throw new ConfigError(`${what}: unknown family '${k}'`)
      perFamily.set(key, positive(n, `${what}.${k}`))
    }
    return { ...(total !== undefined ? { total } : {}), perFamily }
  }
  return { total: positive(v, what), perFamily: new Map() }
}

function holdTime(v: unknown, what: string): number {
  if (v === undefined || v === null) return DEFAULT_HOLD_TIME
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > 65535 || n === 1 || n === 2) {
    throw new ConfigError(`${what}: '${v}' is not a hold time (0, or 3..65535 seconds)`)
  }
  return n
}

function bool(v: unknown, dflt: boolean, what: string, expected = 'true or false'): boolean {
  if (v === undefined || v === null) return dflt
  if (typeof v === 'boolean') return v
  if (v === 'true' || v === 'on' || v === 'yes') return true
  if (v === 'false' || v === 'off' || v === 'no') return false
  throw new ConfigError(`${what}: '${v}' is not ${expected}`)
}

/** A numeric setting: `dflt` when unset, else a number (`whole`: an integer) of at least `min`. */
function numberSetting(
  get: (k: SettingName) => string | undefined,
  k: SettingName,
  dflt: number,
  min: number,
  whole: boolean,
): number {
  const v = get(k)
  if (v === undefined) return dflt
  const x = Number(v)
  if (!(whole ? Number.isInteger(x) : Number.isFinite(x)) || x < min)
    throw new ConfigError(`${k}: '${v}' is not a ${whole ? 'whole ' : ''}number ≥ ${min}`)
  return x
}

const PEER_KEYS = new Set([
  'address',
  'prefix',
  'asn',
  'families',
  'add-path',
  'hold-time',
  'max-prefixes',
  'description',
  'graceful-restart',
])

export function parsePeer(raw: unknown, what: string): PeerConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError(`${what}: expected a mapping`)
  const o = raw as Record<string, unknown>
  for (const k of Object.keys(o)) if (!PEER_KEYS.has(k)) throw new ConfigError(`${what}: unknown key '${k}'`)
  if ((o.address === undefined) === (o.prefix === undefined)) {
    throw new ConfigError(`${what}: give exactly one of 'address' and 'prefix'`)
  }
  let address: string | undefined
  if (o.address !== undefined) {
    address = canonicalAddress(String(o.address))
    if (!address) throw new ConfigError(`${what}.address: '${o.address}' is not an IP address`)
  }
  const prefix = o.prefix !== undefined ? canonicalPrefix(String(o.prefix), `${what}.prefix`) : undefined
  if (o.asn === undefined) throw new ConfigError(`${what}: 'asn' is required (a number, or any)`)
  const peerAsn = o.asn === 'any' ? 'any' : asn(o.asn, `${what}.asn`)
  const mp = maxPrefixes(o['max-prefixes'], `${what}.max-prefixes`)
  return {
    ...(address ? { address } : {}),
    ...(prefix ? { prefix } : {}),
    asn: peerAsn,
    families: families(o.families, `${what}.families`),
    addPath: bool(o['add-path'], true, `${what}.add-path`),
    holdTime: holdTime(o['hold-time'], `${what}.hold-time`),
    ...(mp ? { maxPrefixes: mp } : {}),
    ...(o.description !== undefined ? { description: String(o.description) } : {}),
    gracefulRestart: bool(o['graceful-restart'], true, `${what}.graceful-restart`),
  }
}

export function acceptPeer(prefix: string): PeerConfig {
  return {
    prefix: canonicalPrefix(prefix, 'accept'),
    asn: 'any',
    families: allFamilies(),
    addPath: true,
    holdTime: DEFAULT_HOLD_TIME,
    gracefulRestart: true,
  }
}

function defaultRouterId(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address
  }
  return '192.0.2.1'
}

const FILE_KEYS = new Set<string>([...SETTINGS.filter((s) => s !== 'config'), 'peers'])

/** Reads and parses the YAML file into raw settings and peers. */
export function readConfigFile(path: string): { settings: RawSettings; peers: unknown[] } {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new ConfigError(`cannot read config file ${path}: ${(e as Error).message}`)
  }
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (e) {
    throw new ConfigError(`${path}: ${(e as Error).message}`)
  }
  if (doc === null || doc === undefined) return { settings: {}, peers: [] }
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError(`${path}: expected a mapping at the top`)
  const o = doc as Record<string, unknown>
  const settings: RawSettings = {}
  for (const [k, v] of Object.entries(o)) {
    if (!FILE_KEYS.has(k)) throw new ConfigError(`${path}: unknown key '${k}'`)
    if (k === 'peers') continue
    settings[k as SettingName] = Array.isArray(v) ? v.map(String) : String(v)
  }
  const peers = o.peers === undefined || o.peers === null ? [] : o.peers
  if (!Array.isArray(peers)) throw new ConfigError(`${path}: 'peers' must be a list`)
  return { settings, peers }
}

function one(v: string | readonly string[] | undefined): string | undefined {
  if (v === undefined) return undefined
  return typeof v === 'string' ? v : v[v.length - 1]
}

/**
 * The effective configuration: file < environment < flags. `flags` and `env`
 * hold raw values by setting name; the file is `flags.config ?? env.config`.
 */
export function loadConfig(flags: RawSettings, env: RawSettings = {}): CollectorConfig {
  const file = one(flags.config) ?? one(env.config)
  const fromFile = file ? readConfigFile(file) : { settings: {}, peers: [] }
  const merged: RawSettings = { ...fromFile.settings, ...env, ...flags }
  const get = (k: SettingName) => one(merged[k])
  const peers = fromFile.peers.map((p, i) => parsePeer(p, `peers[${i}]`))
  for (const prefix of list(merged.accept)) peers.push(acceptPeer(prefix))
  // A collector with nobody configured would refuse everyone; a quick run should just work.
  const openToAll = peers.length === 0
  if (openToAll) peers.push(acceptPeer('0.0.0.0/0'), acceptPeer('::/0'))
  const bgpListen = list(merged['bgp-listen'])
  const http = get('http-listen')
  const level = get('log-level') ?? 'info'
  if (!LOG_LEVELS.includes(level as LogLevel))
    throw new ConfigError(`log-level: '${level}' is not one of ${LOG_LEVELS.join(', ')}`)
  const format = get('log-format') ?? 'text'
  if (format !== 'text' && format !== 'json')
    throw new ConfigError(`log-format: '${format}' is not text or json`)
  const routerId = get('router-id') ?? defaultRouterId()
  const rid = parseIP(routerId)
  if (rid?.length !== 4 || routerId === '0.0.0.0') {
    throw new ConfigError(`router-id: '${routerId}' is not a non-zero IPv4 address`)
  }
  const live = liveSettings(get)
  const exabgp = exabgpSettings(get('exabgp-json'), merged['exabgp-process'])
  const storage = storageSettings(get, get('data-dir') ?? './data')
  const api = apiSettings(get, merged)
  const mrtDump = mrtDumpSettings(get, get('data-dir') ?? './data')
  const bmp = bmpSettings(get, merged)
  const seen = new Set<string>()
  for (const p of peers) {
    const key = p.address ?? p.prefix!
    if (seen.has(key)) throw new ConfigError(`peer ${key} is configured twice`)
    seen.add(key)
  }
  return {
    host: get('host') ?? osHostname().split('.')[0]!,
    asn: asn(get('asn') ?? '65000', 'asn'),
    routerId: formatIPv4(rid),
    bgpListen: (bgpListen.length ? bgpListen : ['0.0.0.0:179', '[::]:179']).map((l) =>
      parseListen(l, DEFAULT_BGP_PORT, 'bgp-listen'),
    ),
    httpListen:
      http === 'off' || http === 'none'
        ? undefined
        : http
          ? parseListen(http, DEFAULT_HTTP_LISTEN.port, 'http-listen')
          : DEFAULT_HTTP_LISTEN,
    dataDir: get('data-dir') ?? './data',
    peers,
    logLevel: level as LogLevel,
    logFormat: format,
    ...(file ? { configFile: file } : {}),
    ...(openToAll ? { openToAll: true as const } : {}),
    ...(live ? { live } : {}),
    ...(exabgp ? { exabgp } : {}),
    ...(storage ? { storage } : {}),
    api,
    ...(mrtDump ? { mrtDump } : {}),
    ...(bmp ? { bmp } : {}),
  }
}

/** Family names of a peer, for logs and the API. */
export function familyNames(keys: readonly FamilyKey[]): string[] {
  return keys.map(familyNameOfKey)
}

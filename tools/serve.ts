// `routelake serve` (npm start): the collector. Settings from --config FILE,
// the environment and flags (collector/src/config/config.ts); SIGTERM or
// SIGINT shuts the sessions down with Cease / Administrative Shutdown.

import { parseArgs } from 'node:util'
import {
  type CollectorConfig,
  ConfigError,
  envName,
  formatListen,
  loadConfig,
  type RawSettings,
  SETTINGS,
  settingsFromEnv,
} from '../collector/src/config/config.ts'
import { createLogger, type Logger } from '../collector/src/log/logger.ts'
import { createCollector, SOFTWARE_VERSION } from '../collector/src/main.ts'
import { ListenError, systemClock } from '../collector/src/session/index.ts'
import { ensureWebBuilt } from './build-web.ts'
import type { Command } from './cli.ts'

const HELP = `usage: routelake serve [options]

Runs the collector: a passive BGP speaker that accepts sessions from
configured peers, keeps every path they send, stores every message in
ClickHouse, and serves the looking-glass API, the web UI and the live feed.

options (each also ROUTELAKE_<NAME> in the environment, and a key of the
config file; flags win over the environment, which wins over the file):
  --config FILE           YAML config file (peers are configured there)
  --bgp-listen ADDR:PORT  BGP listen address, repeatable or comma separated
                          (default 0.0.0.0:179 and [::]:179; port 179 needs
                          root or CAP_NET_BIND_SERVICE)
  --http-listen ADDR:PORT HTTP API address (default 127.0.0.1:8080, 'off' for none)
  --asn N                 our AS number (default 65000)
  --router-id A.B.C.D     our BGP identifier (default: an IPv4 address of this host)
  --host NAME             the collector's name, sent as FQDN capability and on
                          every event (default: the host name)
  --accept PREFIX         accept any peer from this range, with any AS
                          (repeatable; with no peer and no --accept, any address
                          is accepted)
  --data-dir DIR          where data is kept (default ./data)
  --log-level LEVEL       debug, info (default), warn, error
  --log-format FORMAT     text (default) or json

live feed (RIS Live protocol on /v1/ws/ and /v1/stream/, docs/live.md):
  --live-max-connections N    connections per client address (default 32)
  --live-max-subscriptions N  subscriptions per socket (default 256)
  --live-max-buffer OCTETS    send buffer before a slow consumer is cut off
                              (default 16777216)
  --live-resume-buffer N      events kept in memory for resumeFrom (default 20000)
  --live-queue N              events queued before the fan-out; beyond it they are
                              dropped and subscribers told (default 1048576)
  --live-queue-bytes OCTETS   the same queue's memory: raw length + 2560 per event
                              (default 1610612736)
  --live-domain DOMAIN        domain suffix a 'host' subscription may carry

ExaBGP-compatible output (ExaBGP 4.x process API JSON lines, docs/live.md):
  --exabgp-json               write the lines to stdout
  --exabgp-process COMMAND    run COMMAND (split at spaces) and write the lines
                              to its stdin; restarted if it exits

storage (ClickHouse; docs/storage.md):
  --storage on|off            keep every message in ClickHouse (default on)
  --clickhouse-url URL        a ClickHouse server over HTTP (default: the
                              embedded engine, files under <data-dir>/clickhouse)
  --clickhouse-user, --clickhouse-password, --clickhouse-database (routelake),
  --clickhouse-cluster NAME   server settings; a cluster uses schema/cluster/
  --storage-batch-size N      events per insert batch (default 20000)
  --storage-batch-age MS      longest an event waits for its batch (default 1000)
  --spool-dir DIR             batches kept while ClickHouse is down
                              (default <data-dir>/spool)

API (docs/api.md):
  --api-cors-origins LIST     origins a browser may call the API from (default none)
  --api-rate-limit N          requests per minute per client address (default 600)
  --api-max-results N         most routes or rows per response (default 10000)
  --sql-token TOKEN           bearer token POST /api/v1/sql asks for (default none)
  --sql-max-execution-time S, --sql-max-rows N, --sql-max-bytes N
                              the SQL sandbox's limits (10 s, 100000, 100 MiB)

exporters (docs/exporters.md):
  --mrt-dump on|off           RIS-style MRT files (default on)
  --mrt-dump-dir DIR          where they go (default <data-dir>/mrt)
  --mrt-updates-interval MIN  minutes per updates file (default 5)
  --mrt-rib-interval HOURS    hours between RIB dumps (default 8; 0: none)
  --mrt-retention DAYS        delete files older than this (default: keep all)
  --bmp-stations LIST         BMP stations to export to, HOST:PORT (port 1790)
  --bmp-stats-interval S      seconds between Statistics Reports (default 60)

quick run:
  routelake serve --bgp-listen 127.0.0.1:1179 --http-listen 127.0.0.1:8080 \\
    --asn 65000 --router-id 192.0.2.1 --host rl00 --accept 127.0.0.0/8
`

/** Parses the flags into raw settings (exported for tests). */
export function parseServeArgs(args: string[]): RawSettings | 'help' {
  const multi = new Set(['bgp-listen', 'accept'])
  const flags = new Set(['exabgp-json'])
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      ...Object.fromEntries(
        SETTINGS.map((s) => [
          s,
          flags.has(s) ? { type: 'boolean' } : { type: 'string', multiple: multi.has(s) },
        ]),
      ),
    },
  })
  if (values.help) return 'help'
  const out: RawSettings = {}
  for (const s of SETTINGS) {
    const v = (values as Record<string, string | string[] | boolean | undefined>)[s]
    if (v !== undefined) out[s] = typeof v === 'boolean' ? String(v) : v
  }
  return out
}

function describe(config: CollectorConfig, log: Logger): void {
  log.info('starting', {
    version: SOFTWARE_VERSION,
    host: config.host,
    asn: config.asn,
    routerId: config.routerId,
    config: config.configFile,
    peers: config.peers.length,
  })
  for (const p of config.peers) {
    log.info('peer configured', {
      address: p.address,
      prefix: p.prefix,
      asn: p.asn,
      description: p.description,
      addPath: p.addPath,
      holdTime: p.holdTime,
    })
  }
  if (config.openToAll) {
    log.warn('no peers configured', {
      note: `every address is accepted with any AS; configure peers with --config FILE, or limit with --accept PREFIX (${envName('accept')})`,
    })
  }
}

export const command: Command = {
  summary: 'run the collector',
  async run(args) {
    let config: CollectorConfig
    try {
      const flags = parseServeArgs(args)
      if (flags === 'help') {
        console.log(HELP)
        return 0
      }
      config = loadConfig(flags, settingsFromEnv(process.env))
    } catch (e) {
      if (e instanceof ConfigError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        console.error(
          `routelake serve: ${(e as Error).message}\n\nrun 'routelake serve --help' for the options`,
        )
        return 2
      }
      throw e
    }
    const logger = createLogger({ level: config.logLevel, format: config.logFormat })
    describe(config, logger)
    if (config.httpListen) await ensureWebBuilt(logger)
    const collector = createCollector(config, { clock: systemClock(), logger })
    let bound: Awaited<ReturnType<typeof collector.start>>
    try {
      bound = await collector.start()
    } catch (e) {
      logger.error('cannot start', { reason: (e as Error).message })
      if (!(e instanceof ListenError)) console.error((e as Error).stack)
      await collector.stop('startup failed')
      return 1
    }
    logger.info('ready', {
      bgp: bound.bgp.map(formatListen).join(','),
      http: bound.http ? formatListen(bound.http) : 'off',
    })
    return new Promise<number>((resolve) => {
      let stopping = false
      const shutdown = (signal: string) => {
        if (stopping) return
        stopping = true
        logger.info('shutting down', { signal })
        collector.stop(`Routelake ${config.host} shutting down`).then(
          () => resolve(0),
          (e) => {
            logger.error('shutdown failed', { reason: (e as Error).message })
            resolve(1)
          },
        )
      }
      process.once('SIGTERM', () => shutdown('SIGTERM'))
      process.once('SIGINT', () => shutdown('SIGINT'))
    })
  },
}

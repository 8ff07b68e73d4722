// One line per event, in logfmt by default (`time level event key=value …`)
// or JSON lines, to stderr. Sessions log every state change, every
// NOTIFICATION sent or received, every refused connection; nothing per UPDATE.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFormat = 'text' | 'json'
export type LogFields = Readonly<Record<string, string | number | boolean | undefined | null>>

export interface Logger {
  debug(event: string, fields?: LogFields): void
  info(event: string, fields?: LogFields): void
  warn(event: string, fields?: LogFields): void
  error(event: string, fields?: LogFields): void
  /** A logger that adds these fields to every line. */
  child(fields: LogFields): Logger
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

function quote(v: string): string {
  return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)
}

/** The text form of one line (exported for tests). */
export function formatLine(
  time: Date,
  level: LogLevel,
  event: string,
  fields: LogFields,
  format: LogFormat,
): string {
  if (format === 'json') {
    const o: Record<string, unknown> = { time: time.toISOString(), level, event }
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) o[k] = v
    return JSON.stringify(o)
  }
  let s = `${time.toISOString()} ${level.padEnd(5)} ${event}`
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue
    s += ` ${k}=${quote(String(v))}`
  }
  return s
}

export interface LoggerOptions {
  readonly level?: LogLevel
  readonly format?: LogFormat
  /** Where lines go (default: process.stderr). */
  readonly write?: (line: string) => void
  /** Time source (default: the system clock). */
  readonly now?: () => number
}

export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const min = RANK[options.level ?? 'info']
  const format = options.format ?? 'text'
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`))
  const now = options.now ?? Date.now
  const log =
    (level: LogLevel) =>
    (event: string, fields: LogFields = {}) => {
      if (RANK[level] < min) return
      write(formatLine(new Date(now()), level, event, { ...base, ...fields }, format))
    }
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  }
}

/** A logger keeping its lines in memory (tests, and the bench). */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { readonly lines: string[] } {
  const lines: string[] = []
  const logger = createLogger({ level, write: (l) => lines.push(l) })
  return Object.assign(logger, { lines })
}

export const silentLogger: Logger = createLogger({ level: 'error', write: () => {} })

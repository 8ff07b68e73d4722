// How numbers, times and durations read in the UI. Times are shown in UTC,
// as routers and collectors log them (and as the API answers).

const NUMBER = new Intl.NumberFormat('en-US')

export function num(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : NUMBER.format(n)
}

/** Rates with as many decimals as they need to be read. */
export function rate(n: number): string {
  if (n === 0) return '0'
  if (n < 1) return n.toFixed(2)
  if (n < 100) return n.toFixed(1)
  return NUMBER.format(Math.round(n))
}

/** "3d 4h", "5h 12m", "4m 3s", "12s". */
export function duration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '—'
  const s = Math.max(0, Math.floor(seconds))
  const d = Math.floor(s / 86400)
  const hh = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d) return `${d}d ${hh}h`
  if (hh) return `${hh}h ${m}m`
  if (m) return `${m}m ${s % 60}s`
  return `${s}s`
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}

/** "2024-05-01 12:00:03 UTC" from ISO 8601 or milliseconds. */
export function time(t: string | number | undefined): string {
  if (t === undefined) return '—'
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return String(t)
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

/** "12:00:03.120" (UTC), for the live feed. */
export function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23)
}

/** The placeholder of time fields: they take what the API takes, as typed. */
export const TIME_HINT = '2024-05-01T12:00:00Z or Unix seconds'
export const TIME_NOTE =
  'Times: ISO 8601 such as 2024-05-01T12:00:00Z (UTC unless a zone is given), or Unix seconds.'

/**
 * A time as the API reads it (Unix seconds, or ISO 8601 where no zone means
 * UTC) in Unix seconds; undefined when it is not one (the API will say why).
 */
export function toSeconds(text: string): number | undefined {
  const t = text.trim()
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t)
  const zoned = /(?:Z|[+-]\d\d:?\d\d)$/.test(t) || !t.includes(':') ? t : `${t}Z`
  const ms = Date.parse(zoned.replace(' ', 'T'))
  return Number.isNaN(ms) ? undefined : ms / 1000
}

/** Now minus `seconds`, in ISO 8601 to the second ("2024-05-01T12:00:00Z"). */
export function isoAgo(seconds: number): string {
  return `${new Date(Date.now() - seconds * 1000).toISOString().slice(0, 19)}Z`
}

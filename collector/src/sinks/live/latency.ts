// A log-scale latency histogram: eight buckets per doubling (≈9% wide) from
// 1 µs to beyond an hour, so percentiles cost a fixed few hundred counters
// however many samples go in.

const PER_OCTAVE = 8
const BUCKETS = 40 * PER_OCTAVE

export interface LatencySummary {
  readonly count: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS)
  private n = 0
  private max = 0

  /** A sample in microseconds (`weight` samples of the same value). */
  add(micros: number, weight = 1): void {
    const v = Math.max(micros, 1)
    const i = Math.min(BUCKETS - 1, Math.floor(Math.log2(v) * PER_OCTAVE))
    this.counts[i]! += weight
    this.n += weight
    if (v > this.max) this.max = v
  }

  /** The upper edge of the bucket holding quantile q, in milliseconds. */
  quantileMs(q: number): number {
    if (!this.n) return 0
    const want = Math.ceil(q * this.n)
    let seen = 0
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!
      if (seen >= want) return Math.min(2 ** ((i + 1) / PER_OCTAVE), this.max) / 1000
    }
    return this.max / 1000
  }

  summary(): LatencySummary {
    const r = (x: number) => Math.round(x * 1000) / 1000
    return {
      count: this.n,
      p50Ms: r(this.quantileMs(0.5)),
      p99Ms: r(this.quantileMs(0.99)),
      maxMs: r(this.max / 1000),
    }
  }

  reset(): void {
    this.counts.fill(0)
    this.n = 0
    this.max = 0
  }
}

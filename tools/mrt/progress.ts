// A progress line on stderr for long files: shown only when stderr is a
// terminal (silent when piped or redirected), redrawn at most five times a
// second, erased at the end.

export class Progress {
  readonly #total: number
  readonly #label: string
  readonly #enabled: boolean
  #last = 0
  #start = Date.now()
  #shown = false

  /** `enabled` false turns it off; it never shows unless stderr is a terminal. */
  constructor(label: string, totalBytes: number, enabled = true) {
    this.#label = label
    this.#total = totalBytes
    this.#enabled = enabled && process.stderr.isTTY === true && totalBytes > 0
  }

  update(bytes: number, records: number): void {
    if (!this.#enabled) return
    const now = Date.now()
    if (now - this.#last < 200) return
    this.#last = now
    const frac = Math.min(1, bytes / this.#total)
    const width = 24
    const done = Math.round(frac * width)
    const secs = (now - this.#start) / 1000
    const rate = secs > 0 ? Math.round(records / secs) : 0
    const bar = `[${'#'.repeat(done)}${'.'.repeat(width - done)}]`
    const text = `${this.#label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${records.toLocaleString('en-US')} records ${rate.toLocaleString('en-US')}/s`
    process.stderr.write(`\r${text.slice(0, (process.stderr.columns ?? 100) - 1)}\x1b[K`)
    this.#shown = true
  }

  done(): void {
    if (this.#shown) process.stderr.write('\r\x1b[K')
    this.#shown = false
  }
}

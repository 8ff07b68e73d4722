// Benchmarks print each figure twice: a JSON line on stdout (for machines and
// the closing notes) and a readable line on stderr.

export interface Figure {
  readonly suite: string
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly [extra: string]: unknown
}

export function report(f: Figure): void {
  process.stdout.write(`${JSON.stringify(f)}\n`)
  const v = f.value >= 1000 ? Math.round(f.value).toLocaleString('en-US') : f.value.toPrecision(4)
  process.stderr.write(`  ${f.suite.padEnd(8)} ${f.name.padEnd(44)} ${v.padStart(14)} ${f.unit}\n`)
}

/** Runs fn repeatedly for at least `seconds`, returning iterations per second of work units. */
export function timeIt(
  fn: () => number,
  seconds = 2,
): { unitsPerSecond: number; elapsed: number; units: number } {
  fn() // warm-up: lets V8 optimise before timing
  let units = 0
  const start = process.hrtime.bigint()
  let elapsed = 0
  do {
    units += fn()
    elapsed = Number(process.hrtime.bigint() - start) / 1e9
  } while (elapsed < seconds)
  return { unitsPerSecond: units / elapsed, elapsed, units }
}

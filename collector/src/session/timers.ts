// Named timers over a Clock, cheap to restart: the hold timer is restarted by
// every UPDATE (hundreds of thousands a second during a table transfer), so a
// restart that moves the deadline later only records the new deadline; the
// timer, when it fires early, re-arms itself for the rest.

import type { Clock, TimerHandle } from './clock.ts'

interface Entry {
  handle: TimerHandle
  firesAt: number
  deadline: number
}

export class Timers<N extends string> {
  private readonly entries = new Map<N, Entry>()
  private readonly clock: Clock
  private readonly onFire: (name: N) => void

  constructor(clock: Clock, onFire: (name: N) => void) {
    this.clock = clock
    this.onFire = onFire
  }

  start(name: N, seconds: number): void {
    const now = this.clock.now()
    const deadline = now + seconds * 1000
    const e = this.entries.get(name)
    if (e && e.firesAt <= deadline) {
      e.deadline = deadline
      return
    }
    if (e) this.clock.clearTimer(e.handle)
    this.arm(name, deadline, now)
  }

  private arm(name: N, deadline: number, now: number): void {
    const entry: Entry = {
      firesAt: deadline,
      deadline,
      handle: this.clock.setTimer(deadline - now, () => this.fire(name, entry)),
    }
    this.entries.set(name, entry)
  }

  private fire(name: N, entry: Entry): void {
    if (this.entries.get(name) !== entry) return
    const now = this.clock.now()
    if (now < entry.deadline) {
      this.arm(name, entry.deadline, now)
      return
    }
    this.entries.delete(name)
    this.onFire(name)
  }

  stop(name: N): void {
    const e = this.entries.get(name)
    if (!e) return
    this.clock.clearTimer(e.handle)
    this.entries.delete(name)
  }

  stopAll(): void {
    for (const name of [...this.entries.keys()]) this.stop(name)
  }

  has(name: N): boolean {
    return this.entries.has(name)
  }

  /** Milliseconds until a timer fires, if it runs. */
  remaining(name: N): number | undefined {
    const e = this.entries.get(name)
    return e ? Math.max(0, e.deadline - this.clock.now()) : undefined
  }
}

// Time, injected: sessions, the GR helper and the event timestamps read it
// from a Clock, so tests run hold timers and restart timers on a manual
// clock in microseconds of real time.

export interface TimerHandle {
  readonly id: number
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  /** Microseconds since the Unix epoch (event timestamps). */
  nowMicros(): number
  setTimer(ms: number, fn: () => void): TimerHandle
  clearTimer(handle: TimerHandle): void
}

export function systemClock(): Clock {
  const handles = new Map<number, NodeJS.Timeout>()
  let next = 1
  return {
    now: () => Date.now(),
    nowMicros: () => Math.round((performance.timeOrigin + performance.now()) * 1000),
    setTimer(ms, fn) {
      const id = next++
      const t = setTimeout(() => {
        handles.delete(id)
        fn()
      }, ms)
      // A pending BGP timer must not keep a finished process alive.
      t.unref()
      handles.set(id, t)
      return { id }
    },
    clearTimer(h) {
      const t = handles.get(h.id)
      if (t) {
        clearTimeout(t)
        handles.delete(h.id)
      }
    },
  }
}

export interface ManualClock extends Clock {
  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void
  /** Timers pending, for assertions. */
  pending(): number
}

/** A clock that only moves when told to (tests). */
export function manualClock(startMs = 1_700_000_000_000): ManualClock {
  let now = startMs
  let next = 1
  const timers = new Map<number, { at: number; fn: () => void; seq: number }>()
  return {
    now: () => now,
    nowMicros: () => now * 1000,
    setTimer(ms, fn) {
      const id = next++
      timers.set(id, { at: now + Math.max(0, ms), fn, seq: id })
      return { id }
    },
    clearTimer(h) {
      timers.delete(h.id)
    },
    advance(ms) {
      const until = now + ms
      for (;;) {
        let due: [number, { at: number; fn: () => void; seq: number }] | undefined
        for (const e of timers) {
          if (e[1].at > until) continue
          if (!due || e[1].at < due[1].at || (e[1].at === due[1].at && e[1].seq < due[1].seq)) due = e
        }
        if (!due) break
        timers.delete(due[0])
        now = Math.max(now, due[1].at)
        due[1].fn()
      }
      now = until
    },
    pending: () => timers.size,
  }
}

// Listing cursors: where a page of a peer's routes ended (family number, key,
// path id), as opaque base64url text that survives any change to the RIB.

export interface Cursor {
  readonly family: number
  readonly key: string
  readonly pathId: number
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.family, c.key, c.pathId])).toString('base64url')
}

export function decodeCursor(text: string): Cursor {
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString())
    if (
      Array.isArray(v) &&
      v.length === 3 &&
      Number.isInteger(v[0]) &&
      typeof v[1] === 'string' &&
      Number.isInteger(v[2])
    ) {
      return { family: v[0], key: v[1], pathId: v[2] }
    }
  } catch {
    // reported below
  }
  throw new RangeError('rib: not a listing cursor')
}

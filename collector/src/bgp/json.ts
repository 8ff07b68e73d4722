// The documented JSON form (docs/json.md) is the decoded values themselves;
// the only conversion is bigint (64-bit values) to a decimal string.

export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, jsonReplacer, indent)
}

// Reads TShark's `-V` text decode (the *.tshark.txt files beside the captures
// in the shared testdata) into a tree per BGP message, so tests can compare
// what TShark understood with what our codec decodes. Only the structure TShark
// prints is interpreted: indentation makes the tree, "key: value" the leaves.

export interface TsharkNode {
  readonly text: string
  readonly key: string
  readonly value: string
  readonly children: TsharkNode[]
}

export interface TsharkMessage {
  /** "src:port>dst:port", as in the *.messages.tsv files */
  readonly direction: string
  readonly frame: number
  readonly type: string
  readonly length: number
  readonly root: TsharkNode
}

function node(text: string): TsharkNode {
  const i = text.indexOf(': ')
  return {
    text,
    key: i < 0 ? text.trim() : text.slice(0, i).trim(),
    value: i < 0 ? '' : text.slice(i + 2).trim(),
    children: [],
  }
}

const BIT_LINE = /^[.01 ]+= /

export function parseTshark(text: string): TsharkMessage[] {
  const out: TsharkMessage[] = []
  let frame = 0
  let src = ''
  let dst = ''
  let sport = ''
  let dport = ''
  let stack: { indent: number; node: TsharkNode }[] = []
  // A BGP message may be nested (inside BMP); its block ends at the first line
  // indented no deeper than its own header line.
  let current:
    | { type: string; root: TsharkNode; direction: string; frame: number; indent: number }
    | undefined
  const finish = () => {
    if (!current) return
    const len = current.root.children.find((c) => c.key === 'Length')
    const { indent: _indent, ...rest } = current
    out.push({ ...rest, length: Number(len?.value ?? -1) })
    current = undefined
  }
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s+$/, '')
    const indent = line.length - line.trimStart().length
    const body = line.trim()
    if (current && (line === '' || indent <= current.indent)) finish()
    const frameMatch = /^Frame (\d+):/.exec(line)
    if (frameMatch) {
      frame = Number(frameMatch[1])
      continue
    }
    const ip = /^Internet Protocol Version [46], Src: (\S+), Dst: (\S+)/.exec(line)
    if (ip) {
      src = ip[1]!
      dst = ip[2]!
      continue
    }
    const tcp = /^Transmission Control Protocol, Src Port: (\d+), Dst Port: (\d+)/.exec(line)
    if (tcp) {
      sport = tcp[1]!
      dport = tcp[2]!
      continue
    }
    const bgp = /^Border Gateway Protocol - (\S+) Message/.exec(body)
    if (bgp) {
      const root = node(body)
      current = { type: bgp[1]!, root, direction: `${src}:${sport}>${dst}:${dport}`, frame, indent }
      stack = [{ indent, node: root }]
      continue
    }
    if (!current || body === '' || BIT_LINE.test(body) || body.startsWith('[')) continue
    const n = node(body)
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop()
    stack[stack.length - 1]!.node.children.push(n)
    stack.push({ indent, node: n })
  }
  finish()
  return out
}

/** Depth-first search for nodes whose key matches. */
export function findAll(n: TsharkNode, key: string | RegExp): TsharkNode[] {
  const out: TsharkNode[] = []
  const walk = (x: TsharkNode) => {
    for (const c of x.children) {
      if (typeof key === 'string' ? c.key === key : key.test(c.key)) out.push(c)
      walk(c)
    }
  }
  walk(n)
  return out
}

export function child(n: TsharkNode, key: string | RegExp): TsharkNode | undefined {
  return n.children.find((c) => (typeof key === 'string' ? c.key === key : key.test(c.key)))
}

/** The number in parentheses at the end of a TShark value: "IPv6 (2)" → 2. */
export function code(value: string): number {
  const m = /\((\d+)\)\s*$/.exec(value)
  return m ? Number(m[1]) : Number.NaN
}

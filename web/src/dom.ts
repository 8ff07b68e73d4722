// A few DOM helpers instead of a framework: `h` builds an element from a tag,
// attributes and children; views build their markup with it and replace
// whole parts of the page when data arrives. Text is always set as text
// nodes, never as HTML, so nothing a peer sends can inject markup.

export type Child = Node | string | number | null | undefined | false | readonly Child[]

type Handler = (event: Event) => void
export type Attrs = Readonly<Record<string, string | number | boolean | Handler | null | undefined>>

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  let value: string | undefined
  for (const [name, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue
    if (typeof v === 'function') el.addEventListener(name.slice(2).toLowerCase(), v)
    else if (name === 'class') el.className = String(v)
    // Form state is a property (the attribute is only the default), and a
    // select can take it only once its options are in.
    else if (name === 'value' && 'value' in el) value = String(v)
    else if (v === true) el.setAttribute(name, '')
    else el.setAttribute(name, String(v))
  }
  append(el, children)
  if (value !== undefined) (el as HTMLInputElement).value = value
  return el
}

export function append(parent: Node, children: readonly Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    if (Array.isArray(c)) append(parent, c)
    else parent.appendChild(c instanceof Node ? c : document.createTextNode(String(c)))
  }
}

/** Replaces everything in `el` with `children`. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren()
  append(el, children)
}

/** A form's fields by name, as trimmed text (checkboxes: "1" when checked, "" when not). */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const out: Record<string, string> = {}
  for (const el of Array.from(form.elements)) {
    const f = el as HTMLInputElement
    if (!f.name) continue
    out[f.name] = f.type === 'checkbox' ? (f.checked ? '1' : '') : f.value.trim()
  }
  return out
}

let ids = 0
/** A document-unique id for label/field pairs. */
export function uid(prefix: string): string {
  ids += 1
  return `${prefix}-${ids}`
}

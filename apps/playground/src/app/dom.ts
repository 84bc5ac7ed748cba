// Typed lookups of the elements the pages' HTML declares: a missing or mistyped element fails
// at start-up with its id, not later with "cannot read properties of null".

/** The element with `id`, checked to be an instance of `type`. */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id)
  if (!(element instanceof type)) {
    throw new Error(`the page has no <${type.name}> with id "${id}"`)
  }
  return element
}

/** Creates an element with text content and attributes. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  attributes: Record<string, string> = {},
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (text !== undefined) node.textContent = text
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value)
  return node
}

// Small DOM helpers: the page has no framework, its tables are redrawn as HTML text (escaped).

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`the page has no element #${id}`);
  return e as T;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** Table body rows from cells; `attrs` adds data attributes to a row. */
export function rowsHtml<T>(
  items: readonly T[],
  cells: (item: T) => (string | number)[],
  attrs?: (item: T) => Record<string, string | number>,
): string {
  return items
    .map((item) => {
      const a = attrs
        ? Object.entries(attrs(item))
            .map(([k, v]) => ` ${k}="${esc(v)}"`)
            .join('')
        : '';
      return `<tr${a}>${cells(item)
        .map((c) => `<td>${esc(c)}</td>`)
        .join('')}</tr>`;
    })
    .join('');
}

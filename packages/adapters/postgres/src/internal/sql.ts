/** Quotes an identifier, so any name (mixed case, spaces, quotes) reaches the server as written. */
export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`

/** Quotes a string literal (standard_conforming_strings is on since PostgreSQL 9.1). */
export const literal = (text: string): string => `'${text.replaceAll("'", "''")}'`

/** A schema-qualified relation name, e.g. `"shequ"."core_resident"`. */
export const qualified = (schema: string, table: string): string => `${ident(schema)}.${ident(table)}`

/** Wraps a PL/pgSQL body in a dollar quote whose tag does not occur in it. */
export const dollarQuoted = (body: string): string => {
  let tag = "$$"
  for (let n = 0; body.includes(tag); n++) tag = `$shequ${n}$`
  return `${tag} ${body} ${tag}`
}

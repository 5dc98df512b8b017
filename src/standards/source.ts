/** Source (where a record came from: chat, form, api …): trimmed, lower-cased, inner whitespace collapsed. */
export function normaliseSource(input: string): string {
  return input.trim().toLowerCase().replace(/\s+/g, ' ');
}

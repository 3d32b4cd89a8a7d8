// Text from users (a reason, a deprecation message) rendered inertly in Markdown:
// no HTML, no links or images, no autolinks, no emphasis, no @mentions or #references,
// no table breaks.

/** Escapes text for a Markdown paragraph, list item or table cell. Newlines become <br>. */
export function inert(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/[\\`*_[\]|~#!]/g, (c) => `\\${c}`)
      .replace(/@/g, '@\u200b') // a zero-width space after @: GitHub notifies nobody
      // GitHub autolinks bare `scheme://…` and `www.…` (GFM's extended autolinks): a zero-width
      // space breaks the pattern while the URL still reads as written
      .replace(/:\/\//g, ':\u200b//')
      .replace(/(www)\./gi, '$1\u200b.')
      .replace(/\r?\n/g, '<br>')
  )
}

/** A value in a code span; anything that could break the span or a table falls back to inert text. */
export function code(value: string | undefined, none = '_(none)_'): string {
  if (value === undefined || value === '') return none
  return /^[^`|\r\n]+$/.test(value) ? `\`${value}\`` : inert(value)
}

/** A Markdown table from a header row and rows (cells must already be inert). */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** A word a shell takes as one argument (package names from before 2017 may hold ' ( ) ! * ~). */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9@._/-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}

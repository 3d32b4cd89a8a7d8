// The user documentation: README.md (what it does, the two commands, the one-step usage, a table of contents) and the
// pages under docs/, one per topic (issue 22). Tests that check a sentence of the documentation read the page that
// holds it through docPage, or every page at once through allDocs.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './run-action.mjs'

/** The Markdown pages under docs/, as paths relative to the repository root (docs/npm.md, …), sorted. */
export const docsPages = (): string[] =>
  readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`)

/** One page's text: 'README.md' or a docs page such as 'docs/tokens.md'. */
export const docPage = (path: string): string => readFileSync(join(root, path), 'utf8')

/** README.md and every docs page, joined: for a sentence that may sit on any page. */
export const allDocs = (): string => ['README.md', ...docsPages()].map(docPage).join('\n')

/** The headings of a Markdown text outside code fences, with their level and GitHub's anchor. */
export function headings(text: string): { level: number; title: string; anchor: string }[] {
  const found: { level: number; title: string; anchor: string }[] = []
  const seen = new Map<string, number>()
  let fence = false
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fence = !fence
    const m = fence ? null : /^(#{1,6}) (.*)$/.exec(line)
    if (!m) continue
    // GitHub's anchors (github-slugger): lower case, punctuation dropped, spaces as hyphens, repeats numbered
    const base = m[2]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-')
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    found.push({ level: m[1].length, title: m[2], anchor: n === 0 ? base : `${base}-${n}` })
  }
  return found
}

/** Every Markdown link target outside code fences: [text](target). */
export function links(text: string): string[] {
  const out: string[] = []
  let fence = false
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fence = !fence
    if (fence) continue
    for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) out.push(m[1])
  }
  return out
}

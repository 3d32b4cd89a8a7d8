// The documentation's shape (issue 22): a README of at most 300 lines whose table of contents links every page under
// docs/, each page opening with a table of contents of its sections, and every relative link and anchor resolving.
import { existsSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { docPage, docsPages, headings, links } from './support/docs.js'
import { root } from './support/run-action.mjs'

const pages = ['README.md', ...docsPages()]

/** What is wrong with the relative links of one page, given every page's text; one line each. */
function brokenLinks(path: string, text: (p: string) => string): string[] {
  const problems: string[] = []
  for (const target of links(text(path))) {
    if (/^[a-z]+:/i.test(target)) continue // https:, mailto:
    const [file, anchor] = target.split('#')
    const resolved = file === '' ? path : normalize(join(dirname(path), file))
    if (!existsSync(join(root, resolved))) {
      problems.push(`${path}: ${target} names no file`)
      continue
    }
    if (anchor === undefined) continue
    if (!resolved.endsWith('.md')) problems.push(`${path}: ${target} has an anchor into a file that is not Markdown`)
    else if (!headings(text(resolved)).some((h) => h.anchor === anchor))
      problems.push(`${path}: ${target} names no heading of ${resolved}`)
  }
  return problems
}

describe('the documentation', () => {
  it('the README is at most 300 lines and keeps the two commands and the one-step usage', () => {
    const readme = docPage('README.md')
    expect(readme.split('\n').length).toBeLessThanOrEqual(300)
    expect(readme).toContain('npm ci && npm run demo   # the main job: starts a local registry')
    expect(readme).toContain('npm test                 # the tests')
    expect(readme).toMatch(/^## Usage\n/m)
    expect(readme).toContain('uses: <org>/release-rollback@v1')
  })

  it("every page under docs/ is linked from the README's table of contents", () => {
    const readme = docPage('README.md')
    const toc = readme.slice(readme.indexOf('\n## Documentation\n'))
    expect(toc.length).toBeLessThan(readme.length)
    const linked = new Set(links(toc).map((t) => t.split('#')[0]))
    expect(docsPages().length).toBeGreaterThanOrEqual(10)
    expect(docsPages().filter((p) => !linked.has(p))).toEqual([])
  })

  it('each docs page opens with a table of contents linking each of its sections', () => {
    for (const path of docsPages()) {
      const text = docPage(path)
      const [title, ...sections] = headings(text)
      expect([path, title?.level]).toEqual([path, 1])
      const toc = text.slice(text.indexOf('\n'), text.indexOf('\n## '))
      const listed = links(toc)
      const wanted = sections.filter((h) => h.level <= 3).map((h) => `#${h.anchor}`)
      expect([path, listed]).toEqual([path, wanted])
    }
  })

  it('every relative link and anchor in the README and the docs resolves', () => {
    const problems = pages.flatMap((p) => brokenLinks(p, docPage))
    expect(problems).toEqual([])
    expect(pages.flatMap((p) => links(docPage(p))).filter((t) => t.includes('#')).length).toBeGreaterThan(20)
  })

  it('fails on a link to a heading that moved, or to a page that does not exist, naming it', () => {
    const text = (p: string) =>
      p === 'docs/npm.md' ? `${docPage(p)}\nSee [Tokens](#tokens) and [gone](gone.md).\n` : docPage(p)
    expect(brokenLinks('docs/npm.md', text)).toEqual([
      'docs/npm.md: #tokens names no heading of docs/npm.md',
      'docs/npm.md: gone.md names no file',
    ])
    expect(brokenLinks('docs/npm.md', docPage)).toEqual([])
  })

  it('reads GitHub anchors as GitHub makes them', () => {
    expect(
      headings('## Fix-forward: `strategy: republish`\n## Drill: would a rollback work right now?').map(
        (h) => h.anchor,
      ),
    ).toEqual(['fix-forward-strategy-republish', 'drill-would-a-rollback-work-right-now'])
    expect(
      headings('### 1. The "Run workflow" form\n```\n# not a heading\n```\n## A\n## A').map((h) => h.anchor),
    ).toEqual(['1-the-run-workflow-form', 'a', 'a-1'])
  })
})

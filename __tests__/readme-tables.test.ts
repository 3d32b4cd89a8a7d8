// The docs' inputs and outputs tables are generated from action.yml (scripts/readme-tables.mjs; npm run docs
// writes them, npm run docs:check in .ci/run fails on a stale page). They sit in docs/inputs.md since the README was
// split into docs/ (issue 22). Shown here to pass on the page as committed and to fail, naming the row, on each way
// the page can drift from action.yml.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { checkReadme, renderTables, TABLES_FILE, updateReadme } from '../scripts/readme-tables.mjs'
import { docPage } from './support/docs.js'
import { root } from './support/run-action.mjs'

const readme = docPage('docs/inputs.md')
const actionYml = readFileSync(join(root, 'action.yml'), 'utf8')
const action = parse(actionYml)
const rowOf = (text: string, name: string) => text.split('\n').find((l) => l.startsWith(`| \`${name}\` |`))

describe('the docs tables generated from action.yml', () => {
  it('sit in docs/inputs.md, the page the README links for inputs and outputs, and no longer in the README', () => {
    expect(TABLES_FILE).toBe('docs/inputs.md')
    expect(docPage('README.md')).toContain('](docs/inputs.md#inputs)')
    expect(docPage('README.md')).not.toContain('generated from action.yml by npm run docs -->')
  })

  it('are up to date: every input and output of action.yml has its row, in order', () => {
    expect(checkReadme(readme, actionYml)).toEqual([])
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)])
      expect(rowOf(readme, name)).toBeDefined()
    // the ones the issue found missing
    for (const name of ['published-after', 'packages', 'strategy', 'partial-ok', 'target'])
      expect(rowOf(readme, name)).toBeDefined()
    expect(rowOf(readme, 'status')).toContain('skipped')
  })

  it('fails on a page with a missing row, naming it', () => {
    const row = rowOf(readme, 'published-after') as string
    const stale = readme.replace(`${row}\n`, '')
    expect(stale).not.toBe(readme)
    expect(checkReadme(stale, actionYml)).toEqual(['inputs: no row for `published-after`, which action.yml declares'])
    expect(checkReadme(updateReadme(stale, actionYml), actionYml)).toEqual([])
  })

  it('fails when action.yml gets an input or output the page does not have yet, until npm run docs', () => {
    const grown = actionYml
      .replace(
        '\noutputs:\n',
        "\n  incident-title:\n    description: Name the incident yourself.\n    required: false\n    default: ''\n\noutputs:\n",
      )
      .replace('\nruns:\n', '\n  drill-issue-url:\n    description: The drill issue.\n\nruns:\n')
    expect(checkReadme(readme, grown)).toEqual([
      'inputs: no row for `incident-title`, which action.yml declares',
      'outputs: no row for `drill-issue-url`, which action.yml declares',
    ])
    const updated = updateReadme(readme, grown)
    expect(checkReadme(updated, grown)).toEqual([])
    expect(rowOf(updated, 'incident-title')).toBe('| `incident-title` | empty | Name the incident yourself. |')
  })

  it('fails on a changed description or default, an extra row, a reordered table, or missing markers', () => {
    const changed = actionYml.replace('    default: latest\n', '    default: next\n')
    expect(checkReadme(readme, changed)).toEqual(['inputs: the row for `channel` differs from action.yml'])
    const extra = readme.replace('| `status` |', '| `gone` | An output nobody declares. |\n| `status` |')
    expect(checkReadme(extra, actionYml)).toEqual(['outputs: a row for `gone`, which action.yml does not declare'])
    const [first, second] = [rowOf(readme, 'moved') as string, rowOf(readme, 'deprecated') as string]
    const swapped = readme.replace(`${first}\n${second}`, `${second}\n${first}`)
    expect(swapped).not.toBe(readme)
    expect(checkReadme(swapped, actionYml)).toEqual([
      "outputs: the table's header or row order differs from action.yml",
    ])
    const unmarked = readme.replace('<!-- end outputs -->', '')
    expect(checkReadme(unmarked, actionYml)).toEqual([
      "docs/inputs.md needs the outputs table between the lines '<!-- outputs: generated from action.yml by npm run docs -->' and '<!-- end outputs -->', each once and in that order.",
    ])
    expect(() => updateReadme(unmarked, actionYml)).toThrow(/needs the outputs table between the lines/)
  })

  it('renders each cell as written: required, empty and expression defaults; HTML-like text, pipes and stars escaped', () => {
    const { inputs, outputs } = renderTables(`
inputs:
  reason:
    description: Why.
    required: true
  github-token:
    description: "Token; a protected branch gets rollback/<incident-id>, |pipes| and *.webhook.office.com."
    default: \${{ github.token }}
  dry-run:
    description: Write nothing; \`a|b\` and run_started_at stay.
    default: 'false'
  image:
    description: "Spread
      over lines."
outputs:
  status:
    description: completed or failed.
`)
    expect(inputs.split('\n')).toEqual([
      '| Input | Default | Description |',
      '| --- | --- | --- |',
      '| `reason` | (required) | Why. |',
      '| `github-token` | `${{ github.token }}` | Token; a protected branch gets rollback/\\<incident-id\\>, \\|pipes\\| and \\*.webhook.office.com. |',
      '| `dry-run` | `false` | Write nothing; `a\\|b` and run_started_at stay. |',
      '| `image` | empty | Spread over lines. |',
    ])
    expect(outputs).toBe('| Output | Description |\n| --- | --- |\n| `status` | completed or failed. |')
  })

  it('npm run docs:check runs that check on the repository (and passes here)', () => {
    const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts
    // and the reusable workflows' input blocks (__tests__/workflow-inputs.test.ts)
    expect(scripts.docs).toBe('node scripts/readme-tables.mjs && node scripts/workflow-inputs.mjs')
    expect(scripts['docs:check']).toBe(
      'node scripts/readme-tables.mjs --check && node scripts/workflow-inputs.mjs --check',
    )
    expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/\nnpm run docs:check\n[\s\S]*\nnpm test\n/)
    expect(() =>
      execFileSync(process.execPath, ['scripts/readme-tables.mjs', '--check'], { cwd: root, stdio: 'pipe' }),
    ).not.toThrow()
  })
})

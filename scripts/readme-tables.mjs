// The inputs and outputs tables of the docs are generated from action.yml, where each name, description, default and
// required flag is written once. They sit between marker comments in docs/inputs.md (TABLES_FILE; the README links
// there since the README was split into docs/ by topic, issue 22):
//
//   <!-- inputs: generated from action.yml by npm run docs -->  …  <!-- end inputs -->
//   <!-- outputs: generated from action.yml by npm run docs --> …  <!-- end outputs -->
//
//   node scripts/readme-tables.mjs           rewrite the tables (npm run docs)
//   node scripts/readme-tables.mjs --check   exit 1, naming each stale row, when docs/inputs.md is not what action.yml
//                                            makes it (npm run docs:check, run by .ci/run)
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

const SECTIONS = ['inputs', 'outputs']
/** The file that holds both tables, relative to the repository root. */
export const TABLES_FILE = 'docs/inputs.md'
const begin = (section) => `<!-- ${section}: generated from action.yml by npm run docs -->`
const end = (section) => `<!-- end ${section} -->`

/** Markdown for one table cell: code spans kept as they are, everything else escaped so that it renders as
 * written (a `<incident-id>` is not swallowed as an HTML tag, a `*.webhook.office.com` starts no emphasis; an `_` inside
 * a word, as in run_started_at, needs no escape in GitHub's Markdown). */
function cell(text) {
  return String(text)
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/[\\*[\]<>]|(?<!\w)_|_(?!\w)/g, (c) => `\\${c}`)))
    .join('')
    .replace(/\|/g, '\\|')
}

const code = (text) => (String(text).includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``)

function defaultCell(input) {
  if (input.required === true || input.required === 'true') return '(required)'
  const value = input.default === undefined || input.default === null ? '' : String(input.default)
  return value === '' ? 'empty' : code(value).replace(/\|/g, '\\|')
}

/** The two tables, from action.yml's text: `{ inputs, outputs }`, each a Markdown table without a final newline. */
export function renderTables(actionYml) {
  const action = parse(actionYml)
  const rows = (entries, toRow) => Object.entries(entries ?? {}).map(([name, spec]) => toRow(name, spec ?? {}))
  const inputs = [
    '| Input | Default | Description |',
    '| --- | --- | --- |',
    ...rows(
      action.inputs,
      (name, spec) => `| ${code(name)} | ${defaultCell(spec)} | ${cell(spec.description ?? '')} |`,
    ),
  ]
  const outputs = [
    '| Output | Description |',
    '| --- | --- |',
    ...rows(action.outputs, (name, spec) => `| ${code(name)} | ${cell(spec.description ?? '')} |`),
  ]
  return { inputs: inputs.join('\n'), outputs: outputs.join('\n') }
}

/** Where each section's table sits in TABLES_FILE; throws, naming the marker, when one is missing or doubled. */
function locate(readme, section) {
  const from = readme.indexOf(begin(section))
  const to = readme.indexOf(end(section))
  if (from < 0 || to < 0 || to < from || readme.indexOf(begin(section), from + 1) >= 0) {
    throw new Error(
      `${TABLES_FILE} needs the ${section} table between the lines '${begin(section)}' and '${end(section)}', each once and in that order.`,
    )
  }
  return { start: from + begin(section).length, stop: to }
}

/** TABLES_FILE's text with both tables replaced by what action.yml makes. */
export function updateReadme(readme, actionYml) {
  const tables = renderTables(actionYml)
  let out = readme
  for (const section of SECTIONS) {
    const { start, stop } = locate(out, section)
    out = `${out.slice(0, start)}\n${tables[section]}\n${out.slice(stop)}`
  }
  return out
}

/** Each table row by its name (the first cell), in order. */
function rowsByName(table) {
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => [/^\| (`+) ?(.*?) ?\1 \|/.exec(line)?.[2] ?? line, line])
}

/** What is stale in TABLES_FILE's tables, one line each (empty: up to date). */
export function checkReadme(readme, actionYml) {
  const tables = renderTables(actionYml)
  const problems = []
  for (const section of SECTIONS) {
    let found
    try {
      const { start, stop } = locate(readme, section)
      found = readme.slice(start, stop).trim()
    } catch (e) {
      problems.push(e.message)
      continue
    }
    if (found === tables[section]) continue
    const want = rowsByName(tables[section])
    const have = new Map(rowsByName(found))
    const wanted = new Set(want.map(([name]) => name))
    const before = problems.length
    for (const [name, row] of want) {
      if (!have.has(name)) problems.push(`${section}: no row for \`${name}\`, which action.yml declares`)
      else if (have.get(name) !== row) problems.push(`${section}: the row for \`${name}\` differs from action.yml`)
    }
    for (const name of have.keys()) {
      if (!wanted.has(name)) problems.push(`${section}: a row for \`${name}\`, which action.yml does not declare`)
    }
    if (problems.length === before) problems.push(`${section}: the table's header or row order differs from action.yml`)
  }
  return problems
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..')
  const readmePath = join(root, TABLES_FILE)
  const readme = readFileSync(readmePath, 'utf8')
  const actionYml = readFileSync(join(root, 'action.yml'), 'utf8')
  try {
    if (process.argv.includes('--check')) {
      const problems = checkReadme(readme, actionYml)
      if (problems.length > 0) {
        console.error(
          `${TABLES_FILE}'s inputs and outputs tables are stale: run npm run docs (they are generated from action.yml).\n${problems.map((p) => `  - ${p}`).join('\n')}`,
        )
        process.exit(1)
      }
    } else {
      const updated = updateReadme(readme, actionYml)
      if (updated !== readme) writeFileSync(readmePath, updated)
      console.log(
        updated === readme
          ? `${TABLES_FILE} is up to date.`
          : `${TABLES_FILE}: inputs and outputs tables rewritten from action.yml.`,
      )
    }
  } catch (e) {
    console.error(e.message)
    process.exit(1)
  }
}

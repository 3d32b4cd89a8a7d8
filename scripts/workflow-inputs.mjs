// The reusable workflows' input blocks (the `inputs:` of workflow_call and workflow_dispatch in
// .github/workflows/*.yml), generated from one declaration: scripts/workflow-inputs.yml (which
// inputs each workflow offers, and their descriptions for callers and for the dispatch form) and
// action.yml (each input's type, whether it is required, and its default). A workflow entry may
// override a field for that workflow (a Docker workflow's "channel" is a tag); `null` drops it.
//
//   node scripts/workflow-inputs.mjs          rewrite the blocks
//   node scripts/workflow-inputs.mjs --check  fail (exit 1) when a block is not what it generates to
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse, stringify } from 'yaml'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const TABLE = join(root, 'scripts', 'workflow-inputs.yml')
const SECTIONS = { call: 'workflow_call', dispatch: 'workflow_dispatch' }

/** What action.yml says of an input: its type (boolean when its default is one), required, default. */
export function fromAction(actionInputs, name) {
  const a = actionInputs[name]
  if (!a) return {}
  const bool = a.default === 'true' || a.default === 'false'
  const spec = { type: bool ? 'boolean' : 'string', required: a.required === true }
  if (!spec.required) spec.default = bool ? a.default === 'true' : (a.default ?? '')
  return spec
}

/** Every workflow's inputs, per section, as ordered [name, spec] pairs. */
export function declaredInputs(table = parse(readFileSync(TABLE, 'utf8')), action = readAction()) {
  const out = {}
  for (const [file, sections] of Object.entries(table.workflows)) {
    out[file] = {}
    for (const [section, list] of Object.entries(sections)) {
      out[file][section] = list.map((entry) => {
        const [name, override] = typeof entry === 'string' ? [entry, {}] : Object.entries(entry)[0]
        const shared = table.inputs[name]?.[section]
        if (!shared)
          throw new Error(`${TABLE}: ${file} ${section} lists ${name}, which has no ${section} entry under inputs`)
        const spec = { ...fromAction(action, name), ...shared, ...override }
        for (const [k, v] of Object.entries(spec)) if (v === null) delete spec[k]
        if (spec.required) delete spec.default
        return [name, spec]
      })
    }
  }
  return out
}

function readAction() {
  return parse(readFileSync(join(root, 'action.yml'), 'utf8')).inputs
}

const scalar = (v) => stringify(v, { lineWidth: 0, singleQuote: true }).trimEnd()

/** One section's `inputs:` block, as the workflow files hold it (6 spaces before each name). */
export function renderBlock(entries) {
  const lines = []
  for (const [name, spec] of entries) {
    lines.push(`      ${name}:`)
    for (const key of ['description', 'type', 'options', 'required', 'default']) {
      if (!(key in spec)) continue
      const v = key === 'options' ? `[${spec.options.join(', ')}]` : scalar(spec[key])
      lines.push(`        ${key}: ${v}`)
    }
  }
  return lines
}

/** `text` with the section's inputs block replaced (or undefined when the file has no such block). */
export function replaceBlock(text, section, block) {
  const lines = text.split('\n')
  const at = lines.findIndex((l) => l === `  ${SECTIONS[section]}:`)
  if (at < 0 || lines[at + 1] !== '    inputs:') return undefined
  let end = at + 2
  while (end < lines.length && (lines[end].trim() === '' || /^ {6}/.test(lines[end]))) end++
  while (end > at + 2 && lines[end - 1].trim() === '') end--
  return [...lines.slice(0, at + 2), ...block, ...lines.slice(end)].join('\n')
}

function main() {
  const check = process.argv.includes('--check')
  const stale = []
  for (const [file, sections] of Object.entries(declaredInputs())) {
    const path = join(root, '.github', 'workflows', file)
    const before = readFileSync(path, 'utf8')
    let text = before
    for (const [section, entries] of Object.entries(sections)) {
      const next = replaceBlock(text, section, renderBlock(entries))
      if (next === undefined) throw new Error(`${path}: no "${SECTIONS[section]}:" with an "inputs:" block under it`)
      text = next
    }
    if (text === before) continue
    if (check) stale.push(file)
    else writeFileSync(path, text)
  }
  if (stale.length > 0) {
    console.error(
      `The input blocks of ${stale.join(', ')} are not what scripts/workflow-inputs.yml and action.yml generate: run 'npm run docs' and commit.`,
    )
    process.exit(1)
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main()

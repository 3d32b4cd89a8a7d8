// One scalar of a YAML file read and replaced, everything else kept byte for byte: comments, key
// order, quotes, indentation, blank lines, other documents' text. The `yaml` package's Document API
// (eemeli/yaml, "Documents": parseDocument keeps each node's source `range`) finds the node; the
// edit splices the new value into the source text at that range, in the node's own quoting style,
// and re-parses the result to prove that only that value changed.
import { isMap, isScalar, isSeq, parseDocument, Scalar, type Document } from 'yaml'

/** A key path: `image.tag`, `spec.source.targetRevision`, `containers.0.image` (a number indexes a list). */
export type KeyPath = Array<string | number>

/** `image.tag` → ['image', 'tag']; `a.0.b` → ['a', 0, 'b']. Empty segments are refused by the caller. */
export function splitKey(key: string): KeyPath {
  return key.split('.').map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s))
}

export class YamlEditError extends Error {}

function parse(text: string, what: string): Document {
  const doc = parseDocument(text, { keepSourceTokens: true, uniqueKeys: true })
  if (doc.errors.length > 0)
    throw new YamlEditError(`${what} is not valid YAML: ${doc.errors[0].message.split('\n')[0]}`)
  return doc
}

function scalarAt(doc: Document, path: KeyPath, what: string): Scalar {
  const node = doc.getIn(path, true)
  if (node === undefined) throw new YamlEditError(`${what} has no key ${path.join('.')}.`)
  if (!isScalar(node) || isMap(node) || isSeq(node)) {
    throw new YamlEditError(`${what}: ${path.join('.')} is not a single value (a map or a list is there).`)
  }
  if (node.range === undefined || node.range === null)
    throw new YamlEditError(`${what}: ${path.join('.')} has no source position.`)
  return node as Scalar
}

/** The value at `path` as text (a number or boolean in its YAML spelling); throws YamlEditError. */
export function readScalar(text: string, path: KeyPath, what = 'the file'): string {
  const node = scalarAt(parse(text, what), path, what)
  return String(node.source ?? node.value)
}

/** `value` written in the style of the node it replaces. */
function render(node: Scalar, value: string): string {
  switch (node.type) {
    case Scalar.QUOTE_DOUBLE:
      return JSON.stringify(value)
    case Scalar.QUOTE_SINGLE:
      return `'${value.replace(/'/g, "''")}'`
    case Scalar.PLAIN: {
      // plain when YAML reads it back as that very string (1.2.3, v1.2.3, a sha); quoted when it would
      // read as something else (1.2 a number, true a boolean, a value with ': ' or '#')
      const back = parseDocument(value).contents
      return /^[^\s'"]/.test(value) && isScalar(back) && back.value === value ? value : JSON.stringify(value)
    }
    default:
      throw new YamlEditError(`a ${node.type} scalar (block text) is not edited; write the value on one line.`)
  }
}

/**
 * `text` with the value at `path` replaced by `value`; every other byte as it was. Throws a
 * YamlEditError when the key is missing, is not one value, or the result would not read back as
 * exactly that one change.
 */
export function replaceScalar(text: string, path: KeyPath, value: string, what = 'the file'): string {
  const doc = parse(text, what)
  const node = scalarAt(doc, path, what)
  const [start, end] = node.range as [number, number, number]
  const next = text.slice(0, start) + render(node, value) + text.slice(end)
  // the proof: the new text reads as the old with that one value changed
  const after = parse(next, what)
  const expected = parse(text, what)
  expected.setIn(path, value)
  if (String(after.getIn(path)) !== value || JSON.stringify(after.toJS()) !== JSON.stringify(expected.toJS())) {
    throw new YamlEditError(`${what}: writing ${path.join('.')} would change more than that value; edit it by hand.`)
  }
  return next
}

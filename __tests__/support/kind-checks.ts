// Finds the places in TypeScript sources that name a target kind: a string literal that is exactly a
// kind's name ('npm', 'git-tag'), or an object key that is one ({ npm: 'dist-tag' }). Only a kind's own
// folder (src/targets/<kind>/) and the registry (src/targets/registry.ts) may (issue 22): everything else
// asks the registry and reads the kind's words and capabilities.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

export interface KindCheck {
  file: string
  line: number
  text: string
}

/** The kind checks of one source text (`file` is only for the report). */
export function kindChecksIn(file: string, text: string, kinds: readonly string[]): KindCheck[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const found: KindCheck[] = []
  const visit = (node: ts.Node) => {
    const named =
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && kinds.includes(node.text)
        ? node
        : (ts.isPropertyAssignment(node) || ts.isPropertySignature(node)) &&
            (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name)) &&
            kinds.includes(node.name.text)
          ? node.name
          : undefined
    // an import path is not a kind check
    if (named && !ts.isImportDeclaration(node.parent) && !ts.isExportDeclaration(node.parent)) {
      const { line } = sf.getLineAndCharacterOfPosition(named.getStart(sf))
      found.push({ file, line: line + 1, text: text.split('\n')[line].trim().slice(0, 120) })
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return found
}

/** Whether `path` (relative to the repository, with /) may name kinds. */
export function mayNameKinds(path: string, kinds: readonly string[]): boolean {
  return path === 'src/targets/registry.ts' || kinds.some((k) => path.startsWith(`src/targets/${k}/`))
}

/** Every kind check under `root`/src outside the kinds' folders and the registry. */
export function kindChecks(root: string, kinds: readonly string[]): KindCheck[] {
  const files: string[] = []
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e)
      if (statSync(p).isDirectory()) walk(p)
      else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) files.push(p)
    }
  }
  walk(join(root, 'src'))
  return files
    .map((p) => relative(root, p).split('\\').join('/'))
    .filter((rel) => !mayNameKinds(rel, kinds))
    .flatMap((rel) => kindChecksIn(rel, readFileSync(join(root, rel), 'utf8'), kinds))
}

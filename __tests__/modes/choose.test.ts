// The one mode chooser both entries ask (src/modes/choose.ts).
import { describe, expect, it } from '@jest/globals'
import { chooseCommand, chooseMode } from '../../src/modes/choose.js'

describe('chooseCommand', () => {
  it('runs the freeze check or the resume before any rollback request is read', () => {
    expect(chooseCommand({ freezeCheck: true, resume: true })).toBe('freeze-check')
    expect(chooseCommand({ resume: true })).toBe('resume')
    expect(chooseCommand({})).toBe('request')
  })
})

describe('chooseMode', () => {
  it('puts the smoke-only job first, then the drill, the undo, the dry run, else the rollback', () => {
    expect(chooseMode({ smokeOnly: true, drill: true, undo: true, dryRun: true })).toBe('smoke-only')
    expect(chooseMode({ drill: true, undo: true, dryRun: true })).toBe('drill')
    expect(chooseMode({ undo: true, dryRun: true })).toBe('undo')
    expect(chooseMode({ dryRun: true })).toBe('dry-run')
    expect(chooseMode({})).toBe('rollback')
  })
})

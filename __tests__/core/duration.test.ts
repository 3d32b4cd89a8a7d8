// The one duration parser (src/core/duration.ts) every duration input goes through:
// Go's notation plus days, each caller's limits, and errors that name the input and the fix.
import { describe, expect, it } from '@jest/globals'
import { parseDuration, type DurationRule } from '../../src/core/duration.js'
import { InputError } from '../../src/core/errors.js'
import { inputErrorOf } from '../support/helpers.js'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H
const rule: DurationRule = { max: 30 * D, maxText: '30 days', fix: 'use a duration such as 5m.' }

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['45s', 45 * S],
    ['5m', 5 * M],
    ['24h', 24 * H],
    ['2d', 2 * D],
    ['1h30m', 90 * M],
    ['1.5h', 90 * M],
    ['0.5d', 12 * H],
    ['1d12h', 36 * H],
    ['2h0m30s', 2 * H + 30 * S],
    ['5ms', 5],
    ['1m5ms', M + 5],
    ['  90M ', 90 * M],
    ['1.0005s', 1001],
    ['30d', 30 * D],
  ])('%j is %d ms', (raw, ms) => {
    expect(parseDuration('some-timeout', raw, rule)).toBe(ms)
  })

  it.each([
    '',
    '5',
    '5 m',
    'five minutes',
    '-1m',
    '1w',
    '1y',
    '5mm',
    'h',
    '.5h',
    '1,5h',
    '24h$(id)',
    `${'9'.repeat(40)}h`,
  ])('refuses %j as no duration, naming the input and the fix', (raw) => {
    const e = inputErrorOf(() => parseDuration('some-timeout', raw, rule))
    expect(e).toBeInstanceOf(InputError)
    expect(e.input).toBe('some-timeout')
    expect(e.message).toMatch(/is not a duration\. Fix: use a duration such as 5m\.$/)
  })

  it('refuses zero unless the rule allows it, and then takes 0 without a unit too', () => {
    expect(inputErrorOf(() => parseDuration('t', '0s', rule)).message).toMatch(/must be longer than 0 \(got 0s\)/)
    expect(inputErrorOf(() => parseDuration('t', '0', rule)).message).toMatch(/"0" is not a duration/)
    expect(parseDuration('t', '0', { ...rule, zero: true })).toBe(0)
    expect(parseDuration('t', '0m', { ...rule, zero: true })).toBe(0)
    expect(parseDuration('t', '2m', { ...rule, zero: true })).toBe(2 * M)
  })

  it("keeps each caller's limits: the shortest and the longest, said as the caller says them", () => {
    const bounded: DurationRule = { ...rule, min: S, minText: '1s', max: 6 * H, maxText: '6h' }
    expect(parseDuration('t', '1s', bounded)).toBe(S)
    expect(parseDuration('t', '6h', bounded)).toBe(6 * H)
    expect(parseDuration('t', '0.25d', bounded)).toBe(6 * H)
    expect(inputErrorOf(() => parseDuration('t', '999ms', bounded)).message).toMatch(/999ms is shorter than 1s\./)
    expect(inputErrorOf(() => parseDuration('t', '6h1s', bounded)).message).toMatch(/6h1s is longer than 6h\./)
    expect(inputErrorOf(() => parseDuration('t', '1d', bounded)).message).toMatch(/1d is longer than 6h\./)
  })
})

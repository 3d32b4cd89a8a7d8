import { describe, expect, it } from '@jest/globals'
import { inert } from '../src/markdown.js'

describe('inert', () => {
  it('neutralises HTML, links, images, emphasis, mentions, references and table pipes', () => {
    const text = inert('<img src=x onerror=alert(1)> [click](https://evil) ![i](x) **b** @octocat #12 a|b `code`')
    expect(text).not.toMatch(/<img/)
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(text).toContain('\\[click\\](https://evil)')
    expect(text).toContain('\\!\\[i\\]')
    expect(text).toContain('\\*\\*b\\*\\*')
    expect(text).toContain('@\u200boctocat')
    expect(text).toContain('\\#12')
    expect(text).toContain('a\\|b')
    expect(text).toContain('\\`code\\`')
  })

  it('keeps a multi-line reason on one table row', () => {
    expect(inert('one\ntwo\r\nthree')).toBe('one<br>two<br>three')
  })
})

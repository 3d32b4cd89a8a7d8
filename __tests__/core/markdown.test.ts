import { describe, expect, it } from '@jest/globals'
import { inert } from '../../src/core/markdown.js'

describe('inert', () => {
  it('neutralises HTML, links, images, emphasis, mentions, references and table pipes', () => {
    const text = inert('<img src=x onerror=alert(1)> [click](https://evil) ![i](x) **b** @octocat #12 a|b `code`')
    expect(text).not.toMatch(/<img/)
    expect(text).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(text).toContain('\\[click\\](https:\u200b//evil)') // the bare URL inside is no autolink either
    expect(text).toContain('\\!\\[i\\]')
    expect(text).toContain('\\*\\*b\\*\\*')
    expect(text).toContain('@\u200boctocat')
    expect(text).toContain('\\#12')
    expect(text).toContain('a\\|b')
    expect(text).toContain('\\`code\\`')
  })

  it('leaves no autolink: bare http(s):// and www. URLs are broken by a zero-width space, still readable', () => {
    const raw =
      'see https://evil.example/a, http://evil.example/b, HTTPS://EVIL.EXAMPLE/c, ftp://evil.example/d, (www.evil.example) and WWW.Evil.example'
    const text = inert(raw)
    // GitHub (cmark-gfm) autolinks a scheme followed by :// and www. after a space or punctuation
    expect(text).not.toMatch(/[a-z]:\/\//i)
    expect(text).not.toMatch(/www\./i)
    // without the zero-width spaces the text reads exactly as written
    expect(text.replace(/\u200b/g, '')).toBe(raw)
  })

  it('keeps a multi-line reason on one table row', () => {
    expect(inert('one\ntwo\r\nthree')).toBe('one<br>two<br>three')
  })
})

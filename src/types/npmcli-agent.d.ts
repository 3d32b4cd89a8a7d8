// @npmcli/agent ships no types; this is the one function src/targets/npm-fetch.ts uses.
// It is the agent factory make-fetch-happen (under npm-registry-fetch) calls for every
// request: proxies from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, keep-alive, timeouts.
declare module '@npmcli/agent' {
  import type { Agent } from 'node:http'
  export function getAgent(url: string, options?: Record<string, unknown>): Agent
}

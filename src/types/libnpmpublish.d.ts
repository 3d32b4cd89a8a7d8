// libnpmpublish ships no types; this is the one function the republish strategy uses.
declare module 'libnpmpublish' {
  export function publish(
    manifest: Record<string, unknown>,
    tarball: Buffer,
    options: Record<string, unknown>,
  ): Promise<unknown>
}

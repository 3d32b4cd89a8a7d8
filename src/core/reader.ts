/** Reads one input by its action.yml name; '' when unset (like core.getInput). */
export type InputReader = (name: string) => string

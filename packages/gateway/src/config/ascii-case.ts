// Case folding for path prefixes of case-insensitive routes: A-Z only. String.toLowerCase() also
// folds non-ASCII letters (the Kelvin sign U+212A becomes "k"), which would let a prefix match
// paths that no upstream treats as the same.

/** `text` with A-Z turned into a-z and every other character kept. */
export function asciiLowerCase(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]+/g, (run) => run.toLowerCase()) : text;
}

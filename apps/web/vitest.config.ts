import { defineConfig } from 'vitest/config';

// Dates and numbers are shown in the browser's language and time zone. The tests pin both, and
// the zone is not UTC on purpose: a capture time converted to the browser's zone would show.
// Set here, before the test processes start, as ICU reads them once per process.
process.env.TZ = 'America/New_York';
process.env.LC_ALL = 'en_US.UTF-8';

/**
 * Unit tests of the UI's logic (formatting, tag derivation, job event reducers): plain functions
 * and the TanStack Query cache, run in Node. A test that needs the DOM can say so on its first
 * line with `// @vitest-environment jsdom` once jsdom is added to the devDependencies.
 */
export default defineConfig({
  // The app's tsconfig keeps JSX for Next (`"jsx": "preserve"`); tests compile it themselves.
  oxc: { jsx: { runtime: 'automatic' } },
  test: {
    include: ['**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', '.next/**', 'out/**'],
    environment: 'node',
    // Child processes inherit the pinned TZ and locale (worker threads would share this one's).
    pool: 'forks',
    reporters: ['default', 'junit'],
    outputFile: { junit: '../../artifacts/junit-web.xml' },
  },
});

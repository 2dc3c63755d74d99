import { defineConfig } from 'vitest/config';

/**
 * Unit tests of the UI's logic (formatting, tag derivation, job event reducers): plain functions,
 * run in Node. A test that needs the DOM can say so on its first line with
 * `// @vitest-environment jsdom` once jsdom is added to the devDependencies.
 */
export default defineConfig({
  // The app's tsconfig keeps JSX for Next (`"jsx": "preserve"`); tests compile it themselves.
  oxc: { jsx: { runtime: 'automatic' } },
  test: {
    include: ['**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', '.next/**', 'out/**'],
    environment: 'node',
    reporters: ['default', 'junit'],
    outputFile: { junit: '../../artifacts/junit-web.xml' },
  },
});

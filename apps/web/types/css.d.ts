// Lets `tsc --noEmit` type-check style imports before `next build` has written next-env.d.ts
// (which is git-ignored). Next's own declarations take over once it exists.
declare module '*.css';

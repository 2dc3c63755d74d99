/**
 * Options for our piscina pools. Piscina loads a worker file with require() first; on Node 20
 * require() of an ES module goes through an experimental path that crashed a worker (a native
 * assertion in CreateRequiredModuleFacade, seen under load). Turning it off makes require()
 * refuse at once, and piscina then loads the file with import(), the path ESM is meant for.
 */
export const WORKER_EXEC_ARGV = [...process.execArgv, '--no-experimental-require-module'];

// The suites of a full run, in the order the console reports them. A module of its own: the report commands need the
// list without loading the run machinery (vitest, the reference server).
export const SUITES = ['auth', 'concurrency', 'transactions', 'availability', 'search', 'interactions', 'profiles', 'terminology'] as const;

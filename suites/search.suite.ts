// Search parameters, share 1 of 3 of the matrix's resource types (three files so vitest runs them in parallel):
// every parameter planted, queried and judged by the oracle — see lib/vitest/search-suite.ts.
import { searchParamSuite } from '../lib/vitest/search-suite.ts';

searchParamSuite(1, 3);

// UZ Core profiles (spec/ig), share 1 of 2 of the IG's profiles (two files so vitest runs them in parallel): each IG
// example accepted, each Must Support element round-tripped, required elements and meta.profile claims enforced —
// see lib/vitest/profile-suite.ts.
import { profileSuite } from '../lib/vitest/profile-suite.ts';

profileSuite(1, 2);

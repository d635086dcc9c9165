// UZ Core profiles (spec/ig), share 2 of 2 of the IG's profiles — see lib/vitest/profile-suite.ts.
import { profileSuite } from '../lib/vitest/profile-suite.ts';

profileSuite(2, 2);

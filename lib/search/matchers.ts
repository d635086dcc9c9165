// Search-parameter type → matcher, shared by evaluate.ts and composite.ts (composite components dispatch by their own type).
import type { SearchParamType } from '../matrix/types.ts';
import { matches as date } from './date.ts';
import { matches as number } from './number.ts';
import { matches as quantity } from './quantity.ts';
import { UnsupportedSearchError } from './query.ts';
import type { Matcher } from './query.ts';
import { matches as reference } from './reference.ts';
import { matches as string } from './string.ts';
import { matches as token } from './token.ts';
import { matches as uri } from './uri.ts';

const MATCHERS: Partial<Record<SearchParamType, Matcher>> = { date, number, quantity, reference, string, token, uri };

export function matcherFor(type: SearchParamType): Matcher {
  const m = MATCHERS[type];
  if (!m) throw new UnsupportedSearchError(`no single-value matcher for ${type} parameters`);
  return m;
}

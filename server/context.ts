// The state every handler shares, passed explicitly so handlers stay plain functions.
import type { FaultSet } from './faults.ts';
import type { Capabilities } from './capabilities.ts';
import type { Store } from './store.ts';
import type { SearchEngine } from './search/engine.ts';

export interface ServerContext {
  readonly store: Store;
  readonly caps: Capabilities;
  readonly faults: FaultSet;
  readonly engine: SearchEngine;
  /** `http://host:port/fhir`; known only once the socket listens. */
  baseUrl: string;
  tokenUrl: string;
}

// transaction-response entries (API access page, Transactions: "Each entry contains response.status and
// response.location with the server-assigned ID", e.g. `Observation/blood-pressure-example/_history/1`).

export interface Location { type: string; id: string; version?: string }

/** Parses `Type/id`, `Type/id/_history/v` or the same as an absolute URL. */
export function parseLocation(location: string | undefined): Location | undefined {
  if (!location) return undefined;
  const path = location.replace(/[?#].*$/, '');
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/([^/]+))?$/.exec(path);
  return m ? { type: m[1]!, id: m[2]!, ...(m[3] ? { version: m[3] } : {}) } : undefined;
}

/** The id a successful create answered with: the body's, else the Location's (or Content-Location's) id. */
export function createdId(res: { status: number; body?: any; headers: Record<string, string | undefined> }): string | undefined {
  if (res.status < 200 || res.status >= 300) return undefined;
  return res.body?.id ?? parseLocation(res.headers.location ?? res.headers['content-location'])?.id;
}

/** The numeric status of `response.status` ("201 Created" → 201). */
export function entryStatus(status: string | undefined): number | undefined {
  const m = /^\s*(\d{3})\b/.exec(status ?? '');
  return m ? Number(m[1]) : undefined;
}

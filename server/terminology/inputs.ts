// An operation's input parameters from the query string, a form body or a Parameters resource, one list per name.
import type { FhirRequest } from '../http.ts';
import { badRequest } from '../outcomes.ts';
import type { Json } from './sources.ts';

export type Coding = { system?: string; code?: string; display?: string };

export class OperationInputs {
  private readonly values = new Map<string, string[]>();
  private readonly codings = new Map<string, Coding>();

  constructor(req: FhirRequest) {
    const add = (name: string, value: unknown) => {
      if (value === undefined || value === null) return;
      if (!this.values.has(name)) this.values.set(name, []);
      this.values.get(name)!.push(String(value));
    };
    for (const [k, v] of req.query) add(k, v);
    for (const [k, v] of req.form ?? []) add(k, v);
    const body = req.body as Json | undefined;
    if (body !== undefined) {
      if (body?.resourceType !== 'Parameters') throw badRequest('structure', 'An operation body must be a Parameters resource');
      for (const p of body.parameter ?? []) {
        if (p.valueCoding) { this.codings.set(p.name, p.valueCoding); continue; }
        const key = Object.keys(p).find((k) => k.startsWith('value'));
        if (key) add(p.name, p[key]);
      }
    }
  }

  get(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  all(name: string): string[] {
    return this.values.get(name) ?? [];
  }

  coding(name: string): Coding | undefined {
    return this.codings.get(name);
  }

  integer(name: string): number | undefined {
    const raw = this.get(name);
    if (raw === undefined) return undefined;
    if (!/^\d+$/.test(raw)) throw badRequest('value', `Parameter ${name} must be a non-negative integer, not "${raw}"`);
    return Number(raw);
  }

  boolean(name: string): boolean {
    return this.get(name) === 'true';
  }
}

// A small in-memory storage adapter for oidc-provider (one store per provider instance).
// oidc-provider ships its own MemoryAdapter but prints a "development-only" warning when it is used;
// this one is equivalent for a single-process test server and keeps the console quiet.

import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  /** epoch ms after which the entry is gone; Infinity when no TTL was given */
  expiresAt: number;
}

export class MemoryStore {
  private readonly entries = new Map<string, Entry>();
  /** `${model}:${grantId}` → keys stored under that grant */
  private readonly byGrant = new Map<string, Set<string>>();
  /** `${model}:${uid}` / `${model}:${userCode}` → key */
  private readonly byUid = new Map<string, string>();
  private readonly byUserCode = new Map<string, string>();

  get(key: string): AdapterPayload | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.payload;
  }

  set(model: string, id: string, payload: AdapterPayload, expiresIn?: number): void {
    const key = `${model}:${id}`;
    const expiresAt = expiresIn && expiresIn > 0 ? Date.now() + expiresIn * 1000 : Infinity;
    this.entries.set(key, { payload: structuredClone(payload), expiresAt });
    if (payload.grantId) {
      const gk = `${model}:${payload.grantId}`;
      let set = this.byGrant.get(gk);
      if (!set) this.byGrant.set(gk, (set = new Set()));
      set.add(key);
    }
    if (payload.uid) this.byUid.set(`${model}:${payload.uid}`, key);
    if (payload.userCode) this.byUserCode.set(`${model}:${payload.userCode}`, key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  revokeGrant(model: string, grantId: string): void {
    const gk = `${model}:${grantId}`;
    for (const key of this.byGrant.get(gk) ?? []) this.entries.delete(key);
    this.byGrant.delete(gk);
  }

  keyByUid(model: string, uid: string): string | undefined {
    return this.byUid.get(`${model}:${uid}`);
  }

  keyByUserCode(model: string, userCode: string): string | undefined {
    return this.byUserCode.get(`${model}:${userCode}`);
  }

  clear(): void {
    this.entries.clear();
    this.byGrant.clear();
    this.byUid.clear();
    this.byUserCode.clear();
  }

  /** An adapter factory for oidc-provider's `adapter` option. */
  factory(): (name: string) => Adapter {
    return (model: string): Adapter => {
      const key = (id: string) => `${model}:${id}`;
      const clone = (p: AdapterPayload | undefined) => (p ? structuredClone(p) : undefined);
      return {
        upsert: async (id, payload, expiresIn) => this.set(model, id, payload, expiresIn),
        find: async (id) => clone(this.get(key(id))),
        findByUid: async (uid) => {
          const k = this.keyByUid(model, uid);
          return k ? clone(this.get(k)) : undefined;
        },
        findByUserCode: async (userCode) => {
          const k = this.keyByUserCode(model, userCode);
          return k ? clone(this.get(k)) : undefined;
        },
        consume: async (id) => {
          const e = this.entries.get(key(id));
          if (e) e.payload.consumed = Math.floor(Date.now() / 1000);
        },
        destroy: async (id) => this.delete(key(id)),
        revokeByGrantId: async (grantId) => this.revokeGrant(model, grantId),
      };
    };
  }
}

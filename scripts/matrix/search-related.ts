// The search capabilities that cross references or test presence — `_include`, `_revinclude`, chaining, `_has`,
// `:missing`, `:in`/`:not-in` on tokens the IG binds to its ValueSets and `:below`/`:above` where their code system has
// a hierarchy — and the findings on the platform's expressions, derived from the search params and the planter's rules
// (lib/search/related.ts), so each id names exactly what the search suite plants and queries. What the harness cannot
// judge carries `notTested` with the reason, here, once.
import type { Capability, ResourceCapability, SearchParam } from '../../lib/matrix/types.ts';
import {
  hasSourceFor, missingApplies, plannedStatus, referencePairs, referenceTargetTypes, relatedIds, terminologyModifiers, writableOf,
} from '../../lib/search/related.ts';
import { takesFoundValue } from '../../lib/search/found-value.ts';

const SEARCH_PAGE = 'FHIR R5 search.html';

function notPlantable(type: string): string {
  return `the matrix gives ${type} neither create nor update: the harness cannot plant the resources a search of ${type} is judged on`;
}

/** Why a reference param has nothing to include (no pair): what its planted values point at. */
function noTargetReason(type: string, p: SearchParam): string {
  const types = referenceTargetTypes(type, p);
  if (!types) return `${type}.${p.name} selects canonical or absolute references ("${p.expression ?? 'no expression'}"): they point at nothing the server holds, so there is nothing to include`;
  return `${type}.${p.name} may point at ${types.join(', ') || 'any type'}, none of which the harness can write (no create or update in the matrix): nothing can be planted to include`;
}

export function searchAcrossCapabilities(resources: readonly ResourceCapability[]): { capabilities: Capability[]; notJudged: Map<string, string> } {
  const writable = writableOf(resources);
  const byType = new Map(resources.map((r) => [r.type, r]));
  const notJudged = new Map<string, string>();
  const caps: Capability[] = [];
  const status = new Map<string, string>();

  for (const r of resources) {
    for (const p of r.searchParams) {
      // What cannot be planted is judged on what the target holds, where a found value can be taken (lib/search/judge-found.ts).
      if (!writable.has(r.type)) {
        if (!takesFoundValue(p)) notJudged.set(p.capability, `${notPlantable(r.type)}, and a ${p.type} param has no single found value to search with`);
        continue;
      }
      if (p.name === '_has') {
        if (!hasSourceFor({ resources: [...resources] }, r.type, writable)) notJudged.set(p.capability, `no writable type has a reference param that can point at ${r.type}: nothing can be planted to reverse-chain from`);
        continue;
      }
      const s = plannedStatus(r.type, p);
      status.set(p.capability, s.status);
      if (s.status === 'not-run') notJudged.set(p.capability, `${s.reason}${p.note ? ` (${p.note})` : ''}`);
    }
  }

  for (const r of resources) {
    for (const p of r.searchParams.filter((x) => x.platformExpression)) {
      caps.push({
        id: `matrix:expression-valid:${r.type}:${p.name}`, tier: 'SHALL', suite: 'search',
        title: `The server's CapabilityStatement gives ${r.type}:${p.name} an expression over elements R5 has`,
        source: `R5 SearchParameter.expression is FHIRPath over the R5 resource model; the platform's CapabilityStatement says "${p.platformExpression}" (${p.note})`,
      });
    }
  }

  const pairs = referencePairs({ resources: [...resources] }, writable);
  for (const r of resources.filter((x) => x.resultParams.includes('_include'))) {
    for (const p of r.searchParams.filter((x) => x.type === 'reference')) {
      const pair = pairs.find((x) => x.source === r.type && x.param === p);
      const id = relatedIds.include({ source: r.type, param: p });
      const notTested = !writable.has(r.type) ? notPlantable(r.type) : notJudged.get(p.capability) ?? (pair ? undefined : noTargetReason(r.type, p));
      caps.push({
        id, tier: r.inServerCS ? 'SHALL' : 'SHOULD', suite: 'search',
        title: `${r.type}?…&_include=${r.type}:${p.name} also returns the resources the matches refer to, once each, with search.mode include, not counted in total, on every page`,
        source: `${SEARCH_PAGE} (_include); _include declared by the ${r.inServerCS ? 'platform' : 'IG'} CapabilityStatement`,
        requires: ['search:paging', p.capability],
        ...(notTested ? { notTested } : {}),
      });
    }
  }
  for (const pair of pairs) {
    const target = byType.get(pair.target)!;
    const source = byType.get(pair.source)!;
    if (target.resultParams.includes('_revinclude')) {
      caps.push({
        id: relatedIds.revinclude(pair), tier: target.inServerCS ? 'SHALL' : 'SHOULD', suite: 'search',
        title: `${pair.target}?_id=…&_revinclude=${pair.source}:${pair.param.name} also returns the ${pair.source} resources that refer to the match, with search.mode include`,
        source: `${SEARCH_PAGE} (_revinclude); _revinclude declared by the ${target.inServerCS ? 'platform' : 'IG'} CapabilityStatement`,
        requires: ['search:paging'],
      });
    }
    caps.push({
      id: relatedIds.chain(pair), tier: 'SHOULD', suite: 'search',
      title: `${pair.source}?${pair.param.name}:${pair.target}.${pair.chain.name}=… (chaining) returns the resources whose ${pair.param.name} refers to a ${pair.target} matching ${pair.chain.name}`,
      source: `${SEARCH_PAGE} (chaining)`,
      // The chain stands on the target type's own param too (judged inline: lib/search/judge-related.ts).
      requires: ['search:paging', pair.param.capability, ...(target.searchParams.some((p) => p.capability === pair.chain.capability) ? [pair.chain.capability] : [])],
    });
    const has = target.searchParams.find((x) => x.name === '_has');
    if (has) {
      caps.push({
        id: relatedIds.has(pair), tier: has.tier, suite: 'search',
        title: `${pair.target}?_has:${pair.source}:${pair.param.name}:_id=… (reverse chaining) returns the ${pair.target} resources those ${pair.source} refer to through ${pair.param.name}`,
        source: `${SEARCH_PAGE} (_has); _has declared by the ${source.inServerCS ? 'platform' : 'IG'} CapabilityStatement of ${pair.target}`,
        requires: ['search:paging'],
      });
    }
  }
  for (const r of resources.filter((x) => writable.has(x.type))) {
    for (const p of r.searchParams) {
      const t = p.type === 'token' && status.get(p.capability) === 'planned' ? terminologyModifiers(r.type, p) : { modifiers: [] };
      for (const m of t.modifiers) {
        const hierarchical = m === 'below' || m === 'above';
        caps.push({
          id: relatedIds.terminology(r.type, p, m), tier: 'SHOULD', suite: 'search',
          title: hierarchical
            ? `${r.type}?${p.name}:${m}=system|code returns the resources whose code is ${m === 'below' ? 'subsumed by' : 'subsumes'} it (the code system's hierarchy)`
            : `${r.type}?${p.name}:${m}=${t.valueSet} returns the resources whose code is ${m === 'in' ? '' : 'not '}in the UZ Core ValueSet the IG binds ${p.name}'s element to`,
          source: `${SEARCH_PAGE} (:${m}); the binding is the IG's, the ${hierarchical ? 'subsumption' : 'expansion'} the harness's own`,
          requires: ['search:paging', p.capability],
        });
      }
      if (!missingApplies(p, status.get(p.capability) ?? 'not-run')) continue;
      caps.push({
        id: relatedIds.missing(r.type, p), tier: 'SHOULD', suite: 'search',
        title: `${r.type}?${p.name}:missing=true returns the resources without a value for it, :missing=false those with one`,
        source: `${SEARCH_PAGE} (:missing)`,
        requires: ['search:paging', p.capability],
      });
    }
  }
  return { capabilities: caps, notJudged };
}

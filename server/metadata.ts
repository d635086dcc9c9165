// GET /metadata: a CapabilityStatement derived from the matrix as this instance's profile exposes it.
import type { Bundle, CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r5.js';
import type { SearchParam } from '../lib/matrix/types.ts';
import type { ServerContext } from './context.ts';
import { r5Definition } from './r5-definitions.ts';

type TypeInteraction = NonNullable<CapabilityStatementRestResource['interaction']>[number]['code'];

const documented = (p: SearchParam, ctx: ServerContext) => (ctx.faults.has('platform-expressions') ? p.platformExpression ?? p.expression : p.expression);

/**
 * The conformant profile advertises every parameter the matrix knows; the playground profile only those the
 * platform's own CapabilityStatement declares, as the real playground does.
 */
export function capabilityStatement(ctx: ServerContext): CapabilityStatement {
  const { matrix, profile } = ctx.caps;
  const resource: CapabilityStatementRestResource[] = ctx.caps.enabledResources().map((r) => ({
    type: r.type as CapabilityStatementRestResource['type'],
    ...(r.profiles.length ? { supportedProfile: r.profiles } : {}),
    interaction: r.interactions.map((code) => ({ code: code as TypeInteraction })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: r.conditionalCreate,
    searchParam: r.searchParams
      .filter((p) => profile !== 'playground' || p.declaredByServer)
      .map((p) => ({
        name: p.name,
        ...(r5Definition(r.type, p.name) ? { definition: r5Definition(r.type, p.name) } : {}),
        type: p.type,
        // Fault platform-expressions: the platform's own expressions, also those naming elements R5 lacks.
        ...(documented(p, ctx) ? { documentation: `expression: ${documented(p, ctx)}\nsubtype: ${p.type}` } : {}),
      })),
    ...(r.operations.length ? { operation: r.operations.map((o) => ({ name: o.name, definition: o.definition })) } : {}),
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    name: 'DHPReferenceServer',
    title: `dhp-conformance reference server (${profile} profile)`,
    software: { name: 'dhp-conformance reference server', version: matrix.matrixVersion },
    implementation: { description: 'Local reference DHP FHIR R5 server', url: ctx.baseUrl },
    fhirVersion: '5.0.0',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [{ coding: [{ system: 'http://hl7.org/fhir/restful-security-service', code: 'OAuth' }] }],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: ctx.tokenUrl }],
            },
          ],
        },
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
      },
    ],
  };
}

/** The metadata-bundle fault: what some proxies and half-finished servers answer at /metadata — a searchset, not a CapabilityStatement. */
export function metadataBundle(ctx: ServerContext): Bundle {
  return { resourceType: 'Bundle', type: 'searchset', total: 0, link: [{ relation: 'self', url: `${ctx.baseUrl}/metadata` }] };
}

import { expect, test } from 'vitest';
import { firstDifference, namesElement } from './profiles.ts';

test.for([
  [['Patient.identifier[0].type'], undefined, 'Patient.identifier:nationalId.type', true],
  [['Patient.identifier[3].type.coding'], undefined, 'Patient.identifier:nationalId.type', true],
  [['PlanDefinition.useContext[0].valueCodeableConcept.coding'], undefined, 'PlanDefinition.useContext:immunizationFocus.value[x].coding', true],
  [['Immunization.occurrence[x]'], undefined, 'Immunization.occurrence[x]', true],
  [['Patient.identifier[0]'], 'Patient.identifier.type: minimum required = 1', 'Patient.identifier:nationalId.type', true],
  [['Patient.identifier[0]'], 'something else', 'Patient.identifier:nationalId.type', false],
  [['Patient.name[0].family'], undefined, 'Patient.identifier:nationalId.type', false],
  [[], 'Patient.identifier.type is required', 'Patient.identifier:nationalId.type', false],
] as const)('expression %j (diagnostics %s) names %s: %s', ([expression, diagnostics, element, yes]) => {
  expect(namesElement({ severity: 'error', code: 'required', expression: [...expression], diagnostics }, element)).toBe(yes);
});

test('firstDifference points at the first path that differs', () => {
  expect(firstDifference({ a: 1, b: [{ c: 2 }] }, { a: 1, b: [{ c: 3 }] })).toBe('b[0].c: sent 2, read back 3');
  expect(firstDifference({ performer: [1] }, {})).toBe('performer: sent [1], read back nothing');
});

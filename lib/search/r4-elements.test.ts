import { describe, expect, test } from 'vitest';
import { r5OnlyElements } from './r4-elements.ts';

describe('r5OnlyElements', () => {
  test.for([
    ['Observation.code', 'Observation', []],
    ['Observation.effective.ofType(dateTime) | Observation.effective.ofType(Period)', 'Observation', []],
    ['Observation.triggeredBy.observation', 'Observation', ['Observation.triggeredBy']],
    ['Encounter.actualPeriod', 'Encounter', ['Encounter.actualPeriod']],
    ['Observation.component.code', 'Observation', []],
    ['InventoryItem.code', 'InventoryItem', ['InventoryItem (an R5-only resource type)']],
    ['Patient.name.family', 'Patient', []],
  ] as const)('%s', ([expression, type, want]) => expect(r5OnlyElements(expression, type)).toEqual(want));
});

// The three planted resources every plan is about; a module of its own so the planter's parts share it without an import cycle.
export type Variant = 'match' | 'second' | 'decoy';
export const VARIANTS: readonly Variant[] = ['match', 'second', 'decoy'];

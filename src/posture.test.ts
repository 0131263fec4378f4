import { formatFor, presetOf } from './posture';
import { withDefaults } from './types';

describe('presets', () => {
  it.each([
    [undefined, undefined, 'an0020'],
    [undefined, ['app_id', 'actor_id'], 'an0020'],
    [undefined, ['token_id'], 'custom'],
    ['an0020-broad', ['token_id'], 'an0020-broad'],
    ['bogus', ['actor_id', 'app_id'], 'an0020'],
  ] as const)('preset %s with correlateBy %j stands for %s', (preset, correlateBy, want) => {
    expect(presetOf(preset, correlateBy)).toBe(want);
  });

  it('a preset fixes correlateBy in the query sent to the backend', () => {
    expect(withDefaults({ preset: 'an0020-broad', correlateBy: ['actor_id', 'app_id'] }).correlateBy).toEqual([
      'actor_id',
    ]);
    expect(withDefaults({ correlateBy: ['token_id'] })).toMatchObject({ preset: 'custom', correlateBy: ['token_id'] });
  });
});

describe('formats', () => {
  it.each([
    ['inventory', 'numeric', 'table'],
    ['inventory', 'count', 'count'],
    ['coverage', 'numeric', 'numeric'],
    ['coverage', undefined, 'table'],
    ['sequenceCounts', 'table', 'numeric'],
    ['sequences', undefined, 'numeric'],
  ] as const)('%s with format %s sends %s', (queryType, format, want) => {
    expect(formatFor(queryType, format)).toBe(want);
  });

  it('keeps annotations as the format of an annotation query', () => {
    expect(withDefaults({ queryType: 'sequences', format: 'annotations' }).format).toBe('annotations');
  });
});

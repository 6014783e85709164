import { closestName, didYouMean, editDistance } from '../../../src/util/did-you-mean';

describe('did you mean', () => {
  it('measures edits', () => {
    expect([
      editDistance('relatons', 'relations'),
      editDistance('requird', 'required'),
      editDistance('abc', 'abc'),
      editDistance('', 'ab'),
      editDistance('RAED', 'READ'),
    ]).toEqual([1, 1, 0, 2, 1]);
  });

  it('suggests a near name, another case of one, and nothing for far-off or known names', () => {
    expect(closestName('relatons', ['relations', 'properties'])).toBe('relations');
    expect(closestName('IdInjection', ['idInjection'])).toBe('idInjection');
    expect(closestName('$ownr', ['$owner', '$everyone'])).toBe('$owner');
    expect(closestName('myAppSetting', ['relations', 'properties'])).toBeUndefined();
    expect(closestName('acl', ['acls'])).toBe('acls');
    // short names allow one edit only
    expect(closestName('ab', ['base'])).toBeUndefined();
    expect(closestName('scope', ['scope', 'scopes'])).toBeUndefined();
    expect(didYouMean('hasmany', ['hasMany', 'hasOne'])).toBe('; did you mean "hasMany"?');
    expect(didYouMean('zzz', ['hasMany'])).toBe('');
  });
});

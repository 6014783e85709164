import * as qs from 'qs';
import { parseQueryString } from '../../../src/remoting/rest/query-string';

const QS_OPTIONS = { depth: 8, arrayLimit: 1000, parameterLimit: 1000, allowPrototypes: false };

describe('parseQueryString gives what qs gives', () => {
  const cases = [
    '',
    'filter=%7B%22include%22%3A%22orders%22%2C%22limit%22%3A20%7D',
    'filter={"where":{"id":{"inq":[1,2]}}}',
    'filter=%7B%22where%22%3A%7B%22id%22%3A%7B%22inq%22%3A%5B1%2C2%5D%7D%7D%7D',
    'a=1&b=2',
    'a=1&a=2',
    'a[b]=1&a[c]=2',
    'a%5Bb%5D=1',
    'a=x]=y',
    'a=x%5D=y',
    'a',
    'a=&b',
    '=x&y=1',
    'a=1&&b=2',
    'q=hello+world&r=%E2%9C%93',
    'bad=%E0%A4%A&ok=1',
    '%E0%A4%A=1',
    '__proto__=x&a=1',
    'constructor=x',
    'toString=1&b=2',
    'hasOwnProperty=1',
    'a.b=1',
    'a=b=c',
    'access_token=abc&filter=%7B%7D',
    'where[title][like]=a%25',
    '0=a&1=b',
    'a[]=1&a[]=2',
  ];
  it.each(cases)('%s', (text) => {
    expect(parseQueryString(text)).toEqual(qs.parse(text, QS_OPTIONS));
    expect(Object.getPrototypeOf(parseQueryString(text))).toBe(
      Object.getPrototypeOf(qs.parse(text, QS_OPTIONS)),
    );
  });

  it('honours the parameter limit as qs does, empty parts included', () => {
    const text = '&'.repeat(5) + 'a=1&b=2';
    expect(parseQueryString(text, { parameterLimit: 3 })).toEqual(
      qs.parse(text, { ...QS_OPTIONS, parameterLimit: 3 }),
    );
    const many = Array.from({ length: 12 }, (_, i) => `k${i}=${i}`).join('&');
    expect(parseQueryString(many, { parameterLimit: 10 })).toEqual(
      qs.parse(many, { ...QS_OPTIONS, parameterLimit: 10 }),
    );
    expect(Object.keys(parseQueryString(many, { parameterLimit: 10 }))).toHaveLength(10);
  });

  it('never sets a prototype through a flat key', () => {
    parseQueryString('__proto__=polluted&constructor=x');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

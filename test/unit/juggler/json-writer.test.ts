import { dateText } from '../../../src/juggler/json-writer';

/** The JSON writer's own date formatting must write what JSON.stringify writes for every date. */
describe('dateText', () => {
  const same = (t: number) => expect(dateText(new Date(t))).toBe(JSON.stringify(new Date(t)));

  it('writes what JSON.stringify writes at the edges: epoch, days, leap days, years 0 and 9999, beyond, invalid', () => {
    for (const t of [
      0,
      -1,
      1,
      999,
      1000,
      86399999,
      86400000,
      -86400000,
      951782400000,
      951868800000,
      4107542400000,
      -2208988800000,
      -62167219200000,
      -62167219200001,
      -62135596800000,
      253402300799999,
      253402300800000,
      8.64e15,
      -8.64e15,
      1700000000000,
      NaN,
    ])
      same(t);
    expect(dateText(new Date(NaN))).toBe('null');
  });

  it('writes what JSON.stringify writes for 200,000 dates spread over the years 0000–9999 and around them', () => {
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 200000; i++) {
      const span = i % 4 === 0 ? 8.64e15 : 253402300800000 + 62167219200000;
      same(Math.floor(next() * span - (i % 4 === 0 ? span / 2 : 62167219200000)));
    }
  });
});

import { maxSpanError, parseGoDuration } from './duration';

const SECOND = 1e9;

describe('parseGoDuration', () => {
  it.each([
    ['0', 0],
    ['1h', 3600 * SECOND],
    ['30m', 1800 * SECOND],
    ['1h30m', 5400 * SECOND],
    ['1.5h', 5400 * SECOND],
    ['.5s', 0.5 * SECOND],
    ['1.s', SECOND],
    ['250ms', 0.25 * SECOND],
    ['10us', 10e3],
    ['10\u00b5s', 10e3],
    ['10\u03bcs', 10e3],
    ['7ns', 7],
    ['+2m', 120 * SECOND],
    ['-2m', -120 * SECOND],
    [' 1h ', 3600 * SECOND],
  ])('accepts %j as %d ns', (text, nanos) => {
    expect(parseGoDuration(text)).toEqual({ nanos });
  });

  it.each([
    ['', /enter a duration/],
    ['1', /without a unit/],
    ['1h30', /without a unit/],
    ['1d', /unknown unit "d".*write a day as 24h/],
    ['2w', /unknown unit "w".*write a week as 168h/],
    ['1 h', /unknown unit " h"/],
    ['h', /not a duration/],
    ['.h', /not a duration/],
    ['-', /not a duration/],
    ['1h-30m', /unknown unit "h-"/], // Go reads the unit up to the next digit
    ['3000000h', /largest Go duration/],
  ])('rejects %j', (text, message) => {
    const result = parseGoDuration(text);
    expect(result.nanos).toBeUndefined();
    expect(result.error).toMatch(message);
  });
});

describe('maxSpanError', () => {
  it.each([
    ['1h', undefined],
    ['$span', undefined],
    ['${span}', undefined],
    ['[[span]]', undefined],
    ['0', /longer than zero/],
    ['-1h', /longer than zero/],
    ['1x', /unknown unit/],
  ])('for %j', (text, expected) => {
    const error = maxSpanError(text);
    if (expected === undefined) {
      expect(error).toBeUndefined();
    } else {
      expect(error).toMatch(expected);
    }
  });
});

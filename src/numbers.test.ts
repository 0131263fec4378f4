import { parseWholeNumber } from './numbers';

describe('parseWholeNumber', () => {
  it.each([
    ['', 1, 10, { value: undefined }],
    ['  ', 1, 10, { value: undefined }],
    ['7', 1, 10, { value: 7 }],
    [' 10 ', 1, 10, { value: 10 }],
  ])('reads %j within [%d, %d]', (text, min, max, expected) => {
    expect(parseWholeNumber(text, min, max)).toEqual(expected);
  });

  it.each([
    ['0', /out of range/],
    ['11', /out of range/],
    ['-3', /whole number/],
    ['2.5', /whole number/],
    ['1e3', /whole number/],
    ['ten', /whole number/],
  ])('rejects %j', (text, message) => {
    const result = parseWholeNumber(text, 1, 10);
    expect(result.value).toBeUndefined();
    expect(result.error).toMatch(message);
  });
});

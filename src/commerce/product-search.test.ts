import { describe, expect, it } from 'vitest';
import { rankProducts, searchWords } from './product-search.ts';

const names = [
  'White bread 700g',
  'Brown bread 700g',
  'Sunlight soap 750g',
  'Coca-Cola 2L',
  'Maize meal 5kg',
  'Sugar 2.5kg',
  'Amasi 2L',
  'Kota (full house)',
  'Crème soda 2L',
  'Rice 2kg',
];
const products = names.map((name, i) => ({
  id: String(i),
  name,
  priceCents: 1000,
  stockQuantity: name.startsWith('Brown') ? 0 : 5,
}));

function search(query: string, limit = 10): string[] {
  return rankProducts(query, products, limit).map((p) => p.name);
}

describe('rankProducts', () => {
  describe('when a word is typed exactly', () => {
    it('finds it whatever the case', () => {
      expect(search('AMASI')).toEqual(['Amasi 2L']);
    });
  });

  describe('when a word has one typo', () => {
    it('finds "bred" as both breads, the one in stock first', () => {
      expect(search('bred')).toEqual(['White bread 700g', 'Brown bread 700g']);
    });

    it('finds a swapped pair of letters', () => {
      expect(search('sugra')).toEqual(['Sugar 2.5kg']);
    });

    it('finds "maiz meal" as maize meal', () => {
      expect(search('maiz meal')[0]).toBe('Maize meal 5kg');
    });
  });

  describe('when a word is spelled as it sounds', () => {
    it('finds "sunlite" as Sunlight soap', () => {
      expect(search('sunlite')).toEqual(['Sunlight soap 750g']);
    });
  });

  describe('when several words are typed', () => {
    it('ranks the product matching more words first', () => {
      expect(search('white bred')[0]).toBe('White bread 700g');
      expect(search('brown bread')[0]).toBe('Brown bread 700g');
    });

    it('ignores words that match nothing', () => {
      expect(search('i want kota please')).toEqual(['Kota (full house)']);
    });
  });

  describe('when the name has accents or punctuation', () => {
    it('matches without them', () => {
      expect(search('creme')).toEqual(['Crème soda 2L']);
      expect(search('cocacola')).toEqual(['Coca-Cola 2L']);
      expect(search('coca cola')[0]).toBe('Coca-Cola 2L');
    });
  });

  describe('when only the start of a word is typed', () => {
    it('matches as a prefix', () => {
      expect(search('sunl')).toEqual(['Sunlight soap 750g']);
    });

    it('forgives a typo in the start', () => {
      expect(search('sunlg')).toEqual(['Sunlight soap 750g']);
    });
  });

  describe('when a word is short', () => {
    it('allows one typo from four letters on', () => {
      expect(search('rise')).toEqual(['Rice 2kg']);
    });

    it('allows no typo in three letters, since short words collide', () => {
      expect(search('ric')).toEqual(['Rice 2kg']);
      expect(search('rce')).toEqual([]);
    });
  });

  describe('when nothing matches', () => {
    it('returns nothing', () => {
      expect(search('paraffin')).toEqual([]);
      expect(search('  ')).toEqual([]);
    });
  });

  describe('when a limit is given', () => {
    it('returns at most that many', () => {
      expect(search('2l', 2)).toHaveLength(2);
    });
  });
});

describe('searchWords', () => {
  it('drops accents, case and punctuation but keeps decimals', () => {
    expect(searchWords('Crème-SODA, 2.5kg!')).toEqual([
      'creme',
      'soda',
      '2.5kg',
    ]);
  });
});

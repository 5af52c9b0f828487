import { describe, expect, it } from 'vitest';
import { BoundedCache } from './bounded-cache';

describe('BoundedCache', () => {
	it('keeps at most its capacity, dropping the least recently used entry', () => {
		const cache = new BoundedCache<string, number>(2);
		cache.set('a', 1);
		cache.set('b', 2);
		expect(cache.get('a')).toBe(1); // now b is the least recently used
		cache.set('c', 3);

		expect(cache.size).toBe(2);
		expect(cache.get('b')).toBeUndefined();
		expect(cache.get('a')).toBe(1);
		expect(cache.get('c')).toBe(3);
	});

	it('replaces a value without growing', () => {
		const cache = new BoundedCache<string, number | null>(2);
		cache.set('a', 1);
		cache.set('a', null);
		expect(cache.size).toBe(1);
		expect(cache.get('a')).toBeNull();
		cache.delete('a');
		expect(cache.get('a')).toBeUndefined();
	});
});

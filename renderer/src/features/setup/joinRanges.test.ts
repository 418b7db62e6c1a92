// What a joining kiosk fetches before it opens (issue 13): key ranges by type and date.
import { describe, expect, it } from 'vitest';
import { inRanges } from '@sync/client/initialPull';
import { joinRanges } from './joinCenter';

describe('joinRanges', () => {
  it('takes the roster whole, the register from two weeks back, and leaves the rest of the term for later', () => {
    const { now, later } = joinRanges('2026-11-20');
    for (const id of ['centerkey:k1', 'center:qingshan', 'staff:01KSZC6Y00DXJD9G0W9D32QHG3', 'child:01KSZC6Y00DXJD9G0W9D32QHG3', 'private:child:01KSZC6Y00DXJD9G0W9D32QHG3', 'consent:01KSZC6Y00DXJD9G0W9D32QHG3:01KSZC6Y00DXJD9G0W9D32QHG4', 'followup:01KSZC6Y00DXJD9G0W9D32QHG3', 'att:2026-11-06:01KSZC6Y00DXJD9G0W9D32QHG3', 'att:2026-11-20:01KSZC6Y00DXJD9G0W9D32QHG3', 'day:2026-09-01', 'mood:2026-11-20:arrive:01KSZC6Y00DXJD9G0W9D32QHG3'])
      expect(inRanges(id, now), id).toBe(true);
    for (const id of ['att:2026-11-05:01KSZC6Y00DXJD9G0W9D32QHG3', 'att:2026-06-01:01KSZC6Y00DXJD9G0W9D32QHG3', 'day:2026-08-31', 'mood:2026-11-19:arrive:01KSZC6Y00DXJD9G0W9D32QHG3', 'county:att:2026-11-20:01KSZC6Y00DXJD9G0W9D32QHG3', 'private:answers:01KSZC6Y00DXJD9G0W9D32QHG3', 'private:activity-photos:01KSZC6Y00DXJD9G0W9D32QHG3', 'ctally:qingshan:2026-10'])
      expect(inRanges(id, now), id).toBe(false);
    expect(inRanges('att:2026-09-01:01KSZC6Y00DXJD9G0W9D32QHG3', later)).toBe(true);
    expect(inRanges('att:2026-11-05:01KSZC6Y00DXJD9G0W9D32QHG3', later)).toBe(true);
    expect(inRanges('att:2026-11-06:01KSZC6Y00DXJD9G0W9D32QHG3', later)).toBe(false);
  });

  it('in the first two weeks of a term the register starts at the term, with nothing left for later', () => {
    const { now, later } = joinRanges('2026-09-05');
    expect(inRanges('att:2026-09-01:01KSZC6Y00DXJD9G0W9D32QHG3', now)).toBe(true);
    expect(inRanges('att:2026-08-31:01KSZC6Y00DXJD9G0W9D32QHG3', now)).toBe(false);
    expect(later).toEqual([]);
  });
});

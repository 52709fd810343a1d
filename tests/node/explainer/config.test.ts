// The explainer's configuration: URL parameters ↔ ExplainerConfig, with
// plain-text notices for what is ignored or capped.
import { describe, expect, it } from 'vitest';

import { configToParams, DEFAULT_CONFIG, parseConfig } from '../../../web/lib/explainer/config.js';

describe('configuration from the URL', () => {
  it('reads pairs and single numbers, and round-trips', () => {
    const { config, notices } = parseConfig(
      new URLSearchParams('input=5x6&kernel=3&stride=2&padding=1x0&dilation=1&output-padding=1'),
    );
    expect(notices).toEqual([]);
    expect(config).toEqual({
      input: [5, 6],
      kernel: [3, 3],
      stride: [2, 2],
      padding: [1, 0],
      dilation: [1, 1],
      outputPadding: [1, 1],
    });
    expect(configToParams(config).toString()).toBe('input=5x6&kernel=3&stride=2&padding=1x0&output-padding=1');
    expect(parseConfig(configToParams(config)).config).toEqual(config);
  });

  it('falls back to the defaults with a plain-text notice for malformed or out-of-range values', () => {
    const { config, notices } = parseConfig(
      new URLSearchParams({ input: '<script>alert(1)</script>', kernel: '99', stride: '2x', bogus: '1' }),
    );
    expect(config.input).toEqual(DEFAULT_CONFIG.input);
    expect(config.kernel).toEqual([7, 7]);
    expect(config.stride).toEqual(DEFAULT_CONFIG.stride);
    expect(notices).toHaveLength(3);
    expect(notices[0]).toContain('Ignored input="<script>alert(1)</script…"');
    expect(notices[1]).toContain('kernel 99 is outside what the page can show (1 to 7); using 7');
  });
});

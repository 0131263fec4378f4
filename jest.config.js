// force timezone to UTC to allow tests to work regardless of local timezone
// generally used by snapshots, but can affect specific tests
process.env.TZ = 'UTC';

const base = require('./.config/jest.config');
const swcJest = base.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  // Jest configuration provided by Grafana scaffolding
  ...base,
  // The editor tests render @grafana/ui in jsdom; on a CPU shared with other
  // builds a first render can take seconds, far from a hang, so allow 20 s.
  testTimeout: 20000,
  transform: {
    ...base.transform,
    // d3-color, a dependency of @grafana/data, ships only an ES module with the .mjs
    // extension, which the scaffolded pattern (.js/.ts/.jsx/.tsx) does not transform.
    '^.+\\.mjs$': swcJest,
  },
};

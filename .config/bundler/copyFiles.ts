import { PLUGIN_JSON } from './constants.ts';
import { getPluginJson } from './utils.ts';

const pluginJson = getPluginJson();
const logoPaths: string[] = Array.from(new Set([pluginJson.info?.logos?.large, pluginJson.info?.logos?.small])).filter(
  Boolean
);
const screenshotPaths: string[] = pluginJson.info?.screenshots?.map((s: { path: string }) => s.path) || [];

// Paths in `from` are relative to the webpack context (src/); `to` is relative to dist/.
// README, CHANGELOG and LICENSE are required in the package by the Grafana plugin
// validator, so a missing one fails the build instead of being skipped.
export const copyFilePatterns = [
  { from: '../README.md', to: '.', force: true },
  { from: `../${PLUGIN_JSON}`, to: '.' },
  { from: '../LICENSE', to: '.' },
  { from: '../CHANGELOG.md', to: '.', force: true },
  ...logoPaths.map((logoPath) => ({ from: logoPath, to: logoPath })),
  ...screenshotPaths.map((screenshotPath) => ({
    from: screenshotPath,
    to: screenshotPath,
  })),
];

export const SOURCE_DIR = 'src';
export const DIST_DIR = 'dist';
// TokenTrail keeps plugin.json at the repository root (next to the Go backend and
// Magefile) rather than in src/, so the backend build and the frontend build read
// one manifest. Paths here are relative to the repository root.
export const PLUGIN_JSON = 'plugin.json';

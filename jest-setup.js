// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';

// jsdom does no layout. The stand-ins below give @grafana/ui the measurements it
// needs to render the way it does in a browser; they must exist before
// @grafana/ui is imported, because react-use decides at import time whether
// ResizeObserver is available.

// MultiCombobox sizes its input by measuring text on a canvas: 8px per character.
HTMLCanvasElement.prototype.getContext = () => ({
  measureText: (text) => ({ width: String(text).length * 8 }),
});

// MultiCombobox hides the pills that do not fit the width ResizeObserver reports.
// Report a wide input area (the element holding the input) and narrow counters
// and icons, so every selected value stays visible as in a real panel editor.
class WideResizeObserver {
  constructor(callback) {
    this.callback = callback;
  }
  observe(target) {
    const width = target.querySelector('input') ? 1000 : 20;
    const contentRect = { x: 0, y: 0, top: 0, left: 0, bottom: 20, right: width, width, height: 20 };
    this.callback([{ target, contentRect }], this);
  }
  unobserve() {}
  disconnect() {}
}
global.ResizeObserver = WideResizeObserver;

// The scroll container of Combobox menus watches its edges to draw scroll shadows.
class NoopIntersectionObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
global.IntersectionObserver = NoopIntersectionObserver;

import React, { useState } from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { QueryEditor } from '../components/QueryEditor';
import { DataSource } from '../datasource';
import { TokenTrailOptions, TokenTrailQuery } from '../types';
import { FakeTemplateSrv } from './fakeTemplateSrv';
import { instanceSettings } from './settings';

/**
 * Makes Combobox menus render in jsdom; call once at the top of a test file.
 *
 * Combobox menus are virtualised: they render only the options that fit the
 * menu's client size, which jsdom reports as 0. Give elements a size, or no
 * option would ever be rendered. (Canvas, ResizeObserver and
 * IntersectionObserver stand-ins live in jest-setup.js.)
 */
export function sizeComboboxMenus() {
  const clientSize = { clientHeight: 400, clientWidth: 400 };
  const originalDescriptors = Object.fromEntries(
    Object.keys(clientSize).map((key) => [key, Object.getOwnPropertyDescriptor(Element.prototype, key)])
  );

  beforeAll(() => {
    // jsdom's getComputedStyle matches every emotion rule against the element and
    // its ancestors, and floating-ui calls it whenever a Combobox renders: one
    // click took seconds. Nothing here depends on stylesheet rules, so inline
    // styles (which carry the menus' display and position) are enough.
    jest.spyOn(window, 'getComputedStyle').mockImplementation((element) => (element as HTMLElement).style);
    for (const [key, value] of Object.entries(clientSize)) {
      Object.defineProperty(HTMLElement.prototype, key, { configurable: true, get: () => value });
    }
  });

  afterAll(() => {
    for (const key of Object.keys(clientSize)) {
      delete (HTMLElement.prototype as unknown as Record<string, unknown>)[key];
      const original = originalDescriptors[key];
      if (original) {
        Object.defineProperty(Element.prototype, key, original);
      }
    }
  });
}

export interface SetupOptions {
  fields?: unknown;
  values?: string[];
  jsonData?: TokenTrailOptions;
}

/** Renders the editor the way Grafana does: it owns the query and feeds every change back. */
export function setupQueryEditor(
  initial: Partial<TokenTrailQuery> = {},
  { fields, values = [], jsonData = {} }: SetupOptions = {}
) {
  const datasource = new DataSource(instanceSettings(jsonData), new FakeTemplateSrv({ app: ['zoom', 'slack'] }));
  const getResource = jest.spyOn(datasource, 'getResource').mockImplementation(async (path: string) => {
    if (path === 'fields') {
      if (fields === undefined) {
        throw new Error('no backend in tests');
      }
      return fields;
    }
    return { values };
  });
  const onChange = jest.fn<void, [TokenTrailQuery]>();
  const onRunQuery = jest.fn();
  function Harness() {
    const [query, setQuery] = useState({ refId: 'A', ...initial } as TokenTrailQuery);
    return (
      <QueryEditor
        datasource={datasource}
        query={query}
        onChange={(next) => {
          onChange(next);
          setQuery(next);
        }}
        onRunQuery={onRunQuery}
      />
    );
  }
  render(<Harness />);
  const latest = () => onChange.mock.calls[onChange.mock.calls.length - 1][0];
  return { user: userEvent.setup({ delay: null }), latest, onChange, onRunQuery, getResource };
}

/** The values a multi-select shows as pills, read from their remove buttons. */
export function pills(): string[] {
  return screen
    .queryAllByRole('button', { name: /^Remove / })
    .map((button) => button.getAttribute('aria-label')?.replace(/^Remove /, '') ?? '');
}

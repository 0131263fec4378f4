import React, { useState } from 'react';
import { Field, Input } from '@grafana/ui';

import { parseWholeNumber } from '../../numbers';

interface Props {
  id: string;
  label: string;
  description: string;
  value: number | undefined;
  /** Shown while the field is empty: the value the backend uses then. */
  defaultValue: number;
  min: number;
  max: number;
  onChange: (value: number | undefined) => void;
}

/**
 * A whole-number setting. Empty means "use the default"; out-of-range text stays
 * visible with an error and is not saved, so a typo never reaches the backend.
 */
export function NumberField({ id, label, description, value, defaultValue, min, max, onChange }: Props) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  // Follow changes made elsewhere (for example the port reset when the protocol
  // changes) without overwriting text that already means the new value.
  const [shownValue, setShownValue] = useState(value);
  if (value !== shownValue) {
    setShownValue(value);
    if (parseWholeNumber(text, min, max).value !== value) {
      setText(value === undefined ? '' : String(value));
    }
  }
  const parsed = parseWholeNumber(text, min, max);

  return (
    <Field label={label} description={description} invalid={parsed.error !== undefined} error={parsed.error}>
      <Input
        id={id}
        width={20}
        inputMode="numeric"
        value={text}
        placeholder={String(defaultValue)}
        onChange={(event) => {
          const next = event.currentTarget.value;
          setText(next);
          const result = parseWholeNumber(next, min, max);
          if (result.error === undefined && result.value !== value) {
            onChange(result.value);
          }
        }}
      />
    </Field>
  );
}

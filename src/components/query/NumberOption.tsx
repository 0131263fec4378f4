import React from 'react';

import { parseWholeNumber } from '../../numbers';
import { CommittedInput } from './CommittedInput';

interface Props {
  id: string;
  label: string;
  tooltip: string;
  /** The query's value; undefined shows the placeholder (the default). */
  value: number | undefined;
  placeholder: string;
  min: number;
  max: number;
  width?: number;
  /** Called with the new value (undefined when cleared) once it is valid. */
  onChange: (value: number | undefined) => void;
}

/** A whole-number query option, committed on blur or Enter and checked against its range as you type. */
export function NumberOption({ id, label, tooltip, value, placeholder, min, max, width = 12, onChange }: Props) {
  return (
    <CommittedInput
      id={id}
      label={label}
      tooltip={tooltip}
      value={value === undefined ? '' : String(value)}
      placeholder={placeholder}
      width={width}
      validate={(text) => parseWholeNumber(text, min, max).error}
      onCommit={(text, valid) => {
        if (valid) {
          onChange(parseWholeNumber(text, min, max).value);
        }
      }}
    />
  );
}

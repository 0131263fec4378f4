import React, { useState } from 'react';
import { InlineField, Input } from '@grafana/ui';

import { LABEL_WIDTH } from './shared';

interface Props {
  id: string;
  label: string;
  tooltip: string;
  value: string;
  placeholder?: string;
  width: number;
  /** Explains what is wrong with the text, or undefined when it is usable. */
  validate: (text: string) => string | undefined;
  /** Called on blur or Enter with the text and whether it passed validation. */
  onCommit: (text: string, valid: boolean) => void;
}

/**
 * A text option that shows validation errors while typing but changes the query
 * only on blur or Enter, so a half-typed value never triggers a query.
 */
export function CommittedInput({ id, label, tooltip, value, placeholder, width, validate, onCommit }: Props) {
  const [text, setText] = useState(value);
  // When the query changes elsewhere (undo, query inspector), show the new value.
  const [shownValue, setShownValue] = useState(value);
  if (value !== shownValue) {
    setShownValue(value);
    setText(value);
  }
  const error = validate(text);

  const commit = () => {
    if (text !== value) {
      onCommit(text, error === undefined);
    }
  };

  return (
    <InlineField
      label={label}
      labelWidth={LABEL_WIDTH}
      tooltip={tooltip}
      invalid={error !== undefined}
      error={error}
      validationMessageHorizontalOverflow
    >
      <Input
        id={id}
        width={width}
        value={text}
        placeholder={placeholder}
        onChange={(event) => setText(event.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            commit();
          }
        }}
      />
    </InlineField>
  );
}

// A labelled form field the pre-chat and offline forms share.
import type { JSX } from 'preact';
import { useId } from 'preact/hooks';
import { formStyles } from './form-styles';
import type { Strings } from './i18n';

formStyles();

export interface FieldProps {
  label: string;
  type: 'text' | 'email' | 'tel' | 'textarea';
  required: boolean;
  strings: Strings;
  value: string;
  onInput(value: string): void;
}

export function Field({ label, type, required, strings, value, onInput }: FieldProps): JSX.Element {
  const id = useId();
  const common = {
    id,
    value,
    required,
    onInput: (event: Event) => onInput((event.currentTarget as HTMLInputElement).value),
  };
  return (
    <div class="field">
      <label for={id}>
        {label}
        {required && <span class="hint"> ({strings.required})</span>}
      </label>
      {type === 'textarea' ? (
        <textarea {...common} rows={4} maxLength={4000} />
      ) : (
        <input
          {...common}
          type={type}
          autoComplete={type === 'email' ? 'email' : type === 'tel' ? 'tel' : 'name'}
        />
      )}
    </div>
  );
}

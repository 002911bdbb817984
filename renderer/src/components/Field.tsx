import { useId, type ReactNode } from 'react';

/**
 * A labelled control with its own error line. The label is a real <label> bound to the
 * control, so screen readers (and the browser tests) find fields by their visible name.
 */
export function Field(props: {
  label: string;
  error?: string | undefined;
  hint?: string;
  wide?: boolean;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const errId = `${id}-err`;
  return (
    <div className={`field${props.wide ? ' field-wide' : ''}${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children(id, props.error ? errId : undefined)}
      {props.error ? (
        <div className="field-error" id={errId} role="alert">
          {props.error}
        </div>
      ) : props.hint ? (
        <div className="field-hint">{props.hint}</div>
      ) : null}
    </div>
  );
}

export function ErrorBanner({ message }: { message: string | undefined }) {
  return message ? (
    <div className="banner banner-error" role="alert">
      {message}
    </div>
  ) : null;
}

import type { User } from '../../../shared/domain/user';
import { Field } from './Field';

/**
 * Who does a guarded thing and their PIN (sign, override a claim, change settings): a picker of
 * the users allowed and a PIN box, each with the backend's field error under it.
 */
export function UserPinFields(props: {
  users: readonly User[];
  userLabel: string;
  pinLabel: string;
  /** '' means the first user listed. */
  userId: string;
  onUserId: (id: string) => void;
  pin: string;
  onPin: (pin: string) => void;
  fields: Readonly<Record<string, string>>;
}) {
  return (
    <>
      <Field label={props.userLabel} error={props.fields['userId']}>
        {(id) => (
          <select id={id} value={props.userId || props.users[0]?.id} onChange={(e) => props.onUserId(e.target.value)}>
            {props.users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
                {u.hasPin ? '' : ' (no PIN yet)'}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={props.pinLabel} error={props.fields['pin']}>
        {(id, d) => <input id={id} aria-describedby={d} type="password" autoComplete="off" value={props.pin} onChange={(e) => props.onPin(e.target.value)} />}
      </Field>
    </>
  );
}

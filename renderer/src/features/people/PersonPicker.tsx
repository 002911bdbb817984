import { useState } from 'react';
import { personDisplayName } from '../../../../shared/domain/person';
import { PERSON_ROLE_LABELS, type PersonRole } from '../../../../shared/domain/vocabulary';
import { useQuery } from '../../api/hooks';
import { PersonDialog } from './PersonDialog';

const ADD = '__add__';

/** Pick a person of one role; "Add new…" creates them once, for every later case. */
export function PersonPicker(props: {
  id: string;
  role: PersonRole;
  value: string;
  onChange: (id: string) => void;
  describedBy?: string | undefined;
}) {
  const people = useQuery('listPeople', { role: props.role, includeInactive: false }, (m) => m.name === 'peopleChanged');
  const [adding, setAdding] = useState(false);
  const list = people.data ?? [];
  // Keep showing a person already on the case even if they were later made inactive.
  const missing = props.value && !list.some((p) => p.id === props.value);
  return (
    <>
      <select
        id={props.id}
        aria-describedby={props.describedBy}
        value={props.value}
        onChange={(e) => (e.target.value === ADD ? setAdding(true) : props.onChange(e.target.value))}
      >
        <option value="">— not set —</option>
        {missing && <option value={props.value}>(inactive person)</option>}
        {list.map((p) => (
          <option key={p.id} value={p.id}>
            {personDisplayName(p)}
            {p.npi ? ` · NPI ${p.npi}` : ''}
          </option>
        ))}
        <option value={ADD}>+ Add new {PERSON_ROLE_LABELS[props.role].toLowerCase()}…</option>
      </select>
      {adding && (
        <PersonDialog
          role={props.role}
          person={null}
          onClose={(created) => {
            setAdding(false);
            if (created) props.onChange(created.id);
          }}
        />
      )}
    </>
  );
}

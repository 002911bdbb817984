// The parser output types live in shared/ (the HL7 mapping there produces them too).
export type { DeviceEvent, ParseWarning } from '../domain/device-event';

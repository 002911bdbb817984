// The parser output types live in shared/ (the HL7 mapping there produces them too).
export type { DeviceEvent, ParseWarning } from '../../../../shared/domain/device-event';

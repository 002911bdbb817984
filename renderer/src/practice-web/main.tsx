// zod is told it is jitless first; the page itself loads after, so that every zod schema its
// modules build at load time is built jitless (an object schema decides at construction).
import './zod-csp';

void import('./start');

/**
 * Where the demo leaves its marks in the settings table. Services that treat the demo case
 * differently read these; they must not load the demo itself (its case file, the simulator).
 */
export const DEMO_CASE_KEY = 'demo.caseId';
/** The demo's physician user, who may sign the demo case only (PIN in the README). */
export const DEMO_USER_KEY = 'demo.userId';

/**
 * A word a person types, as compared with a fixed list: any case, with spaces, hyphens or
 * underscores or none ("Free-run EMG", "free_run_emg", "map raised" all meet their entry).
 */
export const looseKey = (s: string): string => s.toLowerCase().replace(/[\s_-]+/g, '');

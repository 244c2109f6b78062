import { spawnSync } from 'node:child_process';

export type Availability = { ok: true } | { ok: false; reason: string };

/**
 * Whether a program a test needs is installed. Missing, the test skips and says why — unless the
 * environment variable `requiredBy` is set (CI sets it), where a skip would hide a missing install.
 */
export function toolAvailable(options: {
  command: string;
  versionArgs: string[];
  package: string;
  skipping: string;
  requiredBy: string;
}): Availability {
  const probe = spawnSync(options.command, options.versionArgs, { encoding: 'utf8' });
  if (probe.status === 0) return { ok: true };
  const reason = `${options.command} is not installed (apt-get install ${options.package}); skipping ${options.skipping}`;
  if (process.env[options.requiredBy]) throw new Error(reason);
  process.stderr.write(`${reason}\n`);
  return { ok: false, reason };
}

import { type Availability, toolAvailable } from './tool-available.js';

/** CI installs these (see .ci/run) and sets ITBOT_TEST_REQUIRE_DEPLOY_TOOLS, so there they cannot skip. */
const REQUIRED_BY = 'ITBOT_TEST_REQUIRE_DEPLOY_TOOLS';

export const deployTools = {
  dockerCompose: (): Availability =>
    toolAvailable({
      command: 'docker-compose',
      versionArgs: ['version'],
      package: 'docker-compose',
      skipping: 'parsing the compose files with a real Compose parser',
      requiredBy: REQUIRED_BY,
    }),
  promtool: (): Availability =>
    toolAvailable({
      command: 'promtool',
      versionArgs: ['--version'],
      package: 'prometheus',
      skipping: 'checking and unit-testing the Prometheus config and alert rules',
      requiredBy: REQUIRED_BY,
    }),
  nginx: (): Availability =>
    toolAvailable({
      command: 'nginx',
      versionArgs: ['-v'],
      package: 'nginx',
      skipping: 'nginx -t on deploy/nginx/nginx.conf',
      requiredBy: REQUIRED_BY,
    }),
  pgbouncer: (): Availability =>
    toolAvailable({
      command: 'pgbouncer',
      versionArgs: ['--version'],
      package: 'pgbouncer',
      skipping: 'starting pgbouncer on deploy/pgbouncer/pgbouncer.ini',
      requiredBy: REQUIRED_BY,
    }),
  // Not a Debian package (CI cannot install it): the manifests are validated without it, and
  // kubectl's own rendering is compared only where it is installed.
  kubectl: (): Availability =>
    toolAvailable({
      command: 'kubectl',
      versionArgs: ['version', '--client'],
      package: 'kubectl (from the Kubernetes project, not Debian)',
      skipping: "comparing with kubectl kustomize's rendering",
      requiredBy: 'ITBOT_TEST_REQUIRE_KUBECTL',
    }),
};

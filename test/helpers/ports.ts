import net from 'node:net';

/**
 * A loopback port nothing listens on (the OS just handed it out and it was released): a server can
 * start on it, and until one does, connecting is refused at once.
 */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

import { describe, expect, it } from 'vitest';
import { analyzeLog, looksLikeLog } from './log-signatures.js';

const VPN_LOG = `2026-11-20 08:14:02.113 [INFO] RasClient: dialing "Corp VPN" (vpn.contoso.com)
2026-11-20 08:14:32.871 [ERROR] RasClient: CoId={6F1E8A52-7C1B-4A8E-9F44-2D5B61C0A1B3}: The user CONTOSO\\jdoe dialed a connection named Corp VPN which has failed. The error code returned on failure is 809.
2026-11-20 08:14:32.872 [ERROR] IKEEXT: connection to vpn.contoso.com timed out after 30 s (0x800704C9)
2026-11-20 08:15:05.004 [ERROR] RasClient: The error code returned on failure is 809.`;

const EVENT_LOG = `Log Name:      Security
Source:        Microsoft-Windows-Security-Auditing
Date:          11/20/2026 9:02:11 AM
Event ID:      4625
Level:         Information
Description:
An account failed to log on.
Failure Information:
	Failure Reason:		Unknown user name or bad password.
	Status:			0xC000006D
	Sub Status:		0xC000006A`;

const DOTNET_TRACE = `Unhandled exception. System.Net.Http.HttpRequestException: No such host is known. (intranet.contoso.local:443)
 ---> System.Net.Sockets.SocketException (11001): No such host is known.
   at System.Net.Http.ConnectHelper.ConnectAsync(String host, Int32 port, CancellationToken cancellationToken)
   at System.Net.Http.HttpConnectionPool.ConnectAsync(HttpRequestMessage request)
   at Contoso.Timesheets.Sync.Program.Main(String[] args) in C:\\src\\Sync\\Program.cs:line 42`;

const PYTHON_TRACE = `Traceback (most recent call last):
  File "sync.py", line 12, in <module>
    conn = connect("db01.contoso.local")
  File "db.py", line 40, in connect
    raise ConnectionError("could not reach db01.contoso.local")
ConnectionError: could not reach db01.contoso.local`;

const OUTLOOK = `Sending reported error (0x800CCC0E) : 'Outlook cannot connect to your outgoing (SMTP) e-mail server. If you continue to receive this message, contact your server administrator or Internet service provider (ISP).'
Receiving reported error (0x800CCC0E) : 'Outlook cannot connect to your incoming (IMAP) e-mail server.'
Sign-in failed: AADSTS50126: Error validating credentials due to invalid username or password.`;

const values = (text: string) => analyzeLog(text).signatures.map((signature) => signature.value);

describe('log signatures', () => {
  it('finds the VPN error code, its HRESULT and the host that timed out, most frequent first', () => {
    const analysis = analyzeLog(VPN_LOG);
    expect(analysis.signatures).toEqual([
      { kind: 'error_code', value: 'error 809', count: 2 },
      { kind: 'hresult', value: '0x800704C9', count: 1 },
      { kind: 'host', value: 'vpn.contoso.com', count: 1 },
    ]);
    expect(analysis.errorLines[0]).toMatch(
      /^RasClient: CoId=: The user CONTOSO\\jdoe dialed a connection named Corp VPN which has failed/,
    );
    expect(analysis.errorLines[0]).not.toMatch(/2026-11-20|6F1E8A52/);
    expect(analysis.query).toMatch(/^error 809 0x800704C9 /);
  });

  it('reads a Windows event: the event id and its NTSTATUS codes', () => {
    expect(values(EVENT_LOG)).toEqual(['event 4625', '0xC000006D', '0xC000006A']);
  });

  it('names the exceptions of a .NET stack trace and the host it could not resolve', () => {
    expect(values(DOTNET_TRACE)).toEqual(
      expect.arrayContaining(['System.Net.Http.HttpRequestException', 'System.Net.Sockets.SocketException']),
    );
    expect(values(DOTNET_TRACE)).not.toContain('system.net.http'); // namespaces are not hosts
  });

  it('names a Python exception and the failing host', () => {
    expect(values(PYTHON_TRACE).sort()).toEqual(['ConnectionError', 'db01.contoso.local']);
  });

  it('finds Outlook send/receive errors and Entra sign-in codes', () => {
    expect(values(OUTLOOK)).toEqual(['0x800CCC0E', 'AADSTS50126']);
  });

  it('tells pasted logs from questions', () => {
    for (const log of [VPN_LOG, EVENT_LOG, DOTNET_TRACE, PYTHON_TRACE, OUTLOOK]) expect(looksLikeLog(log)).toBe(true);
    expect(looksLikeLog('I get 0x800CCC0E when I send mail, what do I do?')).toBe(false);
    expect(looksLikeLog('outlook keeps asking for my password')).toBe(false);
    expect(looksLikeLog('My laptop will not connect to wifi.\nIt worked yesterday.\nAny ideas?')).toBe(false);
    expect(looksLikeLog('open a ticket: printer on floor 3 shows error 49')).toBe(false);
  });
});

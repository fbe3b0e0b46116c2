import { Inject, Injectable } from '@nestjs/common';
import { connect as tlsConnect } from 'node:tls';
import { connect as netConnect, type Socket } from 'node:net';
import { AppConfig, LOGGER, type Logger } from '@drydock/platform';

/**
 * Sends invitation mail when SMTP_URL is configured (smtp://user:pass@host:port or smtps://). A minimal
 * SMTP dialogue (EHLO, AUTH PLAIN, MAIL, RCPT, DATA) — enough for a relay; delivery failures are logged,
 * never fatal, since the API also returns the invitation link.
 */
@Injectable()
export class Mailer {
  constructor(
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async send(to: string, subject: string, text: string): Promise<void> {
    if (!this.config.smtp.url) return;
    try {
      await this.deliver(new URL(this.config.smtp.url), to, subject, text);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'invitation mail not sent');
    }
  }

  private deliver(url: URL, to: string, subject: string, text: string): Promise<void> {
    const secure = url.protocol === 'smtps:';
    const port = Number(url.port || (secure ? 465 : 25));
    const from = /<([^>]+)>/.exec(this.config.smtp.from)?.[1] ?? this.config.smtp.from;
    return new Promise((resolve, reject) => {
      const sock: Socket = secure
        ? tlsConnect({ host: url.hostname, port })
        : netConnect({ host: url.hostname, port });
      const auth = url.username
        ? [
            `AUTH PLAIN ${Buffer.from(`\0${decodeURIComponent(url.username)}\0${decodeURIComponent(url.password)}`).toString('base64')}`,
          ]
        : [];
      const body = [
        `From: ${this.config.smtp.from}`,
        `To: ${to}`,
        `Subject: ${subject}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        text.replace(/^\./gm, '..'),
        '.',
      ].join('\r\n');
      const steps = ['EHLO drydock', ...auth, `MAIL FROM:<${from}>`, `RCPT TO:<${to}>`, 'DATA', body, 'QUIT'];
      let buf = '';
      sock.setTimeout(15_000, () => sock.destroy(new Error('SMTP timeout')));
      sock.on('error', reject);
      sock.on('data', (d: Buffer) => {
        buf += d.toString();
        const lines = buf.split('\r\n');
        buf = lines.pop() ?? '';
        for (const line of lines) {
          if (/^\d{3}-/.test(line)) continue; // multi-line reply continues
          if (!/^[23]\d\d /.test(line)) return void (sock.destroy(), reject(new Error(`SMTP: ${line}`)));
          const next = steps.shift();
          if (next === undefined) return void (sock.end(), resolve());
          sock.write(`${next}\r\n`);
        }
      });
    });
  }
}

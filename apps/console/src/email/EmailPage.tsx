// The console's Email screen: the development Mailbox, and for admins the held mail and each
// site's transcript setting. Routed as `#/email/<tab>`.
import type { SignedInAgent } from '@parley/protocol';
import { EmailSettings } from './EmailSettings';
import { HeldMail } from './HeldMail';
import { Mailbox } from './Mailbox';
import './email.css';

export type EmailTab = 'mailbox' | 'held' | 'settings';

/** The tab a route names, falling back to the Mailbox (the only one agents have). */
export function emailTab(route: string | undefined, admin: boolean): EmailTab {
  return admin && (route === 'held' || route === 'settings') ? route : 'mailbox';
}

export function EmailPage({ me, tab }: { me: SignedInAgent; tab: EmailTab }) {
  const admin = me.agent.role === 'admin';
  return (
    <section class="settings email-page" aria-label="Email">
      <header class="settings-head">
        <h1>Email</h1>
        <nav class="tabs">
          <a href="#/email/mailbox" class={tab === 'mailbox' ? 'active' : ''}>
            Mailbox <span class="chip">dev</span>
          </a>
          {admin && (
            <a href="#/email/held" class={tab === 'held' ? 'active' : ''}>
              Held mail
            </a>
          )}
          {admin && (
            <a href="#/email/settings" class={tab === 'settings' ? 'active' : ''}>
              Settings
            </a>
          )}
        </nav>
      </header>
      <div class="settings-body">
        {tab === 'mailbox' && <Mailbox />}
        {tab === 'held' && admin && <HeldMail />}
        {tab === 'settings' && admin && <EmailSettings sites={me.sites} />}
      </div>
    </section>
  );
}

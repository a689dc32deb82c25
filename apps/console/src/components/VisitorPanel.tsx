// The right column: who the visitor is, where they are and have been, what the site told us
// (a cart, a plan), and their other conversations one click away.
import type { ConversationDetails } from '@parley/protocol';
import { ago, browserOf, localTime } from '../format';
import { Avatar } from './Avatar';
import './VisitorPanel.css';

function Row({ label, children }: { label: string; children: preact.ComponentChildren }) {
  return (
    <div class="panel-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function pathOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/** "cartValue" and "cart_value" read as "Cart value". */
function label(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function attributeValue(value: string | number | boolean | null): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

export function VisitorPanel({
  details,
  now,
  onOpen,
}: {
  details: ConversationDetails;
  now: number;
  onOpen: (conversationId: string) => void;
}) {
  const { visitor, conversation } = details;
  const { context } = visitor;
  const time = localTime(context.timeZone, now);
  const attributes = Object.entries(visitor.attributes);
  const fields = Object.entries(visitor.fields);
  return (
    <aside class="visitor-panel" aria-label="Visitor">
      <header class="panel-head">
        <Avatar id={visitor.id} name={visitor.name} size={44} />
        <div>
          <h2>{visitor.name}</h2>
          {visitor.email && (
            <div class="muted">
              {visitor.email}{' '}
              {visitor.emailVerified ? (
                <span class="badge verified" title="Signed by the site with the user id">
                  ✓ verified
                </span>
              ) : (
                <span class="badge unverified" title="Given by the visitor; not proof of identity">
                  unverified
                </span>
              )}
            </div>
          )}
          {visitor.verified ? (
            <div class="muted">
              <span
                class="badge verified"
                title="Signed in on the site, verified by its identity secret; a name is the visitor's own"
              >
                ✓ verified user
              </span>{' '}
              {visitor.userId}
            </div>
          ) : (
            !visitor.email && <div class="muted">Anonymous visitor</div>
          )}
        </div>
      </header>

      <section>
        <h3>Now</h3>
        <dl>
          {context.url && (
            <Row label="Page">
              <a
                href={context.url}
                target="_blank"
                rel="noreferrer noopener"
                title={context.url}
                class="current-page"
              >
                {context.title || pathOf(context.url)}
              </a>
            </Row>
          )}
          {time && <Row label="Local time">{`${time} · ${context.timeZone}`}</Row>}
          {context.language && <Row label="Language">{context.language}</Row>}
          {context.userAgent && (
            <Row label="Browser">
              <span title={context.userAgent}>{browserOf(context.userAgent)}</span>
            </Row>
          )}
          {context.referrer && (
            <Row label="Came from">
              <span title={context.referrer}>{context.referrer}</span>
            </Row>
          )}
          <Row label="Site">{details.site.name}</Row>
        </dl>
      </section>

      {attributes.length > 0 && (
        <section>
          <h3>From the site</h3>
          <dl class="attributes">
            {attributes.map(([key, value]) => (
              <Row key={key} label={label(key)}>
                {attributeValue(value)}
              </Row>
            ))}
          </dl>
        </section>
      )}

      {fields.length > 0 && (
        <section>
          <h3>Pre-chat answers</h3>
          <dl>
            {fields.map(([key, value]) => (
              <Row key={key} label={label(key)}>
                {value}
              </Row>
            ))}
          </dl>
        </section>
      )}

      {conversation.tags.length > 0 && (
        <section>
          <h3>Tags</h3>
          <div class="chips">
            {conversation.tags.map((tag) => (
              <span key={tag} class="chip tag">
                #{tag}
              </span>
            ))}
          </div>
        </section>
      )}

      {visitor.pages.length > 0 && (
        <section>
          <h3>Pages viewed</h3>
          <ol class="trail">
            {[...visitor.pages]
              .reverse()
              .slice(0, 12)
              .map((page) => (
                <li key={`${page.at}-${page.url}`}>
                  <span title={page.url}>{page.title || pathOf(page.url)}</span>
                  <time>{ago(page.at, now)}</time>
                </li>
              ))}
          </ol>
        </section>
      )}

      <section>
        <h3>Past conversations</h3>
        {details.past.length === 0 ? (
          <p class="muted">This is the first one.</p>
        ) : (
          <ul class="past">
            {details.past.map((item) => (
              <li key={item.conversation.id}>
                <button type="button" class="link" onClick={() => onOpen(item.conversation.id)}>
                  <span class={`status-dot ${item.conversation.status}`} />
                  {item.preview?.body ?? 'No messages'}
                </button>
                <time>{ago(item.conversation.createdAt, now)}</time>
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}

// @vitest-environment node
// A chat escalated to a meeting, end to end in real Chromium: the agent offers a meeting in the
// console, the shopper picks a slot in the widget on the demo shop (losing one race first), both
// invites arrive in the development Mailbox, the shopper reschedules from the link in the invite,
// the agent records the outcome and the summary email arrives. Screenshots go to /tmp.
import { newClientId } from '@parley/client';
import type { MailboxEntry, Slot } from '@parley/protocol';
import { ready, visitorClient } from '@parley/server/testing/clients';
import { type Stack, startStack } from '@parley/server/testing/stack';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';

const PASSWORD = 'correct horse battery';
const SHOTS = process.env.PARLEY_SCREENSHOTS ?? '/tmp';
const VISITOR = 'vera@shop.test';
const eventually = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 20_000, interval: 100 });

let stack: Stack;
let ana: Awaited<ReturnType<Stack['relay']['services']['agents']['create']>>['agent'];
const closers: (() => void)[] = [];

beforeAll(async () => {
  stack = await startStack({
    demoShop: true,
    relay: { devMailbox: true, inboundSmtpPort: 0, emailVerify: false, emailTickMs: 50 },
  });
  const { services } = stack.relay;
  const site = stack.shop!.site;
  ({ agent: ana } = await services.agents.create({
    email: 'ana@shop.test',
    name: 'Ana Lopez',
    role: 'agent',
    siteIds: [site.id],
    password: PASSWORD,
  }));
  await services.agents.setPresence(ana.id, 'online');
  await services.meetings.saveSchedule(ana, {
    timeZone: 'Europe/Warsaw',
    weekly: ([0, 1, 2, 3, 4, 5, 6] as const).map((day) => ({ day, start: '08:00', end: '18:00' })),
    exceptions: [],
    lengths: [20, 30, 45],
  });
  await services.meetings.saveSettings(site.id, {
    minNoticeMinutes: 60,
    horizonDays: 14,
    bufferMinutes: 15,
    slotStepMinutes: 30,
    reminderMinutes: [24 * 60, 60],
    link: { kind: 'video', pattern: 'https://meet.shop.test/room/{room}' },
  });
});

afterAll(async () => {
  for (const close of closers) close();
  await stack?.close();
});

/** The development Mailbox, read through the console's own session. */
async function mailbox(desk: Page): Promise<MailboxEntry[]> {
  const response = await desk.context().request.get(`${stack.relay.url}/api/email/mailbox`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { emails: MailboxEntry[] }).emails;
}

async function mailTo(desk: Page, address: string, subject: RegExp): Promise<MailboxEntry> {
  return eventually(async () => {
    const found = (await mailbox(desk)).find((m) => m.to.includes(address) && subject.test(m.subject));
    expect(found, `an email to ${address} with subject ${subject}`).toBeDefined();
    return found!;
  });
}

/** Another visitor, on a plain socket, offered a meeting by Ana straight through the service. */
async function competingOffer(): Promise<{ meetingId: string; token: string }> {
  const visitor = await ready(
    visitorClient(stack.relay.url, stack.shop!.site.publicKey, { extraHeaders: { origin: stack.shop!.url } }),
  );
  closers.push(() => visitor.close());
  const started = await visitor.start(newClientId());
  if (!started.ok) throw new Error(started.message);
  const offered = await stack.relay.services.meetings.offer(ana, {
    conversationId: started.conversation.id,
    lengthMinutes: 30,
    agenda: 'Returns',
  });
  if (!offered.ok) throw new Error(offered.message);
  return { meetingId: offered.meeting.id, token: offered.links.book! };
}

async function signIn(): Promise<Page> {
  const page = await stack.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'Europe/Warsaw' });
  page.on('pageerror', (error) => console.error('console page error:', error.message));
  await page.goto(`${stack.relay.url}/console/`);
  await page.getByLabel('Email').fill(ana.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  return page;
}

it('offers a meeting in the console, books it in the widget, reschedules from the invite, records the outcome', async () => {
  const desk = await signIn();
  const shop = await stack.newPage({
    viewport: { width: 1280, height: 860 },
    timezoneId: 'America/New_York',
  });
  shop.on('pageerror', (error) => console.error('shop page error:', error.message));
  await shop.goto(`${stack.shop!.url}/products/blue-mug`);
  await shop.waitForLoadState('load');
  await shop.getByRole('button', { name: 'Open chat' }).click();
  const widget = shop.frameLocator('iframe[title="Chat"]');
  await widget
    .getByRole('textbox', { name: 'Message' })
    .fill('My CSV import stops at 1000 rows. Is there a limit on imports?');
  await widget.getByRole('button', { name: 'Send' }).click();

  // The agent offers a meeting, starting from the agenda drafted from the chat.
  await desk.locator('.inbox-row', { hasText: 'Is there a limit on imports?' }).click();
  await desk.getByRole('button', { name: 'Offer a meeting' }).click();
  const dialog = desk.getByRole('dialog', { name: 'Offer a meeting' });
  const agenda = dialog.getByLabel('Agenda');
  await eventually(async () => expect(await agenda.inputValue()).toContain('Is there a limit on imports?'));
  // An empty agenda is refused with words, before anything is sent.
  await agenda.fill('   ');
  await dialog.getByRole('button', { name: 'Offer the meeting' }).click();
  await dialog.getByRole('alert').getByText('Write an agenda').waitFor();
  await agenda.fill('My CSV import stops at 1000 rows.\nBring a sample file.');
  await dialog.getByLabel('Length').selectOption('30');
  await dialog.getByLabel('Title').fill('Import limits');
  await desk.screenshot({ path: `${SHOTS}/meetings-offer-dialog.png` });
  await dialog.getByRole('button', { name: 'Offer the meeting' }).click();
  await dialog.waitFor({ state: 'detached' });
  await desk.locator('.meeting-event', { hasText: 'Meeting offered' }).waitFor();

  // The widget shows the slot picker, in the shopper's own zone.
  const picker = widget.getByRole('region', { name: 'Pick a time' });
  await picker.getByText('Times in America/New_York').waitFor();
  await picker.getByText('Bring a sample file.').waitFor();
  const firstTime = picker.locator('button.time').first();
  const firstLabel = (await firstTime.textContent())!;
  await shop.screenshot({ path: `${SHOTS}/meetings-slot-picker-desktop.png` });

  // Another visitor takes exactly that time first: the shopper is told and sees fresh slots.
  const rival = await competingOffer();
  const rivalSlots = (await (
    await fetch(
      `${stack.relay.url}/meetings/${rival.meetingId}/slots?token=${rival.token}&timeZone=America/New_York`,
    )
  ).json()) as { slots: Slot[] };
  expect(rivalSlots.slots[0]!.label.split(', ')[1]).toBe(firstLabel);
  const rivalBooking = await fetch(`${stack.relay.url}/meetings/${rival.meetingId}/book`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: rival.token,
      start: rivalSlots.slots[0]!.start,
      timeZone: 'America/New_York',
      attendee: { name: 'Rick Rival', email: 'rick@shop.test' },
    }),
  });
  expect(rivalBooking.status).toBe(201);

  await firstTime.click();
  await picker.getByLabel('Your name').fill('Vera Visitor');
  await picker.getByLabel('Email for the invite').fill(VISITOR);
  await picker.getByRole('button', { name: /^Book / }).click();
  await picker.getByRole('alert').getByText('That time was just taken').waitFor();
  await shop.screenshot({ path: `${SHOTS}/meetings-slot-taken.png` });
  expect(await picker.locator('button.time').first().textContent()).not.toBe(firstLabel);
  await picker.locator('button.time').first().click();
  await picker.getByRole('button', { name: /^Book / }).click();

  // Booked: a card in the widget, the event in the console, and both invites in the Mailbox.
  const bookedCard = widget.locator('.meeting', { hasText: 'Meeting booked' });
  await bookedCard.waitFor();
  await bookedCard.getByText('(America/New_York)').waitFor();
  await desk.locator('.meeting-event', { hasText: 'Meeting booked by the visitor' }).waitFor();
  const invite = await mailTo(desk, VISITOR, /^Invitation: Import limits — .*\(America\/New_York\)/);
  const agentInvite = await mailTo(desk, ana.email, /^Invitation: Import limits — .*\(Europe\/Warsaw\)/);
  expect(invite.raw).toContain('METHOD:REQUEST');
  expect(agentInvite.raw).toContain('METHOD:REQUEST');
  // The same two invitations, as the Mailbox page shows them.
  const mailboxPage = await desk.context().newPage();
  await mailboxPage.goto(`${stack.relay.url}/console/#/email/mailbox`);
  const invitations = mailboxPage.locator('.mailbox-row', { hasText: 'Invitation: Import limits' });
  await eventually(async () => expect(await invitations.count()).toBe(2));
  await mailboxPage.screenshot({ path: `${SHOTS}/meetings-mailbox.png` });

  // The inbox filter "Meetings" keeps the conversations with a meeting and leaves the others out.
  const browsing = await ready(
    visitorClient(stack.relay.url, stack.shop!.site.publicKey, { extraHeaders: { origin: stack.shop!.url } }),
  );
  closers.push(() => browsing.close());
  const plain = await browsing.start(newClientId());
  if (!plain.ok) throw new Error(plain.message);
  browsing.send(plain.conversation.id, 'Just browsing, thanks');
  await desk.locator('.inbox-row', { hasText: 'Just browsing, thanks' }).waitFor();
  await desk.locator('.filter-toggle').click();
  await desk.getByLabel('Channel').selectOption('meeting');
  await eventually(async () => expect(await desk.locator('.inbox-row').count()).toBe(2));
  expect(await desk.locator('.inbox-row', { hasText: 'Just browsing, thanks' }).count()).toBe(0);
  await desk.getByLabel('Channel').selectOption('');

  // The shopper reschedules from the link in the invite, in their browser.
  const rescheduleLink = /Need another time\? (\S+)/.exec(invite.text)![1]!;
  const linkPage = await shop.context().newPage();
  await linkPage.goto(rescheduleLink);
  await linkPage.getByText('Times in America/New_York.').waitFor();
  const choices = linkPage.locator('input[name="start"]');
  const booked = await stack.relay.connection.collection('meetings').findOne({ title: 'Import limits' });
  const current = (booked!.start as Date).getTime();
  const offeredTimes = await choices.evaluateAll((inputs) =>
    inputs.map((i) => (i as HTMLInputElement).value),
  );
  expect(offeredTimes).toContain(new Date(current).toISOString());
  const moved = offeredTimes.find((t) => Date.parse(t) > current + 2 * 3_600_000) ?? '';
  expect(moved).not.toBe('');
  await linkPage.locator(`input[name="start"][value="${moved}"]`).check();
  await linkPage.getByRole('button', { name: 'Move the meeting' }).click();
  await linkPage.getByText('The meeting is set for').waitFor();

  await widget.locator('.meeting', { hasText: 'Meeting moved' }).waitFor();
  await desk.locator('.meeting-event', { hasText: 'Meeting moved by the visitor' }).waitFor();
  const update = await mailTo(desk, VISITOR, /^Updated invitation: Import limits/);
  await mailTo(desk, ana.email, /^Updated invitation: Import limits/);
  expect(update.raw).toMatch(/SEQUENCE:1/);

  // The agent's upcoming meetings show it, in the agent's zone.
  await desk.getByRole('link', { name: 'Meetings' }).click();
  const upcoming = desk.getByRole('region', { name: 'Upcoming meetings' });
  const item = upcoming.locator('.upcoming-item', { hasText: 'Import limits' });
  await upcoming.getByText('Times in Europe/Warsaw').waitFor();
  const wantTime = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Warsaw',
  }).format(new Date(moved));
  // The list opens on this week; the moved meeting may fall in a later one.
  const warsawDay = (instant: Date) =>
    Date.parse(new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' }).format(instant));
  const weeksAhead = Math.floor((warsawDay(new Date(moved)) - warsawDay(new Date())) / (7 * 86_400_000));
  for (let week = 0; week < weeksAhead; week++) await upcoming.getByRole('button', { name: 'Later' }).click();
  await item.getByText(wantTime).first().waitFor();
  await item.getByText(`Vera Visitor <${VISITOR}>`).waitFor();
  await desk.screenshot({ path: `${SHOTS}/meetings-upcoming.png` });

  // After the call: the outcome, from the conversation's timeline.
  await item.getByRole('link', { name: 'Import limits' }).click();
  const movedEvent = desk.locator('.meeting-event', { hasText: 'Meeting moved by the visitor' });
  await movedEvent.getByRole('button', { name: 'Record outcome' }).click();
  const form = desk.getByRole('form', { name: 'Meeting outcome' });
  // An action item without a due date is refused before anything is sent.
  await form.getByLabel('Notes').fill('The importer caps files at 1000 rows on the Basic plan.');
  await form.getByLabel('Decisions (one a line)').fill('Split the warehouse export into files of 1000 rows');
  await form.getByLabel('Action item 1', { exact: true }).fill('Send the split script');
  await form.getByLabel('Owner of action item 1').fill('Ana Lopez');
  await form.getByRole('button', { name: 'Save and resolve' }).click();
  await form.getByRole('alert').getByText('Action item 1 needs what, who and a due date.').waitFor();
  await form.getByLabel('Due date of action item 1').fill('2026-12-01');
  await form.getByRole('button', { name: 'Save and resolve' }).click();

  const outcome = desk.locator('.meeting-event', { hasText: 'Meeting outcome' });
  await outcome.getByText('Split the warehouse export into files of 1000 rows').waitFor();
  await desk.locator('.status-pill.resolved').waitFor();
  await widget
    .locator('.meeting', { hasText: 'Meeting summary' })
    .getByText('Send the split script')
    .waitFor();
  const summary = await mailTo(desk, VISITOR, /^Summary: Import limits$/);
  expect(summary.text).toContain('The importer caps files at 1000 rows on the Basic plan.');
  expect(summary.text).toContain('- Send the split script (owner: Ana Lopez, due 2026-12-01)');
  await mailboxPage.reload();
  await mailboxPage.locator('.mailbox-row', { hasText: 'Summary: Import limits' }).waitFor();
  await desk.screenshot({ path: `${SHOTS}/meetings-console-timeline.png` });
});

it("reschedules and cancels from the console, and edits the agent's hours", async () => {
  const desk = await signIn();
  // A meeting booked through its link, as a visitor would.
  const offer = await competingOffer();
  const { slots } = (await (
    await fetch(
      `${stack.relay.url}/meetings/${offer.meetingId}/slots?token=${offer.token}&timeZone=Europe/Warsaw`,
    )
  ).json()) as { slots: Slot[] };
  const booking = await fetch(`${stack.relay.url}/meetings/${offer.meetingId}/book`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: offer.token,
      start: slots[0]!.start,
      timeZone: 'Europe/Warsaw',
      attendee: { name: 'Carla', email: 'carla@shop.test' },
    }),
  });
  expect(booking.status).toBe(201);
  const meeting = await stack.relay.connection
    .collection('meetings')
    .findOne({ attendee: { name: 'Carla', email: 'carla@shop.test' } });
  await desk.goto(`${stack.relay.url}/console/#/inbox/open/${meeting!.conversationId}`);

  const bookedEvent = desk.locator('.meeting-event', { hasText: 'Meeting booked by the visitor' });
  await bookedEvent.getByRole('button', { name: 'Reschedule' }).click();
  const moveForm = desk.getByRole('form', { name: 'Reschedule' });
  // Its own time is listed, but cannot be chosen.
  await moveForm.getByText('(its time now)').waitFor({ state: 'attached' });
  expect(await moveForm.locator(`option[value="${slots[0]!.start}"]`).isDisabled()).toBe(true);
  const options = await moveForm
    .locator('option:not([disabled])')
    .evaluateAll((list) => list.map((o) => (o as HTMLOptionElement).value).filter(Boolean));
  expect(options).not.toContain(slots[0]!.start);
  await moveForm.getByLabel('New time').selectOption(options[3]!);
  await moveForm.getByRole('button', { name: 'Move the meeting' }).click();
  const movedEvent = desk.locator('.meeting-event', { hasText: 'Meeting moved by an agent' });
  await movedEvent.waitFor();
  await mailTo(desk, 'carla@shop.test', /^Updated invitation: /);

  await movedEvent.getByRole('button', { name: 'Cancel meeting' }).click();
  const cancelForm = desk.getByRole('form', { name: 'Cancel the meeting' });
  await cancelForm.getByLabel('Reason (the visitor sees it)').fill('Solved in the chat');
  await cancelForm.getByRole('button', { name: 'Cancel it' }).click();
  await desk
    .locator('.meeting-event', { hasText: 'Meeting cancelled by an agent' })
    .getByText('Solved in the chat')
    .waitFor();
  const cancellation = await mailTo(desk, 'carla@shop.test', /^Cancelled: /);
  expect(cancellation.raw).toContain('METHOD:CANCEL');
  // Nothing is left to do to a cancelled meeting.
  expect(await desk.getByRole('button', { name: 'Record outcome' }).count()).toBe(0);

  // The agent's own hours: a bad range is refused in words, a good change is saved.
  await desk.getByRole('link', { name: 'Meetings' }).click();
  await desk.getByRole('link', { name: 'My hours' }).click();
  const hours = desk.getByRole('form', { name: 'Meeting schedule' });
  await hours.getByLabel('Monday until').fill('07:00');
  await hours.getByRole('button', { name: 'Save schedule' }).click();
  await hours.getByRole('alert').getByText('Monday: the hours must end after they start.').waitFor();
  await hours.getByLabel('Monday until').fill('16:00');
  await hours.getByRole('checkbox', { name: 'Sunday' }).uncheck();
  await hours.getByRole('checkbox', { name: '60 min' }).check();
  await hours.getByRole('button', { name: 'Save schedule' }).click();
  await hours.getByRole('status').getByText('Saved.').waitFor();
  const saved = await stack.relay.services.meetings.schedule(ana.id);
  expect(saved).toMatchObject({ timeZone: 'Europe/Warsaw', lengths: [20, 30, 45, 60] });
  expect(saved!.weekly.find((r) => r.day === 1)).toEqual({ day: 1, start: '08:00', end: '16:00' });
  expect(saved!.weekly.some((r) => r.day === 0)).toBe(false);
  await desk.screenshot({ path: `${SHOTS}/meetings-hours.png`, fullPage: true });
});

it('shows the slot picker on a phone', async () => {
  const phone = await stack.newPage({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    timezoneId: 'Europe/Bucharest',
  });
  await phone.goto(`${stack.shop!.url}/products/blue-mug`);
  await phone.waitForLoadState('load');
  await phone.getByRole('button', { name: 'Open chat' }).click();
  const widget = phone.frameLocator('iframe[title="Chat"]');
  await widget.getByRole('textbox', { name: 'Message' }).fill('Could someone walk me through the setup?');
  await widget.getByRole('button', { name: 'Send' }).click();
  const conversationId = await eventually(async () => {
    const [found] = await stack.relay.connection
      .collection('messages')
      .find({ body: 'Could someone walk me through the setup?' })
      .toArray();
    expect(found).toBeDefined();
    return String(found!.conversationId);
  });
  const offered = await stack.relay.services.meetings.offer(ana, {
    conversationId,
    lengthMinutes: 45,
    title: 'Setup walkthrough',
    agenda: 'Walk through the setup\nConnect the warehouse export',
  });
  expect(offered.ok).toBe(true);
  const picker = widget.getByRole('region', { name: 'Pick a time' });
  await picker.getByText('Times in Europe/Bucharest').waitFor();
  await picker.locator('button.time').nth(1).click();
  await picker.getByLabel('Your name').waitFor();
  await phone.screenshot({ path: `${SHOTS}/meetings-slot-picker-phone.png` });
});

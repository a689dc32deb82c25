// The conversation header's "Offer a meeting" button and the dialog it opens.
import type { AgentProfile, Conversation, Team } from '@parley/protocol';
import { useState } from 'preact/hooks';
import { OfferMeeting } from './OfferMeeting';
import './meetings.css';

export function OfferMeetingButton({
  conversation,
  me,
  agents,
  teams,
}: {
  conversation: Conversation;
  me: AgentProfile;
  agents: AgentProfile[];
  teams: Team[];
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      {/* An icon, with its name as label and tooltip: the header's row is already full of actions. */}
      <button
        type="button"
        class="offer-meeting-button"
        aria-label="Offer a meeting"
        title="Offer a meeting"
        onClick={() => setOpen(true)}
        disabled={conversation.status === 'resolved'}
      >
        <span aria-hidden="true">◷</span>
      </button>
      {open && (
        <OfferMeeting
          conversationId={conversation.id}
          siteId={conversation.siteId}
          me={me}
          agents={agents}
          teams={teams}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

// The frames /legacy clients get for changes to a message: message_edited and message_deleted (reactions and thread
// counts have no equivalent in the old protocol and are not sent).
import type { MessageChange } from '../../../shared/message';
import { chatMessageFrame } from './protocol';

export function changeFrame(change: MessageChange) {
  if (change.kind === 'edit') {
    // The whole message as chat_message carries it, so an old client can replace its copy by id.
    const { data } = chatMessageFrame(change.message);
    return {
      type: 'message_edited',
      data: { ...data, edited_at: change.message.editedAt ?? change.at, edited_by: change.by },
    };
  }
  if (change.kind === 'delete') {
    return {
      type: 'message_deleted',
      data: {
        id: change.messageId,
        deleted_at: change.message.deletedAt ?? change.at,
        deleted_by: change.by,
      },
    };
  }
  return null;
}

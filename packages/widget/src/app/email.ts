// The widget's check of an email address as typed: trimmed, then the rule the relay applies.
import { isEmailAddress } from '@parley/protocol/email-address';

export const isEmail = (value: string) => isEmailAddress(value.trim());

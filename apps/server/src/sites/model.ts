// A site embeds the widget: its public key, the origins allowed to embed it, and the secret
// that signs identified users.
import { type Connection, type InferSchemaType, Schema } from 'mongoose';

const siteSchema = new Schema(
  {
    publicKey: { type: String, required: true, unique: true },
    name: { type: String, required: true, maxlength: 200 },
    allowedOrigins: { type: [String], default: [] },
    identitySecret: { type: String, required: true },
    /** The widget's SiteSettings, validated by siteSettingsSchema on every write and read. */
    widgetSettings: { type: Schema.Types.Mixed, default: () => ({}) },
    settings: {
      firstResponseTargetSec: { type: Number, default: 300 },
      assignment: { type: String, enum: ['manual', 'balanced'], default: 'manual' },
      /** Masked in messages besides card numbers (which always are); see privacy/redact.ts. */
      redaction: {
        iban: { type: Boolean, default: false },
        nationalIds: { type: Boolean, default: false },
      },
    },
  },
  { timestamps: true },
);

export type SiteDoc = InferSchemaType<typeof siteSchema> & { _id: import('mongoose').Types.ObjectId };

const buildSite = (connection: Connection) => connection.model('Site', siteSchema);

export function siteModel(connection: Connection): ReturnType<typeof buildSite> {
  return (connection.models.Site as ReturnType<typeof buildSite> | undefined) ?? buildSite(connection);
}
